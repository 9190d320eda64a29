/**
 * The tenant isolation proof shared by the property tests and the stack
 * tests: with Vault's ACL rules, each tenant identity reaches its own subtree
 * and nothing of another tenant's, nor outside its subtree.
 */
import { AclOptions, compileAcl, IdentityContext, VAULT_DEFAULT_POLICY } from "../../policies/vault/acl";
import { parsePolicyHcl } from "../../policies/vault/hcl";
import { CAPABILITIES, Capability, VaultPolicy } from "../../policies/vault/model";
import type { MockEngine } from "./mocks";
import { EsoRequest, EsoVaultStore, findRequests, pushRequests, remoteRefRequests, withinSubtree } from "../../components/tenants/eso-paths";
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

/** A tenant's writers (an identity group mapped to an SSO group) as Vault sees them: the group's policies plus `default`. */
export interface WriterIdentity {
  readonly tenant: string;
  readonly subtree: string;
  readonly policies: VaultPolicy[];
  readonly allowDelete: boolean;
}

/**
 * Every way `writers` break isolation; empty when it holds. A writer can
 * `vault kv put/get/list` (and, with allowDelete, `kv delete`/`undelete`) in
 * its own subtree and nothing else: not another tenant's subtree (`others`:
 * every tenant's, its own included and skipped), not ESO's scope, not a
 * sibling or parent path, never `destroy/` or deleting all versions.
 */
export function writerViolations(mount: string, writers: readonly WriterIdentity[], others: ReadonlyArray<{ readonly name: string; readonly subtree: string }>, esoScope: string, options: AclOptions = {}): string[] {
  const out: string[] = [];
  for (const w of writers) {
    // An SSO login: an entity with an alias on another mount, nothing to resolve Kubernetes templates with.
    const acl = compileAcl(w.policies, { entity: { id: `entity-${w.tenant}-writer`, name: `${w.tenant}-writer`, aliases: {} } }, options);
    const own = `${mount}/data/${w.subtree}`;
    const must: Array<[Capability, string]> = [
      ["create", `${own}/db`], // vault kv put (new secret)
      ["update", `${own}/db`], // vault kv put (new version)
      ["read", `${own}/nested/app`], // vault kv get
      ["read", `${mount}/metadata/${w.subtree}/db`], // vault kv metadata get
      ["list", `${mount}/metadata/${w.subtree}/`], // vault kv list <subtree>
      ["list", `${mount}/metadata/${w.subtree}/nested/`],
    ];
    const deletes: Array<[Capability, string]> = [
      ["delete", `${own}/db`], // vault kv delete
      ["update", `${mount}/delete/${w.subtree}/db`], // vault kv delete -versions
      ["update", `${mount}/undelete/${w.subtree}/db`], // vault kv undelete
    ];
    for (const [cap, path] of [...must, ...(w.allowDelete ? deletes : [])]) if (!acl.allows(cap, path)) out.push(`${w.tenant} writers cannot ${cap} their own ${path}`);
    if (!w.allowDelete) for (const [cap, path] of deletes) if (acl.allows(cap, path)) out.push(`${w.tenant} writers can ${cap} ${path} without allowDelete`);
    const parent = w.subtree.split("/").slice(0, -1).join("/");
    const never = [
      `${mount}/destroy/${w.subtree}/db`,
      `${mount}/data/${parent ? `${parent}/` : ""}x`,
      `${mount}/metadata/${parent ? `${parent}/` : ""}`,
      `${mount}/data/${w.subtree}`,
      `${mount}/data/${w.subtree}-x/db`,
      `${mount}/config`,
      `other/data/${w.subtree}/db`,
      `${mount}/data/${esoScope}/db`,
      `${mount}/metadata/${esoScope}/db`,
      `${mount}/metadata/${esoScope}/`,
      "sys/mounts",
      "sys/policies/acl/tenant-x",
      "identity/group/name/x",
    ];
    for (const o of others) {
      if (o.name === w.tenant) continue;
      never.push(`${mount}/data/${o.subtree}/db`, `${mount}/metadata/${o.subtree}/db`, `${mount}/metadata/${o.subtree}/`, `${mount}/delete/${o.subtree}/db`, `${mount}/undelete/${o.subtree}/db`);
    }
    for (const path of never) for (const cap of GRANTS) if (acl.allows(cap, path)) out.push(`${w.tenant} writers can ${cap} ${path}`);
    // Deleting every version (metadata) is an administrator's act.
    if (acl.allows("delete", `${mount}/metadata/${w.subtree}/db`)) out.push(`${w.tenant} writers can delete all versions (metadata) of their secrets`);
  }
  return out;
}

/**
 * The writers of a program run under mocks: each `vault.identity.Group`
 * (type external), its policies parsed from the emitted HCL plus `default`;
 * the tenant and subtree read from its writer policy.
 */
