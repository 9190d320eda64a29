/**
 * An evaluator for Vault ACL policies that follows Vault's own rules
 * (hashicorp/vault vault/acl.go `NewACL`, `AllowOperation`,
 * `CheckAllowedFromNonExactPaths`, `resolveACLPermsForListOp`;
 * https://developer.hashicorp.com/vault/docs/concepts/policies):
 *
 * - Policies attached to one token are merged path by path (`NewACL`): rules
 *   with the *same* path string union their capabilities, and `deny` on any
 *   of them leaves only `deny`. A policy named `root` grants everything and
 *   may not be combined with any other policy (Vault refuses to build that ACL).
 * - A request path (all leading `/` stripped) is then decided by ONE rule,
 *   never a union of different paths: an exact path wins (for a list
 *   request, also the exact path without its trailing `/`); otherwise the
 *   highest-priority pattern among the longest matching `*` prefix and every
 *   matching `+` pattern, by 1. a later first `+`/`*` wins, 2. a pattern
 *   without a trailing `*` beats one with it, 3. fewer `+` segments win, 4.
 *   the longer pattern wins, 5. the lexically greater pattern wins.
 * - A list request on a path ending in `/` looks at the patterns matching
 *   the path with and without the `/`: current Vault (`resolveACLPermsForListOp`)
 *   lets the most specific `deny` among them win over a less specific list
 *   grant, else the most specific rule granting `list`; Vault before that fix
 *   decided by the patterns of the path without the `/` whenever one matched
 *   ("legacy"). `listLookup: "either"` (the default) allows a list when either
 *   would, so the evaluator is never less permissive than either Vault.
 * - A trailing `*` is a plain string prefix (`team*` matches `team-a/x`); `+`
 *   matches exactly one path segment. A policy path loses exactly one
 *   leading `/` (vault/policy.go `parsePaths`).
 * - Templated paths are resolved for the identity (templates.ts); a path
 *   whose template cannot be resolved, or resolves to `*` or `+`, is dropped.
 *
 * Conservative where Vault needs the request: parameter constraints,
 * wrapping TTLs, MFA methods and control groups can only refuse a request
 * the capabilities allow (vault/acl.go `AllowOperation` after the capability
 * check). The evaluator has no request data, so it answers "allowed"
 * whenever the capability is granted and lists those conditions in
 * `check(...).conditions`. Out of scope: Sentinel, Enterprise namespaces.
 * Pure: no Pulumi resources.
 */
import type { Capability, PathConditions, PathRule, VaultPolicy } from "./model";
import { IdentityContext, resolveTemplates } from "./templates";
import { BodyValue, mergeParameterMaps, ParameterConstraints, ParamOperation, parametersAllow } from "./params";

export type { IdentityContext } from "./templates";
export { resolveTemplates } from "./templates";

/** How a list request on a path ending in `/` is looked up (see the module comment). */
export type ListLookup = "current" | "legacy" | "either";

export interface AclOptions {
  /** Default "either": allowed when current or pre-fix Vault would allow. */
  readonly listLookup?: ListLookup;
}

/** The rule that decided a request, after merging. */
export interface MatchedRule {
  /** The pattern (templates resolved, one leading `/` removed, trailing `*` kept). */
  readonly path: string;
  /** Merged capabilities of every rule with this path; `deny` alone if any denied. */
  readonly capabilities: ReadonlySet<Capability>;
  /** Names of the policies that wrote this path. */
  readonly policies: readonly string[];
  /** Per capability, the policies that grant it here, in merge order (Vault's `GrantingPoliciesMap`). */
  readonly grantingPolicies: ReadonlyMap<Capability, readonly string[]>;
  /** Kinds of request conditions any merged rule set here (`allowed_parameters`, `min_wrapping_ttl`, ...). */
  readonly conditions: readonly string[];
  /** The merged parameter constraints (vault/acl.go NewACL); undefined when no rule of this path sets any. */
  readonly parameters?: ParameterConstraints;
}

