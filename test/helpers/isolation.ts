/**
 * The tenant isolation proof shared by the property tests and the stack
 * tests: with Vault's ACL rules, each tenant identity reaches its own subtree
 * and nothing of another tenant's, nor outside its subtree.
 */
import { AclOptions, compileAcl, IdentityContext, VAULT_DEFAULT_POLICY } from "../../policies/vault/acl";
import { parsePolicyHcl } from "../../policies/vault/hcl";
import { CAPABILITIES, Capability, VaultPolicy } from "../../policies/vault/model";
import type { MockEngine } from "./mocks";
import { vaultPolicies } from "./program";

/** The auth mount accessor identities are resolved against. */
export const ACCESSOR = "auth_kubernetes_9f3c";
const GRANTS: Capability[] = CAPABILITIES.filter((c) => c !== "deny");

export interface TenantIdentity {
  readonly name: string;
  readonly subtree: string;
  /** The role's token policies (plus `default` where the role keeps it). */
  readonly policies: VaultPolicy[];
  /** Granted PushSecret: may write its own subtree (never another's). */
  readonly push?: boolean;
}

/** The identity a tenant's Kubernetes login gets: the alias metadata Vault's kubernetes auth sets. */
export function identityOf(namespace: string, serviceAccount: string): IdentityContext {
  const alias = { name: `${namespace}/${serviceAccount}`, metadata: { service_account_namespace: namespace, service_account_name: serviceAccount } };
  return { entity: { id: `entity-${namespace}`, name: `entity-${namespace}`, aliases: { [ACCESSOR]: alias } } };
}

/**
 * Every violation of isolation among `tenants`; empty when it holds. The
 * default evaluator is never less permissive than Vault (either list-lookup
 * generation, request conditions ignored); `options` pins one generation.
 */
export function isolationViolations(mount: string, tenants: readonly TenantIdentity[], serviceAccount: string, options: AclOptions = {}): string[] {
  const out: string[] = [];
  for (const a of tenants) {
    const acl = compileAcl(a.policies, identityOf(a.name, serviceAccount), options);
    const must: Array<[Capability, string]> = [
      ["read", `${mount}/data/${a.subtree}/db`],
      ["read", `${mount}/data/${a.subtree}/nested/app`],
      ["read", `${mount}/metadata/${a.subtree}/db`],
      ["list", `${mount}/metadata/${a.subtree}/`],
      ["list", `${mount}/metadata/${a.subtree}/nested/`],
    ];
    for (const [cap, path] of must) if (!acl.allows(cap, path)) out.push(`${a.name} cannot ${cap} its own ${path}`);

    const parent = a.subtree.split("/").slice(0, -1).join("/");
    const outside = [
      `${mount}/data/${parent ? `${parent}/` : ""}x`,
      `${mount}/metadata/${parent ? `${parent}/` : ""}`,
      `${mount}/data/${a.subtree}`,
      `${mount}/data/${a.subtree}-x/db`,
      `${mount}/destroy/${a.subtree}/db`,
      `${mount}/delete/${a.subtree}/db`,
      `${mount}/config`,
      `other/data/${a.subtree}/db`,
      "sys/mounts",
      "auth/kubernetes/role/x",
    ];
    for (const b of tenants) {
      if (b === a) continue;
      outside.push(`${mount}/data/${b.subtree}/db`, `${mount}/data/${b.subtree}/nested/app`, `${mount}/metadata/${b.subtree}/db`, `${mount}/metadata/${b.subtree}/`, `${mount}/data/${b.subtree}`);
    }
    for (const path of outside) {
      for (const cap of GRANTS) if (acl.allows(cap, path)) out.push(`${a.name} can ${cap} ${path}`);
    }
    // Without push a tenant is read-only: not even its own secrets can be written.
    if (a.push) {
      for (const cap of ["create", "update"] as Capability[]) if (!acl.allows(cap, `${mount}/data/${a.subtree}/db`)) out.push(`${a.name} has push but cannot ${cap} its own secret`);
    } else {
      for (const cap of ["create", "update", "patch", "delete"] as Capability[]) if (acl.allows(cap, `${mount}/data/${a.subtree}/db`)) out.push(`${a.name} can ${cap} its own secret`);
    }
  }
  return out;
}

/**
 * The tenants of a program run under mocks, as Vault would see them: each
 * tenant namespace's role, its policies parsed from the emitted HCL (the
 * mock accessor swapped for ACCESSOR), plus `default`. `pushTenants` are the
 * tenants the stack file grants PushSecret: only they may write (their own subtree).
 */
export async function emittedTenants(engine: MockEngine, mount: string, pushTenants: readonly string[] = []): Promise<TenantIdentity[]> {
  const parsed = new Map<string, VaultPolicy>();
  for (const p of vaultPolicies(engine.resources)) parsed.set(p.name, await parsePolicyHcl(p.name, p.policy));
  const auth = engine.ofType("vault:index/authBackend:AuthBackend")[0];
  const mockAccessor = `auth_${auth.inputs.type}_${auth.name}`; // what test/helpers/mocks.ts returns as the accessor
  const namespaces = engine
    .ofType("kubernetes:core/v1:Namespace")
    .filter((n) => n.inputs.metadata.labels?.["vault-eso.io/tenant"])
    .map((n) => n.inputs.metadata.name as string);
  const roles = engine.ofType("vault:kubernetes/authBackendRole:AuthBackendRole");
  return namespaces.map((ns) => {
    const bound = roles.filter((r) => (r.inputs.boundServiceAccountNamespaces as string[]).includes(ns));
    if (bound.length !== 1) throw new Error(`expected one role bound to ${ns}, found ${bound.length}`);
    if (bound[0].inputs.boundServiceAccountNamespaces.length !== 1) throw new Error(`role ${bound[0].inputs.roleName} binds more than ${ns}`);
    const policies = (bound[0].inputs.tokenPolicies as string[]).map((n) => {
      const p = parsed.get(n);
      if (!p) throw new Error(`role ${bound[0].inputs.roleName} uses policy ${n}, which the program does not write`);
      return { ...p, rules: p.rules.map((r) => ({ ...r, path: r.path.split(mockAccessor).join(ACCESSOR) })) };
    });
    const dataRule = policies[0].rules.find((r) => r.path.startsWith(`${mount}/data/`))!;
    const subtree = dataRule.path.slice(`${mount}/data/`.length, -"/*".length).replace(/\{\{[^}]+\}\}/, ns);
    return { name: ns, subtree, policies: [...policies, VAULT_DEFAULT_POLICY], push: pushTenants.includes(ns) };
  });
}
