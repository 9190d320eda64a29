/**
 * Vault rules: least-privilege policies, tenant policies inside their
 * subtree, auth roles bound to explicit namespaces with an audience, token
 * lifetimes, the protected KV mount.
 */
import { parseDuration } from "../../../components/config/duration";
import { compileAcl, IdentityContext, stripOneSlash } from "../../vault/acl";
import { parsePolicy } from "../../vault/hcl";
import type { PathRule, VaultPolicy } from "../../vault/model";
import { policyName, vaultName, VaultNameKind } from "../../vault/names";
import { RAW_WRITERS } from "./identities";
import { policyMeetsSensitive } from "../../vault/patterns";
import { sensitiveReach } from "../../vault/sensitive";
import { Finding, GuardResource, isUnknown, ResourceRule, StackRule, StackViolation, Undecided } from "../rule";
import { PUSH_POLICY_SUFFIX } from "../../../components/tenants/push-config";
import { WRITER_POLICY_SUFFIX } from "../../../components/tenants/writers-config";

/** Pulumi type tokens of the Vault resources the rules judge (@pulumi/vault 7.8.0). */
export const VAULT_TYPES = {
  policy: "vault:index/policy:Policy",
  mount: "vault:index/mount:Mount",
  k8sRole: "vault:kubernetes/authBackendRole:AuthBackendRole",
  token: "vault:index/token:Token",
  /** `vault.tokenauth.AuthBackendRole` (token roles, `auth/token/roles/<name>`). */
  tokenRole: "vault:tokenauth/authBackendRole:AuthBackendRole",
  /** `vault.identity.Group`: its `policies` are an identity's (tenants' writers). */
  identityGroup: "vault:identity/group:Group",
} as const;

/** Parsed policies by name and text: several rules read the same policy. */
const parsed = new Map<string, Promise<VaultPolicy>>();

/** The policy a `vault.Policy` resource writes, parsed; `undefined` for other resources or unknown text. Rejects when it does not parse. */
export function policyOf(r: GuardResource): Promise<VaultPolicy | undefined> {
  if (r.type !== VAULT_TYPES.policy || typeof r.props.policy !== "string") return Promise.resolve(undefined);
  const name = policyName(typeof r.props.name === "string" ? r.props.name : r.name);
  const key = JSON.stringify([name, r.props.policy]);
  let p = parsed.get(key);
  if (!p) {
    if (parsed.size > 10_000) parsed.clear();
    try {
      p = Promise.resolve(parsePolicy(name, r.props.policy)); // HCL or JSON, read as Vault reads it
    } catch (e) {
      p = Promise.reject(e);
      p.catch(() => undefined); // callers handle the rejection; keep Node quiet about the cached copy
    }
    parsed.set(key, p);
  }
  return p;
}

/** `policyOf`, with unknown text and parse errors turned into findings. */
async function parsedPolicy(r: GuardResource): Promise<{ policy?: VaultPolicy; findings: Finding[] }> {
  if (isUnknown(r.props.policy)) return { findings: [new Undecided("the policy text is not known until apply")] };
  try {
    return { policy: await policyOf(r), findings: [] };
  } catch (e) {
    return { findings: [`policy does not parse, or uses a capability Vault does not know: ${(e as Error).message}`] };
  }
}

const TEMPLATE = /\{\{[^}]*\}\}/g;
/** Stands for one identity-templated segment: a literal, never a glob. */
const TEMPLATE_PROBE = "~identity~";
/** A path segment no real subtree uses: only a wildcard can reach it. */
const PROBE = "~probe~";
/** KV v2 API segments between the mount and the secret path. */
const KV_API = ["data", "metadata", "delete", "undelete", "destroy", "subkeys"];

/** Vault drops exactly one leading "/" from a policy path (vault/policy.go parsePaths). */
export const normalizePath = stripOneSlash;

/** Roots that hold Vault's own configuration, auth methods and identities: only allow-listed endpoints there. */
const SYSTEM_ROOTS = ["sys", "auth", "identity"];

const hasGlob = (path: string) => path.includes("*") || path.split("/").includes("+");