/** The answer for one capability on one path. */
export interface Decision {
  /** Whether the capability is granted; conservative: `true` even when `conditions` could refuse the request. */
  readonly allowed: boolean;
  /** Vault's RootPrivs: the deciding rule grants `sudo` (or the token is root). */
  readonly rootPrivs: boolean;
  /** The policies granting this capability on the deciding rule (Vault's `ACLResults.GrantingPolicies`); empty when not allowed. */
  readonly grantingPolicies: readonly string[];
  /** Request conditions Vault would still check (empty: the answer is exact). */
  readonly conditions: readonly string[];
  readonly rule?: MatchedRule;
}

export interface Acl {
  /** The capabilities a request on `path` gets (looked up as Vault's capabilities endpoint does, as a list request): empty when nothing matches or the winning rule denies. */
  capabilities(path: string): ReadonlySet<Capability>;
  /** Whether `capability` is granted on `path` (conservative about request conditions). */
  allows(capability: Capability, path: string): boolean;
  /** The full answer for `capability` on `path`. */
  check(capability: Capability, path: string): Decision;
  /** The policies that grant `capability` on `path`, as Vault reports them. */
  grantingPolicies(capability: Capability, path: string): readonly string[];
  /** The rule that decides `path`, or `undefined` when none matches (implicit deny). */
  decidingRule(path: string, forList?: boolean): MatchedRule | undefined;
  /**
   * Whether Vault lets one request through: the capability on the deciding rule and then its
   * parameter constraints against `body` (policies/vault/params.ts). Wrapping TTLs, MFA and
   * control groups are not modelled (still listed in `conditions`).
   */
  allowsRequest(capability: "create" | "read" | "update" | "patch" | "delete" | "list" | "recover", path: string, body?: Readonly<Record<string, BodyValue>>, options?: { legacyListMatching?: boolean }): boolean;
}

interface Entry {
  readonly pattern: string;
  readonly caps: Set<Capability>;
  readonly policies: string[];
  readonly granting: Map<Capability, string[]>;
  readonly conditions: Set<string>;
  allowed?: Record<string, unknown[]>;
  denied?: Record<string, unknown[]>;
  required?: string[];
}

interface Candidate {
  readonly entry: Entry;
  /** Pattern without its trailing `*`. */
  readonly body: string;
  readonly isPrefix: boolean;
  readonly firstWildcard: number;
  readonly wildcards: number;
}

const CONDITION_NAMES: Record<keyof PathConditions, string> = {
  allowedParameters: "allowed_parameters",
  deniedParameters: "denied_parameters",
  requiredParameters: "required_parameters",
  minWrappingTtl: "min_wrapping_ttl",
  maxWrappingTtl: "max_wrapping_ttl",
  mfaMethods: "mfa_methods",
  controlGroupFactors: "control_group",
  subscribeEventTypes: "subscribe_event_types",
};
/** Conditions that can refuse a request whose capability is granted (subscribe_event_types narrows events, not requests). */
const REFUSING = new Set(["allowed_parameters", "denied_parameters", "required_parameters", "min_wrapping_ttl", "max_wrapping_ttl", "mfa_methods", "control_group"]);

/** vault/policy.go `parsePaths`: such paths go to the segment-wildcard set, where each segment is `+` or literal. */
export function isSegmentWildcard(path: string): boolean {
  return path === "+" || path.includes("/+") || path.startsWith("+/");
}

/** The path Vault stores for a policy path: exactly one leading `/` removed. */
export const stripOneSlash = (path: string): string => (path.startsWith("/") ? path.slice(1) : path);

