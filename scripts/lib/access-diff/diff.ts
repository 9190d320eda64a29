/**
 * The access diff of one stack between two renders (base and head): for every identity
 * (identities.ts), which Vault capabilities on which paths and which Kubernetes verbs it
 * gains or loses, plus the mandatory failures (an identity gaining access inside another
 * tenant's subtree). Pure.
 *
 * Access is compared semantically, never by resource or policy name: each identity's Vault
 * access is what the ACL evaluator (policies/vault/acl.ts, Vault's own matching rules) grants
 * it on one probe set built from both renders' policy paths (a concrete path for each pattern:
 * `*` and `+` filled with a segment no real path has, plus a path inside every tenant's subtree),
 * so a renamed resource or policy with the same grants shows nothing, and a widened pattern
 * shows every subtree it newly reaches. Kubernetes access is the RBAC authorizer's
 * (policies/k8s/rbac.ts rbacAllows) per (scope, verb, group/resource).
 */
import { compileAcl, resolveTemplates } from "../../../policies/vault/acl";
import type { VaultPolicy } from "../../../policies/vault/model";
import type { AccessModel, K8sIdentity, VaultIdentity } from "./identities";

/** Fills one `*`/`+` of a pattern: a segment no real path has. */
const FILL = "~any~";

interface Probe {
  readonly path: string;
  /** What the reviewer reads: the pattern the probe stands for. */
  readonly label: string;
}

/** Concrete request paths standing for a policy pattern (one leading `/` dropped, as Vault stores it). */
export function probesOf(pattern: string): Probe[] {
  const p = pattern.startsWith("/") ? pattern.slice(1) : pattern;
  const filled = p
    .split("/")
    .map((s) => (s === "+" ? FILL : s))
    .join("/");
  if (!filled.endsWith("*")) return [{ path: filled, label: p }];
  const body = filled.slice(0, -1);
  const out: Probe[] = [{ path: `${body}${FILL}`, label: p }];
  if (body.endsWith("/")) out.push({ path: body, label: p });
  return out;
}

/** Every resolved path pattern an identity's policies name, for each of its logins. */
function resolvedPatterns(id: VaultIdentity, policies: ReadonlyMap<string, VaultPolicy>): string[] {
  const out: string[] = [];
  for (const name of id.policies) {
    for (const rule of policies.get(name)?.rules ?? []) {
      for (const ctx of id.contexts) {
        const r = resolveTemplates(rule.path, ctx);
        if (r !== undefined) out.push(r.startsWith("/") ? r.slice(1) : r);
      }
    }
  }
  return out;
}

/**
 * Each tenant's subtrees: the path prefixes (ending in the tenant's own segment) of the
 * patterns its own identities reach, in base or head. A tenant's identity: a Kubernetes auth
 * role bound to the tenant's namespace only.
 */
export function tenantSubtrees(models: readonly AccessModel[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of models) {
    for (const t of m.tenants) {
      const set = out.get(t) ?? new Set<string>();
      out.set(t, set);
      for (const id of m.vault.values()) {
        if (ownerOf(id, m.tenants) !== t) continue;
        for (const pattern of resolvedPatterns(id, m.policies)) {
          const segs = pattern.split("/");
          const at = segs.lastIndexOf(t);
          if (at > 0 && !segs.slice(0, at).some((s) => s.includes("*") || s === "+")) set.add(segs.slice(0, at + 1).join("/"));
        }
      }
    }
  }
  return out;
}

/**
 * The tenant an identity belongs to: a Kubernetes role bound only to a tenant's namespace; else
 * the tenant whose `tenant-<t>` name prefixes every policy it holds (a writers' group), the
 * longest such name when tenants' names nest.
 */
export function ownerOf(id: VaultIdentity, tenants: readonly string[]): string | undefined {
  const ns = [...new Set(id.namespaces)];
  if (ns.length === 1 && tenants.includes(ns[0])) return ns[0];
  if (ns.length > 0 || id.policies.length === 0) return undefined;
  const fits = tenants.filter((t) => id.policies.every((p) => p === `tenant-${t}` || p.startsWith(`tenant-${t}-`)));
  return fits.sort((a, b) => b.length - a.length)[0];
}

/** label -> capabilities the identity gets on a probe of that label. */
type VaultGrants = Map<string, Set<string>>;