/** Whether the single `rule` reaches `path` (Vault's own matching, via the ACL evaluator). */
function reaches(rule: PathRule, path: string): boolean {
  const acl = compileAcl([{ name: "probe", rules: [{ path: rule.path.replace(TEMPLATE, TEMPLATE_PROBE), capabilities: rule.capabilities }] }]);
  return acl.decidingRule(path) !== undefined;
}

/** Whether the literal `path` matches an allow-list pattern where `+` stands for exactly one segment. */
function matchesAllowed(path: string, pattern: string): boolean {
  const p = path.split("/");
  const q = pattern.split("/");
  return p.length === q.length && q.every((s, i) => s === "+" || s === p[i]);
}

/** The allow-list entry a literal policy path (no glob, no template) is, if any. */
function allowedEndpoint(path: string, c: LeastPrivilegeConfig): [string, string[]] | undefined {
  const p = normalizePath(path);
  if (hasGlob(p) || p.includes("{{")) return undefined;
  return Object.entries(c.allowedSystemPaths).find(([allowed]) => matchesAllowed(p, allowed));
}

/**
 * First segments the policy itself uses as KV mounts (followed by a KV v2 API
 * segment): Vault cannot have a namespace of the same name beside a mount,
 * so paths below them never address another namespace.
 */
function kvMountsNamed(policy: VaultPolicy): Set<string> {
  const out = new Set<string>();
  for (const r of policy.rules) {
    const [first, second] = normalizePath(r.path).split("/");
    if (second !== undefined && KV_API.includes(second) && /^[^*+{}]+$/.test(first)) out.add(first);
  }
  return out;
}

export interface LeastPrivilegeConfig {
  /** Paths under sys/ and auth/ a policy may grant, each with the capabilities allowed there (`+` = one literal segment). */
  allowedSystemPaths: Record<string, string[]>;
  /** Mount paths (first segments) of this Vault namespace: a path below a mount never addresses another namespace. */
  mounts: string[];
}

export const policyLeastPrivilege: ResourceRule<LeastPrivilegeConfig> = {
  name: "vault-policy-least-privilege",
  description:
    "A Vault policy written by this stack may not grant `sudo`, may not reach anything under sys/, auth/ or identity/ except the listed endpoints (the token renewer's own lookup-self/renew-self/revoke-self and auth/token/create/<role>, read/list on sys/metrics), and may not grant a whole mount with a wildcard (`secret/*`, `secret/data/*`, `secret/+/...`). " +
    "Each path is judged as the set of request paths it matches (`+` any one segment, the first included; a trailing `*` any continuation, also inside a segment; an identity template any string, `/` included; one leading `/` dropped; a Vault Enterprise namespace prefix such as `ns1/sys/...`) against the sensitive path space (policies, mounts, auth methods and their roles, users and config under any mount path, audit, raw storage, snapshots, plugins, leases, keys and seal, namespaces, token roles and token creation, identity entities, groups, aliases, OIDC and MFA config) with the capabilities dangerous there; the violation names the endpoint class and a concrete path the pattern reaches. " +
    "Fix: grant only the subtree the identity needs, e.g. read on `secret/data/<scope>/*` and read, list on `secret/metadata/<scope>/*`; or add an endpoint to allowedSystemPaths.",
  enforcementLevel: "mandatory",
  config: {
    schema: { allowedSystemPaths: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } }, mounts: { type: "array", items: { type: "string" } } },
    defaults: {
      mounts: [],
      allowedSystemPaths: {
        "auth/token/lookup-self": ["read"],
        "auth/token/renew-self": ["update"],
        "auth/token/revoke-self": ["update"],
        "auth/token/create/+": ["create", "update"],
        "sys/metrics": ["read", "list"],
      },
    },
  },
  async check(r, c) {
    if (r.type !== VAULT_TYPES.policy) return [];
    const { policy, findings } = await parsedPolicy(r);
    if (!policy) return findings;
    const out: Finding[] = [];
    const mounts = new Set([...kvMountsNamed(policy), ...(c.mounts ?? [])]);
    for (const written of policy.rules) {
      const rule = { ...written, path: normalizePath(written.path) };
      const caps = rule.capabilities;
      if (caps.includes("deny")) continue;
      if (caps.includes("sudo")) out.push(`path "${rule.path}" grants sudo`);
      // Pattern against the sensitive path space (this namespace and, through a namespace prefix, others); an
      // allow-listed literal endpoint is judged by its allowed capabilities below instead.
      if (!allowedEndpoint(written.path, c)) {
        const hits = sensitiveReach(written.path, caps, { mounts });
        if (hits.length > 0) out.push(`path "${written.path}" reaches sensitive endpoints: ${hits.map((h) => `${h.endpoint.what} at "${h.witness}" (${h.capabilities.join(", ")})`).join("; ")}`);
      }
      const first = rule.path.split("/")[0];
      if (SYSTEM_ROOTS.includes(first)) {
        const allowed = allowedEndpoint(rule.path, c);
        if (!allowed) out.push(`path "${rule.path}" is under ${first}/ and not in allowedSystemPaths`);
        else {
          const extra = caps.filter((cap) => !allowed[1].includes(cap));
          if (extra.length > 0) out.push(`path "${rule.path}" grants ${extra.join(", ")}; allowedSystemPaths permits only ${allowed[1].join(", ")} there`);
        }
        continue;
      }
      const root = SYSTEM_ROOTS.map((r) => policyMeetsSensitive(rule.path, `${r}/*`)).find((w) => w !== undefined);
      if (root !== undefined) {
        out.push(`path "${rule.path}" is a wildcard or template that reaches sys/, auth/ or identity/ (e.g. "${root}")`);
      }
      if (first === "cubbyhole") continue; // per-token storage: a wildcard there reaches only the token's own cubbyhole
      const mount = first.includes("*") || first === "+" ? PROBE : first;
      const probes = [`${mount}/${PROBE}/k`, ...KV_API.map((api) => `${mount}/${api}/${PROBE}/k`)];
      if (probes.some((p) => reaches(rule, p))) out.push(`path "${rule.path}" grants ${caps.join(", ")} on a whole mount ("${first}")`);
    }
    return [...findings, ...out];
  },
};

