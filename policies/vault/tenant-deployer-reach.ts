/**
 * What a tenant stack's deploy token can make Vault do, enumerated from its
 * policy: every path it may write, and for each the body values Vault lets
 * through (policies/vault/params.ts, from hashicorp/vault vault/acl.go), then
 * judged: a policy text it can write must grant only inside its tenants'
 * subtrees, a Kubernetes auth role it can write must bind only its tenants'
 * namespaces and attach only its tenants' (or the platform's templated)
 * policies, and nothing else may be written at all. Pure.
 *
 * Endpoint facts (hashicorp/vault and plugins):
 * - `sys/policies/acl/<name>` (vault/logical_system_paths.go policyPaths): body
 *   `policy`; the name is the path capture, which wins over a body `name`
 *   (sdk/framework). Stored under strings.ToLower(strings.TrimSpace(name))
 *   (vault/policy_store.go sanitizeName).
 * - `auth/<mount>/role/<name>` (vault-plugin-auth-kubernetes path_role.go):
 *   `bound_service_account_namespaces` and `_names` are comma-string slices,
 *   `bound_service_account_namespace_selector` (ORed with the namespaces) a
 *   string, `policies` / `token_policies` the token's policies, `alias_metadata`
 *   (sdk/helper/tokenutil) custom alias metadata.
 * - `auth/token/create` (vault/token_store.go handleCreateCommon): a token
 *   without sudo gets only a subset of its own policies ("child policies must
 *   be subset of parent"); `no_parent` and `period` need sudo.
 * - `auth/token/lookup-self`, `auth/token/lookup-accessor`: reads, whatever
 *   capability they check.
 */
import { compileAcl } from "./acl";
import { parsePolicy } from "./hcl";
import type { Capability, VaultPolicy } from "./model";
import { commaItems, keySpace, KeySpace, ParameterConstraints } from "./params";
import { KV2_API_SEGMENTS } from "./paths";

export interface TenantStackScope {
  readonly kvMount: string;
  /** Every subtree of the stack's tenants. */
  readonly subtrees: readonly string[];
  /** The stack's tenant namespaces. */
  readonly namespaces: readonly string[];
  /** Kubernetes auth mount path. */
  readonly authPath: string;
  /** Policies the stack writes (as Vault stores them). */
  readonly policies: readonly string[];
  /** Kubernetes auth roles the stack writes. */
  readonly roles: readonly string[];
  /** Policies a role may attach: the stack's own and the platform's templated one. */
  readonly attachable: readonly string[];
}

/** One path the token may write, and the body space Vault lets through. */
export interface WritableRequest {
  readonly path: string;
  readonly capabilities: readonly Capability[];
  /** Per listed body key, what values pass; `other` is what happens to any key not listed. */
  readonly keys: Readonly<Record<string, KeySpace>>;
  readonly other: "refused" | "any";
}

const WRITE: readonly Capability[] = ["create", "update", "patch"];
/** Endpoints that read or act on the caller's own token only (see the module comment). */
const SELF_ONLY = new Set(["auth/token/lookup-self", "auth/token/lookup-accessor", "auth/token/create"]);
/** Role keys that cannot widen who logs in or what the token gets (deployer.ts ROLE_FREE_KEYS plus the pinned ones judged below). */
const ROLE_HARMLESS = new Set(["token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period", "token_num_uses", "token_type", "token_no_default_policy", "token_bound_cidrs", "audience", "alias_name_source", "bound_service_account_names"]);

const normalisePolicy = (n: string) => n.trim().toLowerCase();

function otherKeys(c: ParameterConstraints | undefined): "refused" | "any" {
  const allowed = c?.allowed ?? {};
  if ("*" in (c?.denied ?? {})) return "refused";
  return Object.keys(allowed).length === 0 || "*" in allowed ? "any" : "refused";
}

/** Every path the policy lets the token write, with its body space (the default policy's self-service paths are not listed). */
export function writableRequests(policy: VaultPolicy): WritableRequest[] {
  const acl = compileAcl([policy]);
  const out: WritableRequest[] = [];
  for (const rule of policy.rules) {
    const d = acl.decidingRule(rule.path);
    if (!d || !WRITE.some((c) => d.capabilities.has(c))) continue;
    const c = d.parameters;
    const keys: Record<string, KeySpace> = {};
    for (const k of Object.keys(c?.allowed ?? {})) if (k !== "*") keys[k] = keySpace(c, k);
    out.push({ path: d.path, capabilities: [...d.capabilities], keys, other: otherKeys(c) });
  }
  return out;
}

