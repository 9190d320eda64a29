/**
 * The resource-identity contract of a stack: a committed snapshot of every registration's URN,
 * its provider-side identity (Vault path/name, Kubernetes kind/namespace/name), a digest of each
 * input that forces a replacement and of every other top-level input; and the check of the
 * current program against it (`checkIdentity`). Pure.
 *
 * A check fails (problems) when:
 * - a snapshot URN is neither registered now nor covered by an alias (own or inherited from a
 *   parent, urns.ts): Pulumi would delete that object and create a new one;
 * - a stateful object's provider identity changed (a new path or name is another object, even when
 *   the provider would move it in place, as a remount does: every policy path and store breaks);
 * - a stateful object's replacing input changed (replace-rules.ts), or a stateful object is gone.
 * It reports, without failing, the replacements of other objects and the in-place updates
 * (inputs that changed without forcing a replacement), for the upgrade test and the changelog.
 */
import { createHash } from "crypto";
import type { AliasSpec } from "../capture";
import { redact } from "../render-files";
import { aliasUrns } from "./urns";
import { at, ruleFor } from "./replace-rules";

/** What the contract reads of a registration (`Captured` fits). */
export interface IdentityResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly custom: boolean;
  readonly aliases?: ReadonlyArray<string | AliasSpec>;
  readonly inputs: Record<string, unknown>;
}

export interface IdentityEntry {
  readonly urn: string;
  readonly type: string;
  readonly stateful?: true;
  /** Provider-side identity, plain (names and paths are not secret; a secret shows as `[secret]`). */
  readonly identity?: Record<string, unknown>;
  /** Digest of each replacing input (dotted path). */
  readonly forceNew?: Record<string, string>;
  /** Digest of every other top-level input: a change is an in-place update. */
  readonly inputs?: Record<string, string>;
  /** A Helm release's chart and pinned version (the upgrade test holds ESO to one minor per release). */
  readonly chart?: { readonly name: string; readonly version: string };
}

export interface IdentitySnapshot {
  /** The package version it was taken at (package.json). */
  readonly version: string;
  readonly resources: IdentityEntry[];
}

/** Short digest of a redacted value: changes show without committing values (secrets are `[secret]` before hashing). */
function digest(v: unknown): string {
  return createHash("sha256").update(JSON.stringify(sortKeys(redact(v)) ?? null)).digest("hex").slice(0, 16);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

export function entryOf(r: IdentityResource): IdentityEntry {
  const rule = r.custom ? ruleFor(r.type, r.inputs) : undefined;
  if (!r.custom) return { urn: r.urn, type: r.type };
  const identity = rule ? Object.fromEntries(rule.identity.map((k) => [k, redact(at(r.inputs, k)) ?? null])) : undefined;
  const forceNew = rule ? Object.fromEntries(rule.forceNew.map((k) => [k, digest(at(r.inputs, k))])) : undefined;
  const top = new Set((rule?.forceNew ?? []).filter((k) => !k.includes(".")));
  const inputs = Object.fromEntries(Object.keys(r.inputs).filter((k) => !top.has(k)).sort().map((k) => [k, digest(r.inputs[k])]));
  const chart = r.type.startsWith("kubernetes:helm.sh/") && typeof r.inputs.chart === "string" && typeof r.inputs.version === "string" ? { name: r.inputs.chart, version: r.inputs.version } : undefined;
  return { urn: r.urn, type: r.type, ...(rule?.stateful ? { stateful: true as const } : {}), ...(identity ? { identity } : {}), ...(forceNew ? { forceNew } : {}), inputs, ...(chart ? { chart } : {}) };
}

export function snapshotOf(resources: readonly IdentityResource[], version: string): IdentitySnapshot {
  return { version, resources: resources.map(entryOf).sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)) };
}

export interface IdentityCheck {
  /** Failures, one line each. */
  readonly problems: string[];
  /** Objects (not stateful) the provider would replace: `<urn>: <inputs>`. */
  readonly replaced: string[];
  /** In-place updates: `<type> <input>` (each once). */
  readonly updated: string[];
  /** Old URN -> the current URN it maps to (itself or through an alias). */
  readonly moved: Map<string, string>;
}

export function checkIdentity(snapshot: IdentitySnapshot, current: readonly IdentityResource[]): IdentityCheck {
  const problems: string[] = [];
  const replaced: string[] = [];
  const updated = new Set<string>();
  const moved = new Map<string, string>();
  const byUrn = new Map(current.map((r) => [r.urn, r]));
  const aliases = aliasUrns(current);
  const byAlias = new Map<string, string>();
  for (const [urn, set] of aliases) for (const a of set) if (!byUrn.has(a)) byAlias.set(a, urn);

  for (const old of snapshot.resources) {
    const urn = byUrn.has(old.urn) ? old.urn : byAlias.get(old.urn);
    if (!urn) {
      problems.push(`${old.urn}: no resource has this URN or an alias of it${old.stateful ? " (stateful: pulumi up would delete it)" : ""}. Fix: add aliases: [{ name, type, parent }] (or the old URN) to the resource that replaces it, or regenerate the snapshot on purpose (npm run identity:snapshot)`);
      continue;
    }
    moved.set(old.urn, urn);
    const now = entryOf(byUrn.get(urn)!);
    if (old.identity && now.identity && JSON.stringify(old.identity) !== JSON.stringify(now.identity) && old.stateful) {
      problems.push(`${old.urn}: stateful object's provider identity changes from ${JSON.stringify(old.identity)} to ${JSON.stringify(now.identity)}: a different object to the provider; its data and every reference stay at the old one`);
    }
    const forced = Object.keys(old.forceNew ?? {}).filter((k) => (now.forceNew ?? {})[k] !== undefined && now.forceNew![k] !== old.forceNew![k]);
    if (forced.length) {
      if (old.stateful) problems.push(`${old.urn}: the provider would replace this stateful object (${forced.join(", ")} changed)`);
      else replaced.push(`${old.urn}: ${forced.join(", ")}`);
    }
    for (const [k, d] of Object.entries(now.inputs ?? {})) {
      if ((old.inputs ?? {})[k] !== d && !forced.includes(k)) updated.add(`${old.type} ${k}`);
    }
    for (const k of Object.keys(old.inputs ?? {})) if (!(k in (now.inputs ?? {}))) updated.add(`${old.type} ${k}`);
  }
  return { problems, replaced, updated: [...updated].sort(), moved };
}

/**
 * Chart upgrades that skip a minor version (docs/releases.md: ESO supports only its latest minor and
 * asks for upgrades one minor at a time, external-secrets docs/introduction/stability-support.md):
 * for each chart in `charts`, every release of it in `snapshot` against the same release now.
 */
export function chartSkips(snapshot: IdentitySnapshot, current: readonly IdentityResource[], charts: readonly string[], moved: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const now = new Map(current.map((r) => [r.urn, entryOf(r)]));
  for (const old of snapshot.resources) {
    if (!old.chart || !charts.includes(old.chart.name)) continue;
    const cur = now.get(moved.get(old.urn) ?? old.urn)?.chart;
    if (!cur) continue;
    const [a, b] = [old.chart.version, cur.version].map((v) => v.replace(/^v/, "").split(".").map(Number));
    const ok = (b[0] === a[0] && b[1] - a[1] <= 1) || (b[0] === a[0] + 1 && b[1] === 0) || (b[0] < a[0] || (b[0] === a[0] && b[1] <= a[1]));
    if (!ok) out.push(`${old.chart.name} ${old.chart.version} -> ${cur.version}: more than one minor version in one release. Fix: release each minor in between (docs/releases.md)`);
  }
  return out;
}