/** The identity of a Kubernetes login from `namespace`, for every auth accessor the policies' templates name. */
export function namespaceIdentity(policies: readonly VaultPolicy[], namespace: string, serviceAccount = "probe-sa"): IdentityContext {
  const aliases: Record<string, { metadata: Record<string, string> }> = {};
  for (const p of policies) {
    for (const r of p.rules) {
      for (const m of r.path.matchAll(/identity\.entity\.aliases\.([^.}\s]+)\.metadata/g)) {
        aliases[m[1]] = { metadata: { service_account_namespace: namespace, service_account_name: serviceAccount } };
      }
    }
  }
  return { entity: { aliases } };
}

const templated = (p: VaultPolicy) => p.rules.some((r) => r.path.includes("{{"));

/** The KV v2 API segments a tenant's policies may use below the mount. */
const TENANT_KV_APIS: readonly string[] = ["data", "metadata", "delete", "undelete"];

/** A tenant's path, split: `<mount>/<api>/<subtree ending in the tenant segment>[/<rest>]`. */
function tenantPathProblem(path: string, tenant: string): { mount: string; subtree: string } | string {
  const segs = path.split("/");
  const [mount, api, ...rest] = segs;
  // delete/ and undelete/ (soft delete of versions, a writer's `vault kv delete -versions` / `undelete`) stay inside
  // the subtree too; destroy/ (permanent) and the mount's config/ are never a tenant's.
  if (!mount || hasGlob(mount) || !TENANT_KV_APIS.includes(api)) return `path "${path}" is not of the form <mount>/(${TENANT_KV_APIS.join("|")})/<subtree>/...`;
  const at = rest.indexOf(tenant);
  if (at < 0) return `path "${path}" has no segment named after tenant "${tenant}"`;
  if (rest.slice(0, at).some((s) => s.includes("*") || s === "+")) return `path "${path}" has a wildcard above the tenant's subtree`;
  const below = rest.slice(at + 1);
  const globBelow = below.findIndex((s, i) => s === "+" || (s.includes("*") && !(s === "*" && i === below.length - 1)));
  if (globBelow >= 0) return `path "${path}" has a wildcard other than a trailing "/*"`;
  return { mount, subtree: rest.slice(0, at + 1).join("/") };
}

/**
 * The tenant a per-tenant policy belongs to: the name after the prefix, or,
 * for a push or writer policy (`tenant-<name>-push`, `tenant-<name>-writer`),
 * the name before the suffix when that is the segment its paths name. (The
 * config refuses a tenant called `<other>-push` / `<other>-writer` beside a
 * push / writers tenant `<other>`, so this is unambiguous.)
 */