/** Whether `pattern` (a policy path) can only match paths inside one of the subtrees of `mount`. */
export function patternInsideSubtrees(pattern: string, mount: string, subtrees: readonly string[]): boolean {
  const p = pattern.replace(/^\//, "");
  const wild = p.search(/[+*]|\{\{/);
  const literal = wild < 0 ? p : p.slice(0, wild);
  return subtrees.some((s) =>
    KV2_API_SEGMENTS.filter((seg) => seg !== "config").some((seg) => {
      const root = `${mount}/${seg}/${s}`;
      return (wild < 0 && literal === root) || literal.startsWith(`${root}/`);
    }),
  );
}

/** The policy texts a `policy` key space lets through, or a reason it is unbounded. */
function policyTexts(space: KeySpace | undefined, other: "refused" | "any"): { texts: string[] } | { unbounded: string } {
  if (!space) return other === "any" ? { unbounded: "the policy text is not constrained" } : { texts: [""] };
  if (space.kind === "refused") return { texts: [""] };
  if (space.kind === "any") return { unbounded: space.why };
  if (space.commaJoins) return { unbounded: "a comma-joined text of allowed items passes (an element without a comma equal to its trimmed self)" };
  // Whole elements; "" and [] pass any non-empty list (parseutil.ParseCommaStringSlice("") is empty).
  return { texts: ["", ...space.exact.filter((e): e is string => typeof e === "string")] };
}

function itemsWithin(space: KeySpace | undefined, allowed: readonly string[], what: string, path: string): string[] {
  if (!space || space.kind === "refused") return [];
  if (space.kind === "any") return [`${path}: ${what} takes any value (${space.why})`];
  const bad = space.exact.filter((e) => typeof e !== "string" || commaItems(e).some((i) => !allowed.includes(i)));
  return bad.length ? [`${path}: ${what} may be ${bad.map((b) => JSON.stringify(b)).join(", ")}, outside ${JSON.stringify(allowed)}`] : [];
}

/**
 * Everything the token could do beyond its tenants: one message per way, naming the path and
 * the body field. Empty: every request Vault lets through stays inside the stack's tenants.
 */
export function tenantDeployerReachProblems(policy: VaultPolicy, scope: TenantStackScope): string[] {
  const problems: string[] = [];
  const ownPolicies = new Set(scope.policies.map(normalisePolicy));
  const ownRoles = new Set(scope.roles.map((r) => `auth/${scope.authPath}/role/${r}`));
  for (const req of writableRequests(policy)) {
    const { path, keys, other } = req;
    if (/[+*]|\{\{/.test(path)) {
      problems.push(`${path}: a pattern the token may write (${req.capabilities.join(", ")}): it reaches objects of other stacks`);
      continue;
    }
    if (path.startsWith("sys/policies/acl/")) {
      const name = path.slice("sys/policies/acl/".length);
      if (!ownPolicies.has(normalisePolicy(name))) {
        problems.push(`${path}: the policy "${name}" is not one of this stack's tenants' policies`);
        continue;
      }
      const texts = policyTexts(keys.policy, other);
      if ("unbounded" in texts) {
        problems.push(`${path}: body "policy": ${texts.unbounded}: the token can write any policy text under "${name}"`);
        continue;
      }
      if (other === "any") problems.push(`${path}: body keys other than "policy" are not refused`);
      for (const text of texts.texts) {
        if (text.trim() === "") continue; // an empty policy grants nothing
        let parsed: VaultPolicy;
        try {
          parsed = parsePolicy(name, text);
        } catch (e) {
          problems.push(`${path}: an allowed policy text does not parse (${(e as Error).message}): cannot judge it`);
          continue;
        }
        for (const rule of parsed.rules) {
          if (rule.capabilities.every((c) => c === "deny")) continue;
          if (!patternInsideSubtrees(rule.path, scope.kvMount, scope.subtrees)) {
            problems.push(`${path}: an allowed policy text grants ${rule.capabilities.join(", ")} on "${rule.path}", outside the stack's subtrees`);
          }
        }
      }
      continue;
    }
    if (/^auth\/.+\/role\/[^/]+$/.test(path) && !path.startsWith("auth/token/")) {
      if (!ownRoles.has(path)) {
        problems.push(`${path}: not one of this stack's tenants' roles`);
        continue;
      }
      if (other === "any") {
        problems.push(`${path}: body keys are not constrained (no allowed_parameters, or "*"): policies, namespaces, selector and alias_metadata are free`);
        continue;
      }
      problems.push(...itemsWithin(keys.bound_service_account_namespaces, scope.namespaces, "bound_service_account_namespaces", path));
      problems.push(...itemsWithin(keys.token_policies, scope.attachable, "token_policies", path));
      problems.push(...itemsWithin(keys.policies, scope.attachable, "policies", path));
      const sel = keys.bound_service_account_namespace_selector;
      if (sel && sel.kind !== "refused") {
        if (sel.kind === "any" || sel.exact.some((e) => e !== "")) problems.push(`${path}: bound_service_account_namespace_selector may be set (it is ORed with the namespaces)`);
        else if (sel.commaJoins) problems.push(`${path}: bound_service_account_namespace_selector [""] also lets through strings of commas and whitespace (their comma items trim to ""): deny them`);
      }
      for (const k of Object.keys(keys)) {
        if (["bound_service_account_namespaces", "token_policies", "policies", "bound_service_account_namespace_selector"].includes(k) || ROLE_HARMLESS.has(k)) continue;
        if (keys[k].kind !== "refused") problems.push(`${path}: body "${k}" is allowed and not known to be harmless`);
      }
      continue;
    }
    if (SELF_ONLY.has(path)) continue;
    problems.push(`${path}: the token may write here (${req.capabilities.join(", ")}), which is neither its tenants' policy nor role`);
  }
  return problems;
}