export async function emittedWriters(engine: MockEngine, mount: string): Promise<WriterIdentity[]> {
  const parsed = new Map<string, VaultPolicy>();
  for (const p of vaultPolicies(engine.resources)) parsed.set(p.name, await parsePolicyHcl(p.name, p.policy));
  return engine.ofType("vault:identity/group:Group").map((g) => {
    const policies = (g.inputs.policies as string[]).map((n) => {
      const p = parsed.get(n);
      if (!p) throw new Error(`group ${g.inputs.name} uses policy ${n}, which the program does not write`);
      return p;
    });
    const writer = policies.find((p) => /^tenant-.+-writer$/.test(p.name));
    if (!writer) throw new Error(`group ${g.inputs.name} holds no tenant writer policy`);
    const data = writer.rules.find((r) => r.path.startsWith(`${mount}/data/`))!;
    return {
      tenant: writer.name.slice("tenant-".length, -"-writer".length),
      subtree: data.path.slice(`${mount}/data/`.length, -"/*".length),
      policies: [...policies, VAULT_DEFAULT_POLICY],
      allowDelete: data.capabilities.includes("delete"),
    };
  });
}

/** What a tenant's rendered objects make ESO request (external-secrets buildPath/buildMetadataPath, components/tenants/eso-paths.ts). */
export interface TenantRequests {
  readonly name: string;
  readonly subtree: string;
  /** The rendered ExternalSecret and PushSecret specs of the tenant's namespace. */
  readonly externalSecrets: ReadonlyArray<{ readonly spec?: any }>;
  readonly pushSecrets?: ReadonlyArray<{ readonly spec?: any }>;
}

/** Every Vault request ESO makes for these objects, on a store with `store.path`/`version` (every store the program writes: the KV mount, v2). */
export function esoRequests(store: EsoVaultStore, t: TenantRequests): EsoRequest[] {
  const out: EsoRequest[] = [];
  for (const es of t.externalSecrets) {
    for (const d of es.spec?.data ?? []) out.push(...remoteRefRequests(store, d.remoteRef.key));
    for (const d of es.spec?.dataFrom ?? []) {
      if (d.extract) out.push(...remoteRefRequests(store, d.extract.key));
      if (d.find) out.push(...findRequests(store, d.find.path));
    }
  }
  for (const ps of t.pushSecrets ?? []) for (const d of ps.spec?.data ?? []) out.push(...pushRequests(store, d.match.remoteRef.remoteKey));
  return out;
}

/**
 * The isolation proof on the paths ESO actually requests, in every tenancy
 * mode: each request of a tenant's objects lies in its own subtree (in shared
 * tenancy the ClusterSecretStore's identity spans every tenant, so this is
 * the only boundary), and, given the tenant's token policies (isolated
 * tenancy), Vault allows it. Empty when isolation holds.
 */
export function requestViolations(mount: string, tenants: readonly TenantRequests[], policiesOf?: (tenant: string) => VaultPolicy[], serviceAccount = "vault-secrets"): string[] {
  const store: EsoVaultStore = { path: mount, version: "v2" };
  const out: string[] = [];
  const capOf: Record<EsoRequest["op"], Capability> = { read: "read", list: "list", write: "update" };
  for (const t of tenants) {
    const acl = policiesOf ? compileAcl(policiesOf(t.name), identityOf(t.name, serviceAccount)) : undefined;
    for (const r of esoRequests(store, t)) {
      if (!withinSubtree(mount, t.subtree, r.path)) {
        const owner = tenants.find((o) => o !== t && withinSubtree(mount, o.subtree, r.path));
        out.push(`${t.name}'s ESO ${r.op}s ${r.path}, outside its subtree${owner ? ` (tenant ${owner.name}'s)` : ""}`);
      } else if (acl && !acl.allows(capOf[r.op], r.path)) {
        out.push(`${t.name}'s ESO ${r.op} of ${r.path} is denied by its own policies`);
      }
    }
  }
  return out;
}

/** The ExternalSecrets and PushSecrets a program run under mocks put in each tenant's namespace, for `requestViolations`. */
export function emittedRequests(engine: MockEngine, tenants: ReadonlyArray<{ readonly name: string; readonly subtree: string }>): TenantRequests[] {
  const inNs = (type: string, ns: string) => engine.ofType(type).filter((r) => r.inputs.metadata?.namespace === ns).map((r) => r.inputs);
  return tenants.map((t) => ({
    name: t.name,
    subtree: t.subtree,
    externalSecrets: inNs("kubernetes:external-secrets.io/v1:ExternalSecret", t.name),
    pushSecrets: inNs("kubernetes:external-secrets.io/v1alpha1:PushSecret", t.name),
  }));
}