function mergeInto(map: Map<string, Entry>, pattern: string, rule: PathRule, policy: string): void {
  const denies = rule.capabilities.includes("deny");
  const caps: Capability[] = denies ? ["deny"] : [...rule.capabilities];
  const conditions = Object.keys(rule.conditions ?? {}).map((k) => CONDITION_NAMES[k as keyof PathConditions]);
  const existing = map.get(pattern);
  const c = rule.conditions;
  if (!existing) {
    map.set(pattern, {
      pattern,
      caps: new Set(caps),
      policies: [policy],
      granting: new Map(caps.map((c) => [c, [policy]])),
      conditions: new Set(conditions),
      allowed: denies ? undefined : mergeParameterMaps(undefined, c?.allowedParameters),
      denied: denies ? undefined : mergeParameterMaps(undefined, c?.deniedParameters),
      required: c?.requiredParameters ? [...c.requiredParameters] : undefined,
    });
    return;
  }
  existing.policies.push(policy);
  if (existing.caps.has("deny")) return; // acl.go NewACL: an existing deny keeps nothing else
  if (denies) {
    existing.caps.clear();
    existing.caps.add("deny");
    existing.allowed = undefined;
    existing.denied = undefined;
    return;
  }
  existing.allowed = mergeParameterMaps(existing.allowed, c?.allowedParameters);
  existing.denied = mergeParameterMaps(existing.denied, c?.deniedParameters);
  for (const r of c?.requiredParameters ?? []) if (!(existing.required ??= []).includes(r)) existing.required.push(r);
  for (const c of caps) {
    existing.caps.add(c);
    existing.granting.set(c, [...(existing.granting.get(c) ?? []), policy]);
  }
  for (const c of conditions) existing.conditions.add(c);
}

function candidate(entry: Entry, isPrefix: boolean, body: string, segment: boolean): Candidate {
  if (!segment) return { entry, body, isPrefix, firstWildcard: body.length, wildcards: 0 };
  return { entry, body, isPrefix, firstWildcard: body.indexOf("+"), wildcards: body.split("/").filter((s) => s === "+").length };
}

/** acl.go `wildcardPathDescriptorComparePriority`: positive when `a` outranks `b`. */
function compare(a: Candidate, b: Candidate): number {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard - b.firstWildcard;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1;
  if (a.wildcards !== b.wildcards) return b.wildcards - a.wildcards;
  if (a.body.length !== b.body.length) return a.body.length - b.body.length;
  return a.body < b.body ? -1 : a.body > b.body ? 1 : 0;
}

const best = (cs: readonly Candidate[]): Candidate | undefined => (cs.length === 0 ? undefined : cs.reduce((m, c) => (compare(c, m) > 0 ? c : m)));

function segmentMatch(c: Candidate, parts: readonly string[]): boolean {
  const segs = c.body.split("/");
  if (parts.length < segs.length) return false;
  if (!c.isPrefix && parts.length !== segs.length) return false;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s === "+" || s === parts[i]) continue;
    if (c.isPrefix && i === segs.length - 1 && parts[i].startsWith(s)) continue;
    return false;
  }
  return true;
}

const views = new WeakMap<Entry, MatchedRule>();
/** The read-only face of an entry (entries do not change once the ACL is built, so it is computed once). */
function view(e: Entry): MatchedRule {
  const cached = views.get(e);
  if (cached) return cached;
  const v: MatchedRule = {
    path: e.pattern,
    capabilities: new Set(e.caps),
    policies: [...e.policies],
    grantingPolicies: new Map([...e.granting].filter(([c]) => e.caps.has(c)).map(([c, ps]) => [c, [...ps]])),
    conditions: [...e.conditions].filter((c) => REFUSING.has(c)),
    ...(e.allowed || e.denied || e.required ? { parameters: { allowed: e.allowed, denied: e.denied, required: e.required } } : {}),
  };
  views.set(e, v);
  return v;
}

const ALL: ReadonlySet<Capability> = new Set<Capability>(["create", "read", "update", "patch", "delete", "list", "sudo", "subscribe", "recover"]);

