/**
 * An evaluator for Vault ACL policies that follows Vault's own rules
 * (vault/acl.go, https://developer.hashicorp.com/vault/docs/concepts/policies):
 *
 * - Policies attached to one token are merged path by path: rules with the
 *   *same* path string union their capabilities, and `deny` on any of them
 *   leaves only `deny`.
 * - A request path is then decided by ONE rule, never a union of different
 *   paths: an exact path wins; otherwise the highest-priority pattern among
 *   the longest matching `*` prefix and every matching `+` pattern, by
 *   1. a later first `+`/`*` wins, 2. a pattern without a trailing `*` beats
 *   one with it, 3. fewer `+` segments win, 4. the longer pattern wins,
 *   5. the lexically greater pattern wins.
 * - A trailing `*` is a plain string prefix (`team*` matches `team-a/x`); `+`
 *   matches exactly one path segment. For a list request, an exact rule on
 *   the path without its trailing `/` applies.
 * - Templated paths (`{{identity.entity.aliases.<accessor>.metadata.<key>}}`)
 *   are resolved for the identity; a path whose template cannot be resolved
 *   is skipped, as Vault skips it.
 *
 * Out of scope (they never widen access): parameter constraints, wrapping
 * TTLs, MFA, control groups, Sentinel, Enterprise namespaces.
 * Pure: no Pulumi resources.
 */
import type { Capability, PathRule, VaultPolicy } from "./model";

/** What templated paths can be resolved against: the token's entity and its aliases, keyed by auth mount accessor. */
export interface IdentityContext {
  readonly entity?: {
    readonly id?: string;
    readonly name?: string;
    readonly metadata?: Readonly<Record<string, string>>;
    readonly aliases?: Readonly<Record<string, { readonly id?: string; readonly name?: string; readonly metadata?: Readonly<Record<string, string>> }>>;
  };
}

/** The rule that decided a request, after merging. */
export interface MatchedRule {
  /** The pattern as written (with its trailing `*`, templates resolved). */
  readonly path: string;
  /** Merged capabilities of every rule with this path; `deny` alone if any denied. */
  readonly capabilities: ReadonlySet<Capability>;
  /** Names of the policies that wrote this path. */
  readonly policies: readonly string[];
}

export interface Acl {
  /** The capabilities a request on `path` gets: empty when nothing matches or the winning rule denies. */
  capabilities(path: string): ReadonlySet<Capability>;
  /** Whether `capability` is granted on `path` (`list` also honours an exact rule on the path without its trailing `/`). */
  allows(capability: Capability, path: string): boolean;
  /** The rule that decides `path`, or `undefined` when none matches (implicit deny). */
  decidingRule(path: string, forList?: boolean): MatchedRule | undefined;
}

interface Entry {
  readonly pattern: string;
  readonly caps: Set<Capability>;
  readonly policies: string[];
}

interface Pattern extends Entry {
  /** Pattern without its trailing `*`. */
  readonly body: string;
  readonly segments: readonly string[];
  readonly isPrefix: boolean;
  readonly firstWildcard: number;
  readonly wildcards: number;
}

const TEMPLATE = /\{\{\s*([^}]+?)\s*\}\}/g;

/** Resolves every `{{...}}` in `path` for `identity`; `undefined` when one cannot be resolved. */
export function resolveTemplates(path: string, identity: IdentityContext = {}): string | undefined {
  let unresolved = false;
  const out = path.replace(TEMPLATE, (_m, expr: string) => {
    const v = templateValue(expr, identity);
    if (v === undefined) unresolved = true;
    return v ?? "";
  });
  return unresolved ? undefined : out;
}

function templateValue(expr: string, identity: IdentityContext): string | undefined {
  const e = identity.entity;
  if (!e) return undefined;
  const parts = expr.split(".");
  if (parts[0] !== "identity" || parts[1] !== "entity") return undefined;
  if (parts.length === 3 && parts[2] === "id") return e.id;
  if (parts.length === 3 && parts[2] === "name") return e.name;
  if (parts.length === 4 && parts[2] === "metadata") return e.metadata?.[parts[3]];
  if (parts[2] === "aliases" && parts.length >= 5) {
    const alias = e.aliases?.[parts[3]];
    if (!alias) return undefined;
    if (parts.length === 5 && parts[4] === "id") return alias.id;
    if (parts.length === 5 && parts[4] === "name") return alias.name;
    if (parts.length === 6 && parts[4] === "metadata") return alias.metadata?.[parts[5]];
  }
  return undefined;
}

/** Vault's own test (policy.go): such paths go to the segment-wildcard set, where each segment is `+` or literal. */
function isSegmentWildcard(path: string): boolean {
  return path === "+" || path.includes("/+") || path.startsWith("+/");
}

