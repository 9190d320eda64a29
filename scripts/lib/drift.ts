/**
 * Drift: what a refreshed preview (`pulumi preview --refresh --expect-no-changes --json`) proposes, split
 * into the token renewer's designed lifecycle and real drift. Pure: takes the parsed JSON, returns the
 * verdict and a Markdown report (URNs, operations and property paths only: never values).
 *
 * The JSON document is the CLI's preview digest (pulumi/pulumi `pkg/backend/display/json.go`
 * ShowJSONEvents / previewDigest): `steps[]` of `{op, urn, diffReasons, replaceReasons, detailedDiff}`
 * (secret values already blinded as "[secret]"), `diagnostics[]`, `changeSummary`.
 *
 * The one expected change (docs/operations.md, "Drift"): with token auth, the bootstrap Job revokes the
 * bootstrap `vault.Token` during `up`; terraform-provider-vault `vault/resource_token.go` tokenRead then
 * fails its accessor lookup and clears the ID, so every refreshed preview after the first `up` plans to
 * mint a token again, rewrite the bootstrap Secret with it and replace the bootstrap Job. That is the
 * design (docs/token-auth.md), not someone's edit: accepted, but only as that exact set (a token
 * create, and, only alongside it, the Secret's data and a replacement of the Job whose only difference is
 * the pod's accessor annotation: BOOTSTRAP_LIFECYCLE_PROPERTIES). Anything else is drift: an image,
 * command, service account or environment change of the bootstrap Job runs with the Vault token.
 */
import { BOOTSTRAP_LIFECYCLE_PROPERTIES, bootstrapLifecycleNames, TOKEN_RENEWER_NAME, TOKEN_RENEWER_TYPE } from "../../components/token-renewer/renewer-builders";

export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly diffReasons?: readonly string[];
  readonly replaceReasons?: readonly string[];
  readonly detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }> | null;
}
export interface PreviewDigest {
  readonly steps?: readonly PreviewStep[];
  readonly diagnostics?: ReadonlyArray<{ urn?: string; message?: string; severity?: string }>;
  readonly changeSummary?: Record<string, number>;
}

/** Step operations that change nothing (pulumi/pulumi `pkg/resource/deploy/step.go` StepOp values). */
export const NO_CHANGE_OPS: ReadonlySet<string> = new Set(["same", "read", "read-discard", "refresh"]);

export interface ParsedUrn {
  readonly stack: string;
  readonly project: string;
  /** Types of the parents, outermost first. */
  readonly parents: readonly string[];
  readonly type: string;
  readonly name: string;
}

/** `urn:pulumi:<stack>::<project>::<parent type>$...$<type>::<name>` (names may contain "::"). */
export function parseUrn(urn: string): ParsedUrn {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) throw new Error(`not a Pulumi URN: ${urn}`);
  const qualified = parts[2].split("$");
  return { stack: parts[0].slice("urn:pulumi:".length), project: parts[1], parents: qualified.slice(0, -1), type: qualified[qualified.length - 1], name: parts.slice(3).join("::") };
}

export interface Change {
  readonly op: string;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Property paths that differ (detailedDiff keys, else diffReasons / replaceReasons). */
  readonly properties: readonly string[];
}
export interface DriftVerdict {
  /** Changes someone made outside Pulumi (or code not yet deployed). */
  readonly drift: readonly Change[];
  /** The token renewer's designed lifecycle, with why it is expected. */
  readonly expected: ReadonlyArray<Change & { readonly why: string }>;
  /** Error diagnostics of the preview itself (the check did not run). */
  readonly errors: readonly string[];
}

function propertiesOf(s: PreviewStep): string[] {
  const detailed = Object.keys(s.detailedDiff ?? {});
  return [...new Set(detailed.length ? detailed : [...(s.diffReasons ?? []), ...(s.replaceReasons ?? [])])].sort();
}

const under = (u: ParsedUrn, parentType: string) => u.parents.length === 0 || u.parents.includes(parentType);

/**
 * A Pulumi property path (`a.b[0]["c.d"]`) as its segments, per pulumi/pulumi
 * sdk/go/common/resource/properties_path.go `ParsePropertyPath`: `.name`, `[index]`, `["quoted key"]`
 * (with `\"` escapes). `undefined` when it does not parse.
 */