/**
 * Merges `policies` as Vault does for one token and returns the evaluator.
 * `identity` resolves templated paths; unresolvable ones are dropped.
 * Throws where Vault refuses to build the ACL (`root` with other policies,
 * `+*` in a path).
 */
export function compileAcl(policies: readonly VaultPolicy[], identity: IdentityContext = {}, options: AclOptions = {}): Acl {
  const listLookup = options.listLookup ?? "either";
  const root = policies.some((p) => p.name === "root");
  if (root && policies.length !== 1) throw new Error("other policies present along with root: Vault refuses to build this ACL");
  const exact = new Map<string, Entry>();
  const prefix = new Map<string, Entry>();
  const segment = new Map<string, Entry>();
  for (const policy of policies) {
    for (const rule of policy.rules) {
      const resolved = resolveTemplates(rule.path, identity);
      if (resolved === undefined) continue;
      const path = stripOneSlash(resolved);
      if (path.includes("+*")) throw new Error(`policy ${policy.name}: path "${rule.path}": '+*' is forbidden by Vault`);
      const seg = isSegmentWildcard(path);
      const target = seg ? segment : path.endsWith("*") ? prefix : exact;
      mergeInto(target, path, rule, policy.name);
    }
  }
  const prefixCandidates = [...prefix.values()].map((e) => candidate(e, true, e.pattern.slice(0, -1), false)).sort((a, b) => b.body.length - a.body.length);
  const segmentCandidates = [...segment.values()].map((e) => {
    const isPrefix = e.pattern.endsWith("*");
    return candidate(e, isPrefix, isPrefix ? e.pattern.slice(0, -1) : e.pattern, true);
  });

  /** acl.go `prefixAndWCCandidatesForPath`: the longest `*` prefix (radix LongestPrefix) and every matching `+` pattern. */
  function candidates(path: string): Candidate[] {
    const out: Candidate[] = [];
    const longest = prefixCandidates.find((p) => path.startsWith(p.body));
    if (longest) out.push(longest);
    if (segmentCandidates.length > 0) {
      const parts = path.split("/");
      for (const c of segmentCandidates) if (segmentMatch(c, parts)) out.push(c);
    }
    return out;
  }

  /** acl.go `resolveACLPermsForListOp`. */
  function listCurrent(path: string): Candidate | undefined {
    const all = [...candidates(path.slice(0, -1)), ...candidates(path)];
    const deny = best(all.filter((c) => c.entry.caps.has("deny")));
    const list = best(all.filter((c) => c.entry.caps.has("list")));
    if (deny && (!list || compare(list, deny) < 0)) return deny;
    return list ?? best(all);
  }

  function lookup(rawPath: string, forList: boolean, mode: "current" | "legacy"): Entry | undefined {
    const path = rawPath.replace(/^\/+/, "");
    const hit = exact.get(path) ?? (forList ? exact.get(path.replace(/\/$/, "")) : undefined);
    if (hit) return hit;
    if (forList && path.endsWith("/")) {
      if (mode === "current") return listCurrent(path)?.entry;
      const trimmed = best(candidates(path.slice(0, -1)));
      if (trimmed) return trimmed.entry;
    }
    return best(candidates(path))?.entry;
  }

  const NONE: Decision = { allowed: false, rootPrivs: false, grantingPolicies: [], conditions: [] };
  function decide(capability: Capability, path: string, mode: "current" | "legacy"): Decision {
    if (root) return { allowed: capability !== "deny", rootPrivs: true, grantingPolicies: ["root"], conditions: [] };
    const entry = lookup(path, capability === "list", mode);
    if (!entry) return NONE;
    const rule = view(entry);
    const rootPrivs = rule.capabilities.has("sudo");
    if (capability === "deny" || !rule.capabilities.has(capability)) return { ...NONE, rootPrivs, rule };
    return { allowed: true, rootPrivs, grantingPolicies: rule.grantingPolicies.get(capability) ?? [], conditions: rule.conditions, rule };
  }

  function check(capability: Capability, path: string): Decision {
    if (listLookup !== "either" || capability !== "list") return decide(capability, path, listLookup === "legacy" ? "legacy" : "current");
    const current = decide(capability, path, "current");
    if (current.allowed || !path.endsWith("/")) return current;
    const legacy = decide(capability, path, "legacy");
    return legacy.allowed ? legacy : current;
  }

  function decidingRule(path: string, forList = false): MatchedRule | undefined {
    const entry = lookup(path, forList, listLookup === "legacy" ? "legacy" : "current");
    return entry ? view(entry) : undefined;
  }

  function capabilities(path: string): ReadonlySet<Capability> {
    if (root) return ALL;
    const out = new Set<Capability>();
    const modes: Array<"current" | "legacy"> = listLookup === "either" ? ["current", "legacy"] : [listLookup];
    for (const mode of modes) {
      const entry = lookup(path, true, mode);
      if (entry && !entry.caps.has("deny")) for (const c of entry.caps) out.add(c);
    }
    return out;
  }

  function allowsRequest(capability: ParamOperation, path: string, body: Readonly<Record<string, BodyValue>> = {}, opts: { legacyListMatching?: boolean } = {}): boolean {
    const d = check(capability, path);
    if (!d.allowed) return false;
    if (root) return true;
    return parametersAllow(capability, d.rule?.parameters, body, opts.legacyListMatching);
  }

  return {
    capabilities,
    allowsRequest,
    allows: (capability, path) => check(capability, path).allowed,
    check,
    grantingPolicies: (capability, path) => check(capability, path).grantingPolicies,
    decidingRule,
  };
}