function mergeInto(map: Map<string, Entry>, pattern: string, rule: PathRule, policy: string): void {
  const existing = map.get(pattern);
  if (!existing) {
    const caps = new Set<Capability>(rule.capabilities.includes("deny") ? ["deny"] : rule.capabilities);
    map.set(pattern, { pattern, caps, policies: [policy] });
    return;
  }
  existing.policies.push(policy);
  if (existing.caps.has("deny")) return;
  if (rule.capabilities.includes("deny")) {
    existing.caps.clear();
    existing.caps.add("deny");
    return;
  }
  for (const c of rule.capabilities) existing.caps.add(c);
}

function toPattern(e: Entry): Pattern {
  const isPrefix = e.pattern.endsWith("*");
  const body = isPrefix ? e.pattern.slice(0, -1) : e.pattern;
  const plus = body.indexOf("+");
  return {
    ...e,
    body,
    segments: body.split("/"),
    isPrefix,
    firstWildcard: plus >= 0 ? plus : body.length,
    wildcards: body.split("/").filter((s) => s === "+").length,
  };
}

/** Vault's priority order: positive when `a` outranks `b`. */
function compare(a: Pattern, b: Pattern): number {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard - b.firstWildcard;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1;
  if (a.wildcards !== b.wildcards) return b.wildcards - a.wildcards;
  if (a.body.length !== b.body.length) return a.body.length - b.body.length;
  return a.body < b.body ? -1 : a.body > b.body ? 1 : 0;
}

function segmentMatch(p: Pattern, parts: readonly string[]): boolean {
  const segs = p.segments;
  if (parts.length < segs.length) return false;
  if (!p.isPrefix && parts.length !== segs.length) return false;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s === "+" || s === parts[i]) continue;
    if (p.isPrefix && i === segs.length - 1 && parts[i].startsWith(s)) continue;
    return false;
  }
  return true;
}

function view(e: Entry): MatchedRule {
  return { path: e.pattern, capabilities: new Set(e.caps), policies: [...e.policies] };
}

/**
 * Merges `policies` as Vault does for one token and returns the evaluator.
 * `identity` resolves templated paths; unresolvable ones are skipped. A
 * policy named `root` grants everything, as Vault's root policy does.
 */
export function compileAcl(policies: readonly VaultPolicy[], identity: IdentityContext = {}): Acl {
  const root = policies.some((p) => p.name === "root");
  const exact = new Map<string, Entry>();
  const prefix = new Map<string, Entry>();
  const segment = new Map<string, Entry>();
  for (const policy of policies) {
    for (const rule of policy.rules) {
      const path = resolveTemplates(rule.path, identity)?.replace(/^\/+/, "");
      if (path === undefined) continue;
      if (path.includes("+*")) throw new Error(`policy ${policy.name}: path "${rule.path}": '+*' is forbidden by Vault`);
      const target = isSegmentWildcard(path) ? segment : path.endsWith("*") ? prefix : exact;
      mergeInto(target, path, rule, policy.name);
    }
  }
  const prefixPatterns = [...prefix.values()].map(toPattern).sort((a, b) => b.body.length - a.body.length);
  const segmentPatterns = [...segment.values()].map(toPattern);

  function decidingRule(rawPath: string, forList = false): MatchedRule | undefined {
    const path = rawPath.replace(/^\/+/, "");
    const hit = exact.get(path) ?? (forList ? exact.get(path.replace(/\/$/, "")) : undefined);
    if (hit) return view(hit);
    const candidates: Pattern[] = [];
    // Only the longest matching `*` prefix takes part (Vault's radix LongestPrefix).
    const longest = prefixPatterns.find((p) => path.startsWith(p.body));
    if (longest) candidates.push(longest);
    if (segmentPatterns.length > 0) {
      const parts = path.split("/");
      for (const p of segmentPatterns) if (segmentMatch(p, parts)) candidates.push(p);
    }
    if (candidates.length === 0) return undefined;
    return view(candidates.reduce((best, c) => (compare(c, best) > 0 ? c : best)));
  }

  const ALL: ReadonlySet<Capability> = new Set<Capability>(["create", "read", "update", "patch", "delete", "list", "sudo", "subscribe", "recover"]);
  function capabilities(path: string, forList = false): ReadonlySet<Capability> {
    if (root) return ALL;
    const rule = decidingRule(path, forList);
    if (!rule || rule.capabilities.has("deny")) return new Set();
    return rule.capabilities;
  }

  return {
    capabilities: (path) => capabilities(path, true),
    allows: (capability, path) => capability !== "deny" && capabilities(path, capability === "list").has(capability),
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