function vaultGrants(id: VaultIdentity | undefined, policies: ReadonlyMap<string, VaultPolicy>, probes: readonly Probe[]): VaultGrants {
  const out: VaultGrants = new Map();
  if (!id) return out;
  const attached = id.policies.map((p) => policies.get(p)).filter((p): p is VaultPolicy => !!p);
  // A policy this stack does not write cannot be evaluated: its attachment is the change to show.
  for (const p of id.policies) if (!policies.has(p)) out.set(`policy ${p} (not written by this stack)`, new Set(["attached"]));
  for (const ctx of id.contexts) {
    const acl = compileAcl(attached, ctx);
    for (const probe of probes) {
      const caps = acl.capabilities(probe.path);
      if (caps.size === 0) continue;
      const set = out.get(probe.path) ?? new Set<string>();
      for (const c of caps) set.add(c);
      out.set(probe.path, set);
    }
  }
  return out;
}


/** `<scope>: <group>/<resource>` -> verbs granted. */
function k8sGrants(id: K8sIdentity | undefined): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (key: string, verb: string) => out.set(key, (out.get(key) ?? new Set()).add(verb));
  for (const b of id?.bindings ?? []) {
    const scope = b.namespace ? `namespace ${b.namespace}` : "cluster-wide";
    if (!b.rules) {
      add(`${scope}: ${b.roleRef} (not rendered by this stack)`, "bound");
      continue;
    }
    for (const rule of b.rules) {
      const names = rule.resourceNames?.length ? ` [${[...rule.resourceNames].sort().join(",")}]` : "";
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          const key = `${scope}: ${group || "core"}/${resource}${names}`;
          for (const verb of rule.verbs.includes("*") ? ["*"] : rule.verbs) add(key, verb);
        }
      }
    }
  }
  return out;
}

export interface Change {
  /** `+` gained, `-` lost. */
  readonly sign: "+" | "-";
  readonly what: string;
  readonly items: readonly string[];
}

export interface IdentityDiff {
  readonly identity: string;
  readonly owner?: string;
  readonly changes: readonly Change[];
}

export interface AccessDiff {
  readonly identities: readonly IdentityDiff[];
  /** Mandatory failures: one line each. */
  readonly violations: readonly string[];
}

function diffMaps(base: Map<string, Set<string>>, head: Map<string, Set<string>>, label: (key: string) => string): Change[] {
  const out: Change[] = [];
  for (const key of new Set([...base.keys(), ...head.keys()])) {
    const b = base.get(key) ?? new Set<string>();
    const h = head.get(key) ?? new Set<string>();
    const gained = [...h].filter((c) => !b.has(c)).sort();
    const lost = [...b].filter((c) => !h.has(c)).sort();
    if (gained.length) out.push({ sign: "+", what: label(key), items: gained });
    if (lost.length) out.push({ sign: "-", what: label(key), items: lost });
  }
  return out;
}

/** Merges changes of the same sign, items and display label (probes of one pattern). */
function merged(changes: Change[]): Change[] {
  const seen = new Map<string, Change>();
  for (const c of changes) {
    const key = `${c.sign} ${c.what}`;
    const prior = seen.get(key);
    seen.set(key, prior ? { ...prior, items: [...new Set([...prior.items, ...c.items])].sort() } : c);
  }
  return [...seen.values()].sort((a, b) => (a.what === b.what ? a.sign.localeCompare(b.sign) : a.what < b.what ? -1 : 1));
}

/** Kubernetes changes of one sign, scope and verbs on one line: `namespace team-c: core/pods, core/services`. */
function byScope(changes: Change[]): Change[] {
  const out = new Map<string, { sign: "+" | "-"; scope: string; items: readonly string[]; resources: string[] }>();
  for (const c of changes) {
    const at = c.what.indexOf(": ");
    const scope = c.what.slice(0, at);
    const key = `${c.sign}|${scope}|${c.items.join(",")}`;
    const prior = out.get(key);
    if (prior) prior.resources.push(c.what.slice(at + 2));
    else out.set(key, { sign: c.sign, scope, items: c.items, resources: [c.what.slice(at + 2)] });
  }
  return [...out.values()].map((g) => ({ sign: g.sign, what: `${g.scope}: ${g.resources.sort().join(", ")}`, items: g.items }));
}