/** Shorthand: whether the merged `policies` grant `capability` on `path` for `identity`. */
export function isAllowed(policies: readonly VaultPolicy[], capability: Capability, path: string, identity?: IdentityContext): boolean {
  return compileAcl(policies, identity).allows(capability, path);
}

/**
 * Vault's built-in `default` policy (as shipped by Vault 1.x; it is
 * attached to every token unless the role sets `token_no_default_policy`).
 * Operators can edit it in Vault; the isolation proofs include it so that a
 * widened default would have to be widened here too to pass.
 */
export const VAULT_DEFAULT_POLICY: VaultPolicy = {
  name: "default",
  rules: [
    { path: "auth/token/lookup-self", capabilities: ["read"] },
    { path: "auth/token/renew-self", capabilities: ["update"] },
    { path: "auth/token/revoke-self", capabilities: ["update"] },
    { path: "sys/capabilities-self", capabilities: ["update"] },
    { path: "identity/entity/id/{{identity.entity.id}}", capabilities: ["read"] },
    { path: "identity/entity/name/{{identity.entity.name}}", capabilities: ["read"] },
    { path: "sys/internal/ui/resultant-acl", capabilities: ["read"] },
    { path: "sys/renew", capabilities: ["update"] },
    { path: "sys/leases/renew", capabilities: ["update"] },
    { path: "sys/leases/lookup", capabilities: ["update"] },
    { path: "cubbyhole/*", capabilities: ["create", "read", "update", "delete", "list"] },
    { path: "sys/wrapping/wrap", capabilities: ["update"] },
    { path: "sys/wrapping/lookup", capabilities: ["update"] },
    { path: "sys/wrapping/unwrap", capabilities: ["update"] },
    { path: "sys/tools/hash", capabilities: ["update"] },
    { path: "sys/tools/hash/*", capabilities: ["update"] },
    { path: "sys/tools/random", capabilities: ["update"] },
    { path: "sys/tools/random/*", capabilities: ["update"] },
    { path: "sys/control-group/request", capabilities: ["update"] },
    { path: "sys/mfa/validate", capabilities: ["update"] },
    { path: "identity/oidc/provider/+/authorize", capabilities: ["read", "update"] },
  ],
};