function tenantOfPolicy(suffix: string, policy: VaultPolicy): string {
  const extra = [PUSH_POLICY_SUFFIX, WRITER_POLICY_SUFFIX].find((x) => suffix.endsWith(x));
  if (!extra) return suffix;
  const base = suffix.slice(0, -extra.length);
  const segments = new Set(policy.rules.flatMap((r) => r.path.split("/")));
  return !segments.has(suffix) && segments.has(base) ? base : suffix;
}

export interface TenantSubtreeConfig {
  /** Policy names that belong to one tenant: `<prefix><tenant>`. */
  tenantPolicyPrefix: string;
}

export const tenantPolicyInSubtree: ResourceRule<TenantSubtreeConfig> = {
  name: "tenant-policy-in-subtree",
  description:
    "A tenant's policy (named `<tenantPolicyPrefix><tenant>`, or an identity-templated policy shared by tenants) may reach only one subtree of one KV mount, ending in a segment named after the tenant, on the data/ and metadata/ paths (and delete/, undelete/ for a writer policy `<prefix><tenant>-writer` that may soft-delete); " +
    "the ACL evaluator must deny paths beside, above and outside that subtree. Any capabilities inside it are fine (a PushSecret tenant writes there). " +
    "Fix: build tenant policies with the TenantNamespace component, or restrict the paths to `<mount>/data/<subtree>/*` and `<mount>/metadata/<subtree>/*`.",
  enforcementLevel: "mandatory",
  config: { schema: { tenantPolicyPrefix: { type: "string" } }, defaults: { tenantPolicyPrefix: "tenant-" } },
  async check(r, c) {
    if (r.type !== VAULT_TYPES.policy) return [];
    // As Vault stores it: "Tenant-Team-B " is tenant team-b's policy (vault/policy_store.go sanitizeName).
    const name = typeof r.props.name === "string" ? policyName(r.props.name) : "";
    const prefix = policyName(c.tenantPolicyPrefix);
    const perTenant = name.startsWith(prefix) && name.length > prefix.length;
    const policyText = r.props.policy;
    if (!perTenant && !(typeof policyText === "string" && policyText.includes("{{identity.")) && !isUnknown(policyText)) return [];
    const { policy, findings } = await parsedPolicy(r);
    if (!policy) return findings; // unknown text: it may be a templated tenant policy, so undecided
    if (!perTenant && !templated(policy)) return [];
    // A templated policy is judged for one sample tenant: every tenant gets the same shape.
    const tenant = perTenant ? tenantOfPolicy(name.slice(prefix.length), policy) : "probe-tenant";
    const identity = namespaceIdentity([policy], tenant);
    const resolve = (p: string) => p.replace(/\{\{\s*identity\.entity\.aliases\.[^.}]+\.metadata\.service_account_namespace\s*\}\}/g, tenant);
    const out: Finding[] = [];
    const places = new Set<string>();
    let mount = "";
    let subtree = "";
    for (const rule of policy.rules) {
      if (rule.capabilities.includes("deny")) continue;
      const path = normalizePath(resolve(rule.path));
      if (path.includes("{{")) {
        out.push(`path "${rule.path}" uses a template other than the service account's namespace`);
        continue;
      }
      const where = tenantPathProblem(path, tenant);
      if (typeof where === "string") out.push(where);
      else {
        places.add(`${where.mount}/${where.subtree}`);
        ({ mount, subtree } = where);
      }
    }
    if (out.length > 0) return out;
    if (places.size !== 1) return [`reaches ${places.size} subtrees (${[...places].join(", ")}); a tenant gets exactly one`];
    const acl = compileAcl([policy], identity);
    const parent = subtree.includes("/") ? `${subtree.slice(0, subtree.lastIndexOf("/"))}/` : "";
    const probes = [
      `${mount}/data/${subtree}-other/k`,
      `${mount}/data/${parent}other-tenant/k`,
      `${mount}/metadata/${parent}`,
      `${mount}/data/k`,
      `${mount}/destroy/${subtree}/k`,
      `other-mount/data/${subtree}/k`,
      "sys/mounts",
    ];
    for (const probe of probes) {
      const caps = acl.capabilities(probe);
      if (caps.size > 0) out.push(`grants ${[...caps].join(", ")} on "${probe}", outside its subtree ${mount}/${subtree}`);
    }
    return out;
  },
};