export function accessDiff(base: AccessModel, head: AccessModel): AccessDiff {
  const subtrees = tenantSubtrees([base, head]);
  const probes = new Map<string, Probe>();
  const addProbe = (p: Probe) => {
    if (!probes.has(p.path)) probes.set(p.path, p);
  };
  for (const m of [base, head]) for (const id of m.vault.values()) for (const pattern of resolvedPatterns(id, m.policies)) probesOf(pattern).forEach(addProbe);
  for (const [t, set] of subtrees) for (const s of set) probesOf(`${s}/*`).forEach((p) => addProbe({ ...p, label: `${p.label} (tenant ${t})` }));
  const probeList = [...probes.values()];
  const labelOf = (path: string) => probes.get(path)?.label ?? path;

  const identities: IdentityDiff[] = [];
  const violations: string[] = [];
  const tenants = [...new Set([...base.tenants, ...head.tenants])];
  const subtreeOf = (path: string) => {
    for (const [t, set] of subtrees) for (const s of set) if (path === s || path.startsWith(`${s}/`)) return { tenant: t, subtree: s };
    return undefined;
  };

  for (const key of [...new Set([...base.vault.keys(), ...head.vault.keys()])].sort()) {
    const b = base.vault.get(key);
    const h = head.vault.get(key);
    const gb = vaultGrants(b, base.policies, probeList);
    const gh = vaultGrants(h, head.policies, probeList);
    const changes = merged(diffMaps(gb, gh, labelOf));
    if (!changes.length) continue;
    const owner = ownerOf(h ?? b!, tenants);
    identities.push({ identity: key, owner, changes });
    const crossing = new Map<string, { caps: Set<string>; tenant: string; subtree: string }>();
    for (const [path, caps] of gh) {
      const before = gb.get(path) ?? new Set<string>();
      const gained = [...caps].filter((c) => !before.has(c));
      const inside = subtreeOf(path);
      if (!gained.length || !inside || inside.tenant === owner) continue;
      const entry = crossing.get(labelOf(path)) ?? { caps: new Set<string>(), ...inside };
      gained.forEach((c) => entry.caps.add(c));
      crossing.set(labelOf(path), entry);
    }
    for (const [label, x] of crossing) {
      violations.push(`${key}${owner ? ` (tenant ${owner})` : ""} gains ${[...x.caps].sort().join(", ")} on ${label}, inside tenant ${x.tenant}'s subtree ${x.subtree}`);
    }
  }

  for (const key of [...new Set([...base.k8s.keys(), ...head.k8s.keys()])].sort()) {
    const b = base.k8s.get(key);
    const h = head.k8s.get(key);
    const gb = k8sGrants(b);
    const gh = k8sGrants(h);
    const changes = byScope(merged(diffMaps(gb, gh, (k) => k)));
    if (!changes.length) continue;
    // A subject belongs to the tenant namespaces it was bound in before (a service account: its namespace).
    const before = new Set((b?.bindings ?? []).map((x) => x.namespace).filter((n): n is string => !!n && tenants.includes(n)));
    const sa = (h ?? b)!.namespace;
    if (sa && tenants.includes(sa)) before.add(sa);
    identities.push({ identity: `k8s ${key}`, owner: before.size === 1 ? [...before][0] : undefined, changes });
    if (before.size === 0) continue;
    const owner = `k8s ${key} (tenant ${[...before].join(", ")})`;
    const reached = new Map<string, string[]>();
    for (const c of changes) {
      if (c.sign !== "+") continue;
      const ns = /^namespace ([^:]+):/.exec(c.what)?.[1];
      if (ns && tenants.includes(ns) && !before.has(ns)) reached.set(`tenant ${ns}'s namespace`, [...(reached.get(`tenant ${ns}'s namespace`) ?? []), `${c.items.join(",")} ${c.what.slice(c.what.indexOf(":") + 2)}`]);
      else if (c.what.startsWith("cluster-wide:") && /(\/(secrets|\*)(,|$| )|external-secrets\.io\/)/.test(c.what)) reached.set("every tenant's namespace (cluster-wide)", [`${c.items.join(",")} ${c.what.slice("cluster-wide: ".length)}`]);
    }
    for (const [where, what] of reached) violations.push(`${owner} gains access in ${where}: ${what.join("; ")}`);
  }
  return { identities, violations };
}

/** The PR comment for one stack: one header line, one line per identity, one per change (the longest ones capped). */
export function formatAccessDiff(stack: string, d: AccessDiff, maxPerIdentity = 8): string {
  if (!d.identities.length) return `access diff ${stack}: no access change\n`;
  const lines = [`access diff ${stack}: ${d.identities.length} identit${d.identities.length === 1 ? "y" : "ies"} change`];
  for (const id of d.identities) {
    lines.push(`${id.identity}${id.owner ? ` (tenant ${id.owner})` : ""}:`);
    for (const c of id.changes.slice(0, maxPerIdentity)) lines.push(`  ${c.sign} ${c.items.join(",")}  ${c.what}`);
    if (id.changes.length > maxPerIdentity) lines.push(`  ... and ${id.changes.length - maxPerIdentity} more`);
  }
  for (const v of d.violations) lines.push(`FAIL cross-tenant: ${v}`);
  return `${lines.join("\n")}\n`;
}