export function parsePropertyPath(path: string): Array<string | number> | undefined {
  const out: Array<string | number> = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === ".") {
      i++;
    } else if (path[i] === "[") {
      if (path[i + 1] === '"') {
        let key = "";
        let j = i + 2;
        for (;;) {
          if (j >= path.length) return undefined;
          if (path[j] === '"') break;
          if (path[j] === "\\" && path[j + 1] === '"') {
            key += '"';
            j += 2;
          } else key += path[j++];
        }
        if (path[j + 1] !== "]") return undefined;
        out.push(key);
        i = j + 2;
      } else {
        const close = path.indexOf("]", i);
        if (close === -1) return undefined;
        const seg = path.slice(i + 1, close);
        if (seg === "*") out.push("*");
        else if (/^\d+$/.test(seg)) out.push(Number(seg));
        else return undefined;
        i = close + 1;
      }
    } else {
      let j = i;
      while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
      out.push(path.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** Every property is at or below one of `allowed` (and there is at least one): the lifecycle's own change, nothing else. */
function onlyAt(properties: readonly string[], allowed: ReadonlyArray<ReadonlyArray<string>>): boolean {
  if (properties.length === 0) return false;
  return properties.every((p) => {
    const segs = parsePropertyPath(p);
    return segs !== undefined && allowed.some((a) => a.length <= segs.length && a.every((s, k) => segs[k] === s));
  });
}

export function classifyPreview(digest: PreviewDigest, renewerName: string = TOKEN_RENEWER_NAME): DriftVerdict {
  const life = bootstrapLifecycleNames(renewerName);
  const changes: Array<Change & { parsed: ParsedUrn }> = [];
  for (const s of digest.steps ?? []) {
    if (NO_CHANGE_OPS.has(s.op)) continue;
    const parsed = parseUrn(s.urn);
    changes.push({ op: s.op, urn: s.urn, type: parsed.type, name: parsed.name, properties: propertiesOf(s), parsed });
  }
  const is = (c: (typeof changes)[number], r: { type: string; name: string }) => c.type === r.type && c.name === r.name && under(c.parsed, TOKEN_RENEWER_TYPE);
  // The anchor: refresh dropped the revoked bootstrap token, so the program's token is created again.
  const remint = changes.some((c) => is(c, life.token) && c.op === "create");
  // The Job's replacement is the lifecycle only when its replace step differs in the accessor annotation alone
  // (the create-replacement / delete-replaced steps of the same replacement follow that verdict).
  const jobSteps = changes.filter((c) => is(c, life.bootstrapJob));
  const jobLifecycle = jobSteps.some((c) => c.op === "replace") && jobSteps.filter((c) => c.op === "replace").every((c) => onlyAt(c.properties, BOOTSTRAP_LIFECYCLE_PROPERTIES.bootstrapJob));
  const expected: Array<Change & { why: string }> = [];
  const drift: Change[] = [];
  for (const c of changes) {
    const { parsed: _p, ...change } = c;
    let why: string | undefined;
    if (is(c, life.token) && c.op === "create") {
      why = "the bootstrap Job revoked the bootstrap token, so refresh dropped it from state (terraform-provider-vault resource_token.go tokenRead); `up` mints one and the Job revokes it again";
    } else if (remint && is(c, life.bootstrapSecret) && c.op === "update" && onlyAt(c.properties, BOOTSTRAP_LIFECYCLE_PROPERTIES.bootstrapSecret)) {
      why = "carries the re-minted bootstrap token (its data only)";
    } else if (remint && is(c, life.bootstrapJob) && jobLifecycle && ["replace", "create-replacement", "delete-replaced"].includes(c.op)) {
      why = "runs again for the re-minted token (only its pod's accessor annotation differs)";
    }
    if (why) expected.push({ ...change, why });
    else drift.push(change);
  }
  const errors = (digest.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => `${d.urn ? `${d.urn}: ` : ""}${(d.message ?? "").trim()}`);
  return { drift, expected, errors };
}

/** Markdown for the job summary: names, operations and property paths; no values (secrets or not). */
export function driftReport(stack: string, v: DriftVerdict): string {
  const row = (c: Change) => `| \`${c.op}\` | \`${c.type}\` | \`${c.name}\` | ${c.properties.length ? c.properties.map((p) => `\`${p}\``).join(", ") : "(whole resource)"} |`;
  const out: string[] = [];
  if (v.errors.length > 0) {
    out.push(`## Drift check of \`${stack}\` failed: the refreshed preview did not complete`, "", ...v.errors.map((e) => `- ${e.replace(/\n/g, " ")}`), "");
  } else if (v.drift.length > 0) {
    out.push(`## Drift in \`${stack}\`: ${v.drift.length} resource(s) differ from the program`, "");
    out.push("| operation `up` would run | type | resource | properties that differ |", "| --- | --- | --- | --- |", ...v.drift.map(row), "");
    out.push("Reconcile (docs/operations.md, \"Drift\"): keep the change by putting it in the stack config (then `up`), or restore what the program declares with `pulumi up`.", "");
  } else {
    out.push(`## No drift in \`${stack}\``, "");
  }
  if (v.expected.length > 0) {
    out.push("Expected by design, not drift (token auth, docs/token-auth.md):", "", ...v.expected.map((c) => `- \`${c.op}\` \`${c.name}\`: ${c.why}`), "");
  }
  return out.join("\n");
}

/** Exit status: 0 no drift, 1 drift, 2 the preview itself failed. */
export function driftExitCode(v: DriftVerdict, previewSucceeded: boolean): 0 | 1 | 2 {
  if (v.errors.length > 0) return 2;
  if (v.drift.length > 0) return 1;
  // A failure that proposes nothing unexpected: only the expected lifecycle made --expect-no-changes fail.
  return previewSucceeded || v.expected.length > 0 ? 0 : 2;
}