/** A Vault TTL input as seconds: numbers are seconds; strings are Vault durations ("768h", "30d") or whole seconds. */
export function ttlSeconds(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  return parseDuration(v); // also Go's "1h30m0s"
}

export interface AuthRoleConfig {
  /** Upper bound for token_ttl and token_max_ttl of Kubernetes auth roles, in seconds. */
  maxTokenTtlSeconds: number;
}

export const k8sAuthRoleBinding: ResourceRule<AuthRoleConfig> = {
  name: "k8s-auth-role-binding",
  description:
    "A Kubernetes auth role must bind explicit service accounts in explicit namespaces (no `*`, no globs, no namespace selector), require an audience (tokens minted for another audience are refused) and issue short-lived tokens (tokenTtl and tokenMaxTtl set, at most maxTokenTtlSeconds). " +
    'Fix: list the namespaces and accounts, set audience (e.g. "vault", and the same value in the store\'s serviceAccountRef.audiences) and the TTLs.',
  enforcementLevel: "mandatory",
  config: { schema: { maxTokenTtlSeconds: { type: "integer", minimum: 1 } }, defaults: { maxTokenTtlSeconds: 86400 } },
  check(r, c) {
    if (r.type !== VAULT_TYPES.k8sRole) return [];
    const out: Finding[] = [];
    const p = r.props;
    const unknown = (key: string) => out.push(new Undecided(`${key} is not known until apply`));
    const wild = (v: unknown) => typeof v !== "string" || v.length === 0 || /[*?]/.test(v);
    const namespaces: unknown = p.boundServiceAccountNamespaces;
    if (isUnknown(namespaces) || (Array.isArray(namespaces) && namespaces.some(isUnknown))) unknown("boundServiceAccountNamespaces");
    else if (!Array.isArray(namespaces) || namespaces.length === 0) {
      out.push(p.boundServiceAccountNamespaceSelector ? "binds namespaces by selector; list them explicitly" : "binds no namespaces");
    } else if (namespaces.some(wild)) out.push(`binds namespaces ${JSON.stringify(namespaces)} with a wildcard`);
    const names: unknown = p.boundServiceAccountNames;
    if (isUnknown(names) || (Array.isArray(names) && names.some(isUnknown))) unknown("boundServiceAccountNames");
    else if (!Array.isArray(names) || names.length === 0 || names.some(wild)) out.push(`binds service accounts ${JSON.stringify(names)}: give explicit names`);
    if (isUnknown(p.audience)) unknown("audience");
    else if (typeof p.audience !== "string" || p.audience.length === 0) out.push("sets no audience");
    for (const key of ["tokenTtl", "tokenMaxTtl"]) {
      const v = p[key];
      if (isUnknown(v)) unknown(key);
      else if (typeof v !== "number" || v <= 0) out.push(`${key} is not set (Vault then uses the mount's default, 32 days unless tuned)`);
      else if (v > c.maxTokenTtlSeconds) out.push(`${key} ${v}s exceeds ${c.maxTokenTtlSeconds}s`);
    }
    return out;
  },
};

export interface TokenLifetimeConfig {
  /** Upper bound for a token's (or token role's) TTL and max TTL, in seconds. */
  maxTtlSeconds: number;
  /** Upper bound for a periodic token's period, in seconds. */
  maxPeriodSeconds: number;
  /** Upper bound for a periodic token's explicit max TTL, in seconds. */
  maxExplicitMaxTtlSeconds: number;
}

/** A TTL prop in seconds: `undefined` when unset, `"unknown"` when not known until apply, `NaN` when not a duration. */
function ttlProp(r: GuardResource, key: string): number | undefined | "unknown" {
  const v = r.props[key];
  if (isUnknown(v)) return "unknown";
  if (v === undefined || v === null || v === "" || v === 0) return undefined;
  return ttlSeconds(v) ?? NaN;
}

/** The lesser of the set values (Vault's rule for an explicit max TTL or period given both in the request and in the role). */
const lesser = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/**
 * The lifetime findings of one token or token-issuing role. A `vault.Token`
 * created through a token role in the same stack is judged by its effective
 * lifetime, as hashicorp/vault `vault/token_store.go` `handleCreateCommon`
 * computes it: the role's `token_period` (a `period` in the request needs sudo;
 * if both are set the lesser wins), the lesser of the two explicit max TTLs.
 */
function lifetimeFindings(r: GuardResource, roles: readonly GuardResource[], c: TokenLifetimeConfig): Finding[] {
  let keys: { period: string; explicitMax: string; ttls: string[] };
  if (r.type === VAULT_TYPES.token) keys = { period: "period", explicitMax: "explicitMaxTtl", ttls: ["ttl"] };
  else if (r.type === VAULT_TYPES.tokenRole) keys = { period: "tokenPeriod", explicitMax: "tokenExplicitMaxTtl", ttls: ["tokenTtl", "tokenMaxTtl"] };
  else if (r.type === VAULT_TYPES.k8sRole) keys = { period: "tokenPeriod", explicitMax: "tokenExplicitMaxTtl", ttls: [] }; // its TTLs: k8s-auth-role-binding
  else return [];
  const out: Finding[] = [];
  const read = (from: GuardResource, key: string, label = key): number | undefined | "unknown" => {
    const s = ttlProp(from, key);
    if (s === "unknown") out.push(new Undecided(`${label} is not known until apply`, from.urn));
    else if (Number.isNaN(s)) out.push(`${label} ${JSON.stringify(from.props[key])} is not a duration`);
    return Number.isNaN(s) ? undefined : s;
  };
  for (const key of keys.ttls) {
    const s = read(r, key);
    if (typeof s === "number" && s > c.maxTtlSeconds) out.push(`${key} ${s}s exceeds ${c.maxTtlSeconds}s`);
  }
  let period = read(r, keys.period);
  let max = read(r, keys.explicitMax);
  let through = "";
  if (r.type === VAULT_TYPES.token && r.props.roleName !== undefined && r.props.roleName !== "") {
    const roleName = r.props.roleName;
    if (isUnknown(roleName)) return [...out, new Undecided("roleName is not known until apply", r.urn)];
    const role = roles.find((x) => x.props.roleName === roleName);
    const roleUnknown = roles.some((x) => isUnknown(x.props.roleName));
    if (!role && roleUnknown) return [...out, new Undecided(`the token role "${roleName}" may be one whose name is not known until apply`, r.urn)];
    if (!role) {
      if (typeof max === "number") through = ` (through role "${roleName}", which is not in this stack: judged by the token's own explicitMaxTtl)`;
      else if (max !== "unknown") return [...out, `issued through token role "${roleName}", which is not in this stack, and sets no explicitMaxTtl: its lifetime cannot be bounded here. Fix: set explicitMaxTtl on the token, or manage the role in this stack`];
    } else {
      const rolePeriod = read(role, "tokenPeriod", `role "${roleName}" tokenPeriod`);
      const roleMax = read(role, "tokenExplicitMaxTtl", `role "${roleName}" tokenExplicitMaxTtl`);
      if (period === "unknown" || max === "unknown" || rolePeriod === "unknown" || roleMax === "unknown") return out;
      period = lesser(period, rolePeriod);
      max = lesser(max, roleMax);
      through = ` (effective, through token role "${roleName}")`;
    }
  }
  if (period === "unknown" || max === "unknown") return out;
  if (period === undefined) {
    if (r.type === VAULT_TYPES.token && read(r, "ttl") === undefined && max === undefined) out.push("neither period nor ttl nor explicitMaxTtl is set, here or in its token role: the token gets the auth mount's default TTL (32 days unless tuned)");
    if (typeof max === "number" && max > c.maxExplicitMaxTtlSeconds) out.push(`${keys.explicitMax} ${max}s${through} exceeds ${c.maxExplicitMaxTtlSeconds}s`);
    return out;
  }
  if (period > c.maxPeriodSeconds) out.push(`period ${period}s${through} exceeds ${c.maxPeriodSeconds}s`);
  if (max === undefined) out.push(`periodic token without ${keys.explicitMax}${through}: it lives for as long as someone renews it`);
  // A token whose explicit max is below its period simply dies at that max (a short-lived bootstrap token); for a role it is a misconfiguration.
  else if (max <= period && r.type !== VAULT_TYPES.token) out.push(`${keys.explicitMax} ${max}s is not longer than the period ${period}s`);
  else if (max > c.maxExplicitMaxTtlSeconds) out.push(`${keys.explicitMax} ${max}s${through} exceeds ${c.maxExplicitMaxTtlSeconds}s`);
  return out;
}

export const tokenLifetime: StackRule<TokenLifetimeConfig> = {
  name: "vault-token-lifetime",
  description:
    "Vault tokens (vault.Token) and token-issuing roles (vault.tokenauth.AuthBackendRole, periodic Kubernetes auth roles) must have bounded lifetimes: TTLs at most maxTtlSeconds, a period at most maxPeriodSeconds, and every periodic token an explicit max TTL (at most maxExplicitMaxTtlSeconds), so a leaked token dies on its own however often it is renewed. " +
    "A vault.Token issued through a token role of this stack is judged by its effective lifetime (the role's period, the lesser of the two explicit max TTLs). " +
    "Fix: set ttl (non-periodic vault.Token), or explicitMaxTtl (vault.Token, a duration string) / tokenExplicitMaxTtl (roles, seconds) next to the period, and rotate the token before that max.",
  enforcementLevel: "mandatory",
  config: {
    schema: {
      maxTtlSeconds: { type: "integer", minimum: 1 },
      maxPeriodSeconds: { type: "integer", minimum: 1 },
      maxExplicitMaxTtlSeconds: { type: "integer", minimum: 1 },
    },
    defaults: { maxTtlSeconds: 32 * 86400, maxPeriodSeconds: 32 * 86400, maxExplicitMaxTtlSeconds: 90 * 86400 },
  },
  check(resources, c) {
    const roles = resources.filter((r) => r.type === VAULT_TYPES.tokenRole);
    const out: Array<StackViolation | Undecided> = [];
    for (const r of resources) {
      for (const f of lifetimeFindings(r, roles, c)) out.push(f instanceof Undecided ? f : { message: f, urn: r.urn });
    }
    return out;
  },
};

export const kvMountProtected: ResourceRule = {
  name: "kv-mount-protected",
  description:
    "The KV mount holds users' secrets: it must be `protect`ed so a refactor, a replacing diff or `pulumi destroy` cannot delete it (VaultBackend also sets retainOnDelete). Fix: add `protect: true` and `retainOnDelete: true` to the mount's resource options (USER_DATA_OPTIONS).",
  enforcementLevel: "mandatory",
  check(r) {
    if (r.type !== VAULT_TYPES.mount) return [];
    if (isUnknown(r.props.type)) return [new Undecided("the mount type is not known until apply")];
    const kv = r.props.type === "kv" || r.props.type === "kv-v2";
    return kv && !r.protect ? [`KV mount "${r.props.path}" is not protected`] : [];
  },
};

/** Roots of Vault's own configuration: a raw write below them (in this namespace or another) is refused. */
const RAW_WRITE_ROOTS = SYSTEM_ROOTS.map((r) => `${r}/**`);

export const rawWritePaths: ResourceRule = {
  name: "vault-raw-write-paths",
  description:
    "Resources that write an arbitrary Vault path (vault.generic.Endpoint, vault.generic.Secret, vault.kv.Secret, vault.kv.SecretV2) may not write under sys/, auth/ or identity/ (policies, mounts, auth methods and their roles, users and config, token roles, entities, groups and aliases), in this namespace or through a Vault Enterprise namespace prefix: such a write can grant any identity any policy, or combine tenants, out of sight of the rules that judge the typed resources. " +
    "Fix: use the typed resource (vault.Policy, vault.kubernetes.AuthBackendRole, vault.identity.Group, ...), which the pack judges.",
  enforcementLevel: "mandatory",
  check(r) {
    const writer = RAW_WRITERS[r.type];
    if (!writer) return [];
    const path = writer.path(r.props);
    if (isUnknown(path)) return [new Undecided(`the path ${writer.label} writes is not known until apply`)];
    if (typeof path !== "string") return [];
    // Literal path: its first segment is a mount when a KV v2 API segment follows (Vault keeps mounts and namespaces apart).
    const [first, second] = normalizePath(path).split("/");
    const mounts = new Set(second !== undefined && KV_API.includes(second) ? [first] : []);
    const hits = sensitiveReach(path, ["update"], { mounts });
    const root = hits.length > 0 ? undefined : RAW_WRITE_ROOTS.flatMap((p) => [policyMeetsSensitive(path, p, { mounts }), policyMeetsSensitive(path, p, { mounts }, true)]).find((w) => w !== undefined);
    if (hits.length === 0 && root === undefined) return [];
    const what = hits.length > 0 ? hits.map((h) => h.endpoint.what).join(", ") : "Vault's own configuration";
    return [`${writer.label} writes "${path}" (${what}): a raw write may not change policies, roles, groups, auth configuration or anything under sys/`];
  },
};

export const VAULT_RULES = [policyLeastPrivilege, tenantPolicyInSubtree, k8sAuthRoleBinding, kvMountProtected, rawWritePaths] as const;

/** Resource types whose names Vault folds, the fold, and how to read the name (with its scope: an auth mount, a group alias's accessor). */
const NAMED: ReadonlyArray<{ type: string; kind: VaultNameKind; what: string; name: (p: Record<string, any>) => unknown; scope?: (p: Record<string, any>) => unknown }> = [
  { type: VAULT_TYPES.policy, kind: "policy", what: "policy", name: (p) => p.name },
  { type: VAULT_TYPES.k8sRole, kind: "authRole", what: "Kubernetes auth role", name: (p) => p.roleName, scope: (p) => p.backend ?? "kubernetes" },
  { type: "vault:jwt/authBackendRole:AuthBackendRole", kind: "authRole", what: "JWT/OIDC role", name: (p) => p.roleName, scope: (p) => p.backend ?? "jwt" },
  { type: "vault:appRole/authBackendRole:AuthBackendRole", kind: "authRole", what: "AppRole role", name: (p) => p.roleName, scope: (p) => p.backend ?? "approle" },
  { type: VAULT_TYPES.tokenRole, kind: "tokenRole", what: "token role", name: (p) => p.roleName },
  { type: VAULT_TYPES.identityGroup, kind: "identity", what: "identity group", name: (p) => p.name },
  { type: "vault:identity/entity:Entity", kind: "identity", what: "identity entity", name: (p) => p.name },
  { type: "vault:identity/groupAlias:GroupAlias", kind: "identity", what: "group alias", name: (p) => p.name, scope: (p) => p.mountAccessor },
  { type: "vault:identity/entityAlias:EntityAlias", kind: "identity", what: "entity alias", name: (p) => p.name, scope: (p) => p.mountAccessor },
];

export const vaultNamesUnique: StackRule = {
  name: "vault-names-unique",
  description:
    "Two resources of the stack may not name one Vault object: Vault trims and lower-cases policy names (vault/policy_store.go), lower-cases Kubernetes, JWT/OIDC and AppRole role names and (by default) identity entity, group and alias names, so `Tenant-A` and `tenant-a ` are one object and the later write silently replaces the earlier one (a tenant's policy or role taken over by another resource). " +
    "Fix: give each object a name that differs from the others after trimming and lower-casing.",
  enforcementLevel: "mandatory",
  check(resources) {
    const out: Array<StackViolation | Undecided> = [];
    const seen = new Map<string, GuardResource>();
    for (const r of resources) {
      for (const n of NAMED.filter((x) => x.type === r.type)) {
        const name = n.name(r.props);
        const scope = n.scope?.(r.props);
        if (isUnknown(name) || isUnknown(scope)) continue; // preview: the name is derived from another resource
        if (typeof name !== "string") continue;
        const key = JSON.stringify([n.kind === "authRole" ? "authRole" : n.type, typeof scope === "string" ? scope.replace(/^\/+|\/+$/g, "") : "", vaultName(n.kind, name)]);
        const first = seen.get(key);
        if (!first) seen.set(key, r);
        else out.push({ message: `${n.what} "${name}" (${r.name}) is the same Vault object as "${n.name(first.props)}" (${first.name}): Vault stores both as "${vaultName(n.kind, name)}", and the later write replaces the other`, urn: r.urn });
      }
    }
    return out;
  },
};

/** Vault rules that need more than one resource. */
export const VAULT_STACK_RULES = [tokenLifetime, vaultNamesUnique] as const;
