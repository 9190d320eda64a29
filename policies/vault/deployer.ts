/**
 * What the identity that runs `pulumi up` needs from Vault: a model of the
 * Vault API calls the Pulumi Vault provider makes for each resource type the
 * program registers, and a builder for the least-privilege "deployer" policy
 * that allows exactly those calls. Pure: no Pulumi resources.
 *
 * Upstream, as pinned: `@pulumi/vault` 7.8.0 bridges
 * hashicorp/terraform-provider-vault v5.8.0 (pulumi/pulumi-vault tag v7.8.0,
 * submodule `upstream` at 91f91c5c7909dc221edd45ad48ea774dfaf6509c), which
 * calls Vault through `github.com/hashicorp/vault/api` v1.22.0.
 *
 * How a call becomes a capability (hashicorp/vault):
 * - `http/logical.go` buildLogicalRequest: GET -> read, POST/PUT -> update,
 *   DELETE -> delete.
 * - `vault/request_handling.go` CheckToken: a write becomes `create` only when
 *   the path has an ExistenceCheck and the entry does not exist yet; without an
 *   ExistenceCheck it is always `update`.
 * - `vault/logical_system.go` NewSystemBackend `PathsSpecial.Root`: paths of
 *   `sys/` that also need `sudo` on every operation: `auth/*`, `audit`,
 *   `audit/*`, `remount`, `raw/*`, `seal`, ... (not `mounts/*`, not
 *   `policies/*`). `vault/acl.go` AllowOperation refuses a root path without sudo.
 * - `vault/token_store.go` handleCreateCommon: a token create request that
 *   carries a non-zero `period` needs `sudo` on its own path, even through a
 *   token role ("root or sudo privileges required to create periodic token").
 *
 * Out of the model (they need a broader token for that one run, see
 * docs/deployer-policy.md): renaming a mount or auth path (`sys/remount`, sudo),
 * replacing a resource whose name changes (the old name's delete), Enterprise
 * namespaces other than the provider's own.
 */
import { renderPolicyHcl } from "./hcl";
import { CAPABILITIES, Capability, PathConditions, PathRule, VaultPolicy } from "./model";
import { BodyValue, GO_WHITESPACE, ParameterConstraints } from "./params";

/** The Pulumi operations that make the provider call Vault. `import` and `refresh` call the resource's Read. */
export type Phase = "startup" | "create" | "read" | "update" | "delete";
export const PHASES: readonly Phase[] = ["startup", "create", "read", "update", "delete"];

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "LIST";

/** One HTTP request the provider makes, and the ACL it needs. */
export interface VaultCall {
  readonly phase: Phase;
  readonly method: HttpMethod;
  /** The request path below `/v1/` (what an ACL path matches). */
  readonly path: string;
  /** The ACL capability Vault checks; `undefined` for unauthenticated endpoints (no ACL). */
  readonly capability?: Extract<Capability, "create" | "read" | "update" | "delete" | "list">;
  /** Whether `sudo` is needed on the same path too. */
  readonly sudo: boolean;
  /** `<type> <name>` of the resource, or `provider <name>`. */
  readonly resource: string;
  /** Upstream repository, file and function that make (or check) the call. */
  readonly source: string;
  /**
   * A write whose body can be pinned: the JSON body the provider sends (`body`) and the
   * parameter constraints (`params`) that allow exactly it. Used with `pinParameters`.
   */
  readonly body?: Readonly<Record<string, BodyValue>>;
  readonly params?: ParameterConstraints;
}

/** What the model reads of a registered resource (scripts/lib/capture.ts Captured and the test mocks both fit). */
export interface DeployedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** Pulumi's `retainOnDelete`: the engine never calls the provider's Delete. */
  readonly retainOnDelete?: boolean;
}

export const VAULT_PROVIDER_TYPE = "pulumi:providers:vault";

const TF = "hashicorp/terraform-provider-vault@v5.8.0";
const API = "hashicorp/vault api";

/** Pulumi's wire markers (`@pulumi/pulumi/runtime/rpc`): a secret wraps its value; an unknown is this string. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function plain(v: unknown): unknown {
  if (v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) return plain((v as { value: unknown }).value);
  return v === UNKNOWN ? undefined : v;
}

/** A path segment from an input; `+` (exactly one segment) when it is not known at render time (preview of a computed value). */
export function segment(r: DeployedResource, key: string, fallback?: string): string {
  const v = plain(r.inputs[key]);
  if (v === undefined || v === null || v === "") {
    if (fallback !== undefined) return fallback;
    return "+";
  }
  if (typeof v !== "string") throw new Error(`${r.type} ${r.name}: input ${key} is ${JSON.stringify(v)}, not a string: cannot name its Vault path`);
  const s = v.replace(/^\/+|\/+$/g, "");
  if (s === "" || /[*+{}]/.test(s)) throw new Error(`${r.type} ${r.name}: input ${key} = ${JSON.stringify(v)} cannot be an exact Vault ACL path segment`);
  return s;
}

/** A plain (known, not secret-wrapped) string input, or undefined. */
function plainString(r: DeployedResource, key: string): string | undefined {
  const v = plain(r.inputs[key]);
  return typeof v === "string" ? v : undefined;
}

/** A plain list of strings input, or undefined when unknown (a preview of a computed value). */
function plainStrings(r: DeployedResource, key: string): string[] | undefined {
  const v = plain(r.inputs[key]);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return undefined;
  const out = v.map(plain);
  return out.every((x) => typeof x === "string") ? (out as string[]) : undefined;
}

function plainNumber(r: DeployedResource, key: string): number | undefined {
  const v = plain(r.inputs[key]);
  return typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * `bound_service_account_namespace_selector` must stay "" (ORed with the namespaces, a selector
 * widens the role). `[""]` alone lets through any string whose comma items trim to "" (vault/acl.go
 * valueInAllowedParameterList + parseutil.ParseCommaStringSlice): refuse every value holding a comma
 * or a character Go's strings.TrimSpace removes.
 */
export const SELECTOR_DENIED: readonly string[] = ["*,*", ...GO_WHITESPACE.map((c) => `*${c}*`)];

/**
 * Body keys of a Kubernetes auth role write that cannot widen who logs in or which policies the
 * token gets (token lifetimes, CIDR narrowing, token type): any value. Everything else is pinned;
 * keys not listed (`policies`, `alias_metadata`, `bound_cidrs`, ...) are refused by Vault.
 */
export const ROLE_FREE_KEYS: readonly string[] = [
  "token_ttl",
  "token_max_ttl",
  "token_explicit_max_ttl",
  "token_period",
  "token_num_uses",
  "token_type",
  "token_no_default_policy",
  "token_bound_cidrs",
];

function truthy(v: unknown): boolean {
  const p = plain(v);
  return p === true || p === "true";
}

/** A Vault duration input ("768h", "604800", 604800) that is set and not zero. */
function nonZeroDuration(v: unknown): boolean {
  const p = plain(v);
  if (p === undefined || p === null || p === "") return false;
  if (typeof p === "number") return p !== 0;
  return !/^0+(s|m|h)?$/.test(String(p).trim());
}

type CallSpec = Omit<VaultCall, "resource" | "sudo"> & { readonly sudo?: boolean };

function calls(resource: string, specs: readonly CallSpec[]): VaultCall[] {
  return specs.map((s) => ({ ...s, sudo: s.sudo ?? false, resource }));
}

/**
 * Drops the Delete calls of a resource Pulumi retains on delete: pulumi/pulumi
 * pkg/resource/deploy/step.go DeleteStep.Apply makes a RetainOnDelete resource's
 * delete a no-op and never calls the provider's Delete.
 */
function retained(r: DeployedResource, list: VaultCall[]): VaultCall[] {
  return r.retainOnDelete ? list.filter((c) => c.phase !== "delete") : list;
}

type Model = (r: DeployedResource) => VaultCall[];

/**
 * The calls per resource type. Each entry cites the provider function and the
 * Vault API client function that sends the request; the capability follows
 * from the Vault path's handler (ExistenceCheck or not) and `PathsSpecial.Root`.
 */
const MODELS: Record<string, Model> = {
  // vault/resource_mount.go: mountWrite -> createMount -> Sys().MountWithContext (POST sys/mounts/<path>),
  // then mountRead -> readMount -> util/mountutil GetMount -> Sys().GetMountWithContext (GET sys/mounts/<path>).
  // mountUpdate -> updateMount -> tuneMountWithMap (POST sys/mounts/<path>/tune) -> readMount.
  // mountDelete -> Sys().UnmountWithContext (DELETE sys/mounts/<path>). Import: ImportStatePassthroughContext -> mountRead.
  // hashicorp/vault vault/logical_system_paths.go mountPaths: "mounts/(?P<path>.+?)" and ".../tune$" have no
  // ExistenceCheck (a write is `update`) and are not in PathsSpecial.Root (no sudo).
  "vault:index/mount:Mount": (r) => {
    const p = segment(r, "path");
    const res = `${r.type} ${r.name}`;
    const read: CallSpec = { phase: "read", method: "GET", path: `sys/mounts/${p}`, capability: "read", source: `${TF} vault/resource_mount.go readMount; ${API} sys_mounts.go GetMountWithContext` };
    return retained(
      r,
      calls(res, [
        { phase: "create", method: "POST", path: `sys/mounts/${p}`, capability: "update", source: `${TF} vault/resource_mount.go createMount; ${API} sys_mounts.go MountWithContext` },
        { ...read, phase: "create" },
        read,
        { phase: "update", method: "POST", path: `sys/mounts/${p}/tune`, capability: "update", source: `${TF} vault/resource_mount.go updateMount, tuneMountWithMap` },
        { ...read, phase: "update" },
        { phase: "delete", method: "DELETE", path: `sys/mounts/${p}`, capability: "delete", source: `${TF} vault/resource_mount.go mountDelete; ${API} sys_mounts.go UnmountWithContext` },
      ]),
    );
  },

  // vault/resource_auth_backend.go: authBackendWrite -> Sys().EnableAuthWithOptionsWithContext (POST sys/auth/<path>),
  // then authBackendUpdate (tune only when `tune`/description change) -> authBackendRead:
  // util/mountutil GetAuthMount -> Sys().GetAuthWithContext (GET sys/mounts/auth/<path>: "so we don't require sudo")
  // and vault/auth_mount.go authMountTuneGet -> Sys().MountConfigWithContext (GET sys/mounts/auth/<path>/tune).
  // Update: auth_mount.go tuneMount -> Sys().TuneMountWithContext (POST sys/mounts/auth/<path>/tune).
  // authBackendDelete -> Sys().DisableAuthWithContext (DELETE sys/auth/<path>).
  // hashicorp/vault vault/logical_system.go PathsSpecial.Root has "auth/*": enable and disable need sudo.
  "vault:index/authBackend:AuthBackend": (r) => {
    const p = segment(r, "path", segment(r, "type"));
    const res = `${r.type} ${r.name}`;
    const reads = (phase: Phase): CallSpec[] => [
      { phase, method: "GET", path: `sys/mounts/auth/${p}`, capability: "read", source: `${TF} vault/resource_auth_backend.go authBackendRead; ${API} sys_auth.go GetAuthWithContext` },
      { phase, method: "GET", path: `sys/mounts/auth/${p}/tune`, capability: "read", source: `${TF} vault/auth_mount.go authMountTuneGet; ${API} sys_mounts.go MountConfigWithContext` },
    ];
    return retained(
      r,
      calls(res, [
        { phase: "create", method: "POST", path: `sys/auth/${p}`, capability: "update", sudo: true, source: `${TF} vault/resource_auth_backend.go authBackendWrite; ${API} sys_auth.go EnableAuthWithOptionsWithContext; hashicorp/vault vault/logical_system.go PathsSpecial.Root "auth/*"` },
        ...reads("create"),
        ...reads("read"),
        { phase: "update", method: "POST", path: `sys/mounts/auth/${p}/tune`, capability: "update", source: `${TF} vault/resource_auth_backend.go authBackendUpdate -> vault/auth_mount.go tuneMount; ${API} sys_mounts.go TuneMountWithContext` },
        ...reads("update"),
        { phase: "delete", method: "DELETE", path: `sys/auth/${p}`, capability: "delete", sudo: true, source: `${TF} vault/resource_auth_backend.go authBackendDelete; ${API} sys_auth.go DisableAuthWithContext; hashicorp/vault vault/logical_system.go PathsSpecial.Root "auth/*"` },
      ]),
    );
  },

  // vault/resource_policy.go: policyWrite (Create and Update) -> Sys().PutPolicy (PUT sys/policies/acl/<name>) -> policyRead
  // -> Sys().GetPolicy (GET sys/policies/acl/<name>); policyDelete -> Sys().DeletePolicy (DELETE ...).
  // hashicorp/vault vault/logical_system_paths.go policyPaths "policies/acl/(?P<name>.+)": no ExistenceCheck,
  // so creating a policy is `update`, never `create`.
  "vault:index/policy:Policy": (r) => {
    const n = segment(r, "name");
    const res = `${r.type} ${r.name}`;
    const p = `sys/policies/acl/${n}`;
    // api sys_policy.go PutPolicyWithContext sends {"policy": <text>} (the name is in the path, which wins over a body `name`).
    const text = plainString(r, "policy");
    const pin = text === undefined ? {} : { body: { policy: text }, params: { allowed: { policy: [text] } } };
    const put = (phase: Phase): CallSpec => ({ phase, method: "PUT", path: p, capability: "update", source: `${TF} vault/resource_policy.go policyWrite; ${API} sys_policy.go PutPolicyWithContext`, ...pin });
    const get = (phase: Phase): CallSpec => ({ phase, method: "GET", path: p, capability: "read", source: `${TF} vault/resource_policy.go policyRead; ${API} sys_policy.go GetPolicyWithContext` });
    return retained(
      r,
      calls(res, [
        put("create"),
        get("create"),
        get("read"),
        put("update"),
        get("update"),
        { phase: "delete", method: "DELETE", path: p, capability: "delete", source: `${TF} vault/resource_policy.go policyDelete; ${API} sys_policy.go DeletePolicyWithContext` },
      ]),
    );
  },

  // vault/resource_kv_secret_backend_v2.go: Create/Update -> Logical().Write(<mount>/config) (PUT; all three of
  // max_versions, cas_required, delete_version_after, unset ones as 0/false), then Read -> Logical().Read (GET);
  // Delete does nothing (no request: the mount keeps its config). ID `<mount>/config`, import passthrough.
  // hashicorp/vault-plugin-secrets-kv path_config.go pathConfig "config$": no ExistenceCheck -> `update`.
  "vault:kv/secretBackendV2:SecretBackendV2": (r) => {
    const p = `${segment(r, "mount")}/config`;
    const res = `${r.type} ${r.name}`;
    const src = `${TF} vault/resource_kv_secret_backend_v2.go`;
    const put = (phase: Phase): CallSpec => ({ phase, method: "PUT", path: p, capability: "update", source: `${src} kvSecretBackendV2CreateUpdate; hashicorp/vault-plugin-secrets-kv path_config.go pathConfigWrite` });
    const get = (phase: Phase): CallSpec => ({ phase, method: "GET", path: p, capability: "read", source: `${src} kvSecretBackendV2Read; hashicorp/vault-plugin-secrets-kv path_config.go pathConfigRead` });
    return retained(r, calls(res, [put("create"), get("create"), get("read"), put("update"), get("update")]));
  },

  // vault/resource_kubernetes_auth_backend_config.go: Create/Update -> Logical().Write(auth/<backend>/config) (PUT),
  // then Read -> Logical().Read (GET); Exists -> Logical().Read; Delete only clears state (no request).
  // hashicorp/vault-plugin-auth-kubernetes path_config.go pathConfig "config$": no ExistenceCheck -> `update`.
  "vault:kubernetes/authBackendConfig:AuthBackendConfig": (r) => {
    const b = segment(r, "backend", "kubernetes");
    const p = `auth/${b}/config`;
    const res = `${r.type} ${r.name}`;
    const get = (phase: Phase, fn: string): CallSpec => ({ phase, method: "GET", path: p, capability: "read", source: `${TF} vault/resource_kubernetes_auth_backend_config.go ${fn}` });
    return calls(res, [
      { phase: "create", method: "PUT", path: p, capability: "update", source: `${TF} vault/resource_kubernetes_auth_backend_config.go kubernetesAuthBackendConfigCreate; hashicorp/vault-plugin-auth-kubernetes path_config.go (no ExistenceCheck)` },
      get("create", "kubernetesAuthBackendConfigRead"),
      get("read", "kubernetesAuthBackendConfigExists, kubernetesAuthBackendConfigRead"),
      { phase: "update", method: "PUT", path: p, capability: "update", source: `${TF} vault/resource_kubernetes_auth_backend_config.go kubernetesAuthBackendConfigUpdate` },
      get("update", "kubernetesAuthBackendConfigRead"),
      // kubernetesAuthBackendConfigDelete: d.SetId("") only; nothing is sent to Vault.
    ]);
  },

  // vault/resource_kubernetes_auth_backend_role.go: Create -> Logical().Write(auth/<backend>/role/<role>) -> Read (GET);
  // Update -> Write -> Read; Delete -> Logical().Delete.
  // hashicorp/vault-plugin-auth-kubernetes path_role.go pathsRole: ExistenceCheck pathRoleExistenceCheck, so the
  // first write is `create` and later ones `update`.
  "vault:kubernetes/authBackendRole:AuthBackendRole": (r) => {
    const p = `auth/${segment(r, "backend", "kubernetes")}/role/${segment(r, "roleName")}`;
    const res = `${r.type} ${r.name}`;
    const src = `${TF} vault/resource_kubernetes_auth_backend_role.go`;
    const get = (phase: Phase): CallSpec => ({ phase, method: "GET", path: p, capability: "read", source: `${src} kubernetesAuthBackendRoleRead` });
    const pin = kubernetesRolePin(r);
    return retained(
      r,
      calls(res, [
        { phase: "create", method: "PUT", path: p, capability: "create", source: `${src} kubernetesAuthBackendRoleCreate; hashicorp/vault-plugin-auth-kubernetes path_role.go pathRoleExistenceCheck`, ...pin },
        get("create"),
        get("read"),
        { phase: "update", method: "PUT", path: p, capability: "update", source: `${src} kubernetesAuthBackendRoleUpdate`, ...pin },
        get("update"),
        { phase: "delete", method: "DELETE", path: p, capability: "delete", source: `${src} kubernetesAuthBackendRoleDelete` },
      ]),
    );
  },

  // vault/resource_token_auth_backend_role.go: Create -> Logical().Write(auth/token/roles/<role>) -> Read; Update ->
  // Write -> Read; Delete -> Logical().Delete. hashicorp/vault vault/token_store.go "roles/<role_name>":
  // ExistenceCheck tokenStoreRoleExistenceCheck -> first write `create`, later `update`.
  "vault:tokenauth/authBackendRole:AuthBackendRole": (r) => {
    const p = `auth/token/roles/${segment(r, "roleName")}`;
    const res = `${r.type} ${r.name}`;
    const src = `${TF} vault/resource_token_auth_backend_role.go`;
    const get = (phase: Phase): CallSpec => ({ phase, method: "GET", path: p, capability: "read", source: `${src} tokenAuthBackendRoleRead` });
    return retained(
      r,
      calls(res, [
        { phase: "create", method: "PUT", path: p, capability: "create", source: `${src} tokenAuthBackendRoleCreate; hashicorp/vault vault/token_store.go tokenStoreRoleExistenceCheck` },
        get("create"),
        get("read"),
        { phase: "update", method: "PUT", path: p, capability: "update", source: `${src} tokenAuthBackendRoleUpdate` },
        get("update"),
        { phase: "delete", method: "DELETE", path: p, capability: "delete", source: `${src} tokenAuthBackendRoleDelete` },
      ]),
    );
  },

  // vault/resource_token.go: tokenCreate -> Auth().Token().CreateWithRole (POST auth/token/create/<role>) or Create
  // (POST auth/token/create) -> tokenRead -> LookupAccessor (POST auth/token/lookup-accessor); a renewal
  // (Renew: PUT auth/token/renew) only when renew_min_lease is set; tokenExists -> LookupAccessor;
  // tokenUpdate does nothing (every input is ForceNew); tokenDelete -> RevokeAccessor (POST auth/token/revoke-accessor).
  // hashicorp/vault vault/token_store.go handleCreateCommon: a non-zero `period` needs sudo on the create path
  // ("root or sudo privileges required to create periodic token"); so does `no_parent` without a role.
  "vault:index/token:Token": (r) => {
    const role = plain(r.inputs.roleName);
    const createPath = role === undefined || role === "" ? "auth/token/create" : `auth/token/create/${segment(r, "roleName")}`;
    const sudo = nonZeroDuration(r.inputs.period) || (createPath === "auth/token/create" && truthy(r.inputs.noParent));
    const res = `${r.type} ${r.name}`;
    const src = `${TF} vault/resource_token.go`;
    const lookup = (phase: Phase, fn: string): CallSpec => ({ phase, method: "POST", path: "auth/token/lookup-accessor", capability: "update", source: `${src} ${fn}; ${API} auth_token.go LookupAccessorWithContext` });
    const renew: CallSpec[] = nonZeroDuration(r.inputs.renewMinLease)
      ? [{ phase: "read", method: "PUT", path: "auth/token/renew", capability: "update", source: `${src} tokenRead (renew_min_lease); ${API} auth_token.go RenewWithContext` }]
      : [];
    return retained(
      r,
      calls(res, [
        {
          phase: "create",
          method: "POST",
          path: createPath,
          capability: "update",
          sudo,
          source: `${src} tokenCreate; ${API} auth_token.go CreateWithRoleWithContext; hashicorp/vault vault/token_store.go handleCreateCommon${sudo ? " (period: sudo)" : ""}`,
        },
        lookup("create", "tokenRead"),
        lookup("read", "tokenExists, tokenRead"),
        ...renew,
        { phase: "delete", method: "POST", path: "auth/token/revoke-accessor", capability: "update", source: `${src} tokenDelete; ${API} auth_token.go RevokeAccessorWithContext` },
      ]),
    );
  },

  // vault/resource_identity_group.go (v5.8.0): identityGroupCreate -> Logical().Write("/identity/group") (PUT), and on an
  // empty response (the name exists: Vault's pathGroupRegister then updates that group and returns nothing) a
  // Logical().Read(identity/group/name/<name>) to name it in the error; identityGroupRead -> internal/identity/group
  // ReadIdentityGroup (GET identity/group/id/<id>); identityGroupUpdate -> Write(identity/group/id/<id>) -> Read;
  // identityGroupDelete -> Delete(identity/group/id/<id>). Import: ImportStatePassthrough -> Read.
  // hashicorp/vault vault/identity_store_groups.go groupPaths: no ExistenceCheck on "group$", "group/id/<id>" or
  // "group/name/<name>", so writes are `update`. The id is Vault's (unknown before create): one segment, `+`.
  "vault:identity/group:Group": (r) => {
    const res = `${r.type} ${r.name}`;
    const src = `${TF} vault/resource_identity_group.go`;
    const byId = "identity/group/id/+";
    const get = (phase: Phase): CallSpec => ({ phase, method: "GET", path: byId, capability: "read", source: `${src} identityGroupRead; ${TF} internal/identity/group/group.go ReadIdentityGroup` });
    return retained(
      r,
      calls(res, [
        { phase: "create", method: "PUT", path: "identity/group", capability: "update", source: `${src} identityGroupCreate; hashicorp/vault vault/identity_store_groups.go pathGroupRegister (no ExistenceCheck)` },
        { phase: "create", method: "GET", path: `identity/group/name/${segment(r, "name")}`, capability: "read", source: `${src} identityGroupCreate (name already in use: reads it for the error)` },
        get("create"),
        get("read"),
        { phase: "update", method: "PUT", path: byId, capability: "update", source: `${src} identityGroupUpdate` },
        get("update"),
        { phase: "delete", method: "DELETE", path: byId, capability: "delete", source: `${src} identityGroupDelete` },
      ]),
    );
  },

  // vault/resource_identity_group_alias.go (v5.8.0): identityGroupAliasCreate -> WriteWithContext("/identity/group-alias")
  // (PUT) -> identityGroupAliasRead (GET identity/group-alias/id/<id>); identityGroupAliasUpdate -> Read then
  // Write(identity/group-alias/id/<id>) -> Read; identityGroupAliasDelete -> Delete(identity/group-alias/id/<id>).
  // hashicorp/vault vault/identity_store_group_aliases.go groupAliasPaths: no ExistenceCheck -> `update`.
  "vault:identity/groupAlias:GroupAlias": (r) => {
    const res = `${r.type} ${r.name}`;
    const src = `${TF} vault/resource_identity_group_alias.go`;
    const byId = "identity/group-alias/id/+";
    const get = (phase: Phase, fn = "identityGroupAliasRead"): CallSpec => ({ phase, method: "GET", path: byId, capability: "read", source: `${src} ${fn}` });
    return retained(
      r,
      calls(res, [
        { phase: "create", method: "PUT", path: "identity/group-alias", capability: "update", source: `${src} identityGroupAliasCreate; hashicorp/vault vault/identity_store_group_aliases.go pathGroupAliasRegister (no ExistenceCheck)` },
        get("create"),
        get("read"),
        get("update", "identityGroupAliasUpdate"),
        { phase: "update", method: "PUT", path: byId, capability: "update", source: `${src} identityGroupAliasUpdate` },
        { phase: "delete", method: "DELETE", path: byId, capability: "delete", source: `${src} identityGroupAliasDelete` },
      ]),
    );
  },

  // vault/resource_audit.go: auditWrite -> Sys().EnableAuditWithOptions (PUT sys/audit/<path>), no read-back;
  // auditRead -> Sys().ListAudit (GET sys/audit); auditDelete -> Sys().DisableAudit (DELETE sys/audit/<path>);
  // no Update (every input is ForceNew). hashicorp/vault vault/logical_system.go PathsSpecial.Root has "audit" and
  // "audit/*": all three need sudo. Reading lists every device (their options), Vault has no narrower endpoint.
  "vault:index/audit:Audit": (r) => {
    const p = `sys/audit/${segment(r, "path", segment(r, "type"))}`;
    const res = `${r.type} ${r.name}`;
    const src = `${TF} vault/resource_audit.go`;
    const root = `hashicorp/vault vault/logical_system.go PathsSpecial.Root`;
    return retained(
      r,
      calls(res, [
        { phase: "create", method: "PUT", path: p, capability: "update", sudo: true, source: `${src} auditWrite; ${API} sys_audit.go EnableAuditWithOptionsWithContext; ${root} "audit/*"` },
        { phase: "read", method: "GET", path: "sys/audit", capability: "read", sudo: true, source: `${src} auditRead; ${API} sys_audit.go ListAuditWithContext; ${root} "audit"` },
        { phase: "delete", method: "DELETE", path: p, capability: "delete", sudo: true, source: `${src} auditDelete; ${API} sys_audit.go DisableAuditWithContext; ${root} "audit/*"` },
      ]),
    );
  },
};

/**
 * The body terraform-provider-vault v5.8.0 sends for a Kubernetes auth role (vault/resource_kubernetes_auth_backend_role.go
 * kubernetesAuthBackendRoleUpdateFields: the bound names and namespaces as lists, the namespace selector always, as ""
 * when unset; audience and alias_name_source when set; vault/auth_token.go updateTokenFields: token_* fields when set)
 * and the constraints that allow it: bound names, namespaces, policies, audience and alias source pinned to these
 * values, the selector to "", lifetimes free. An update sends a subset of these keys (changed ones only), which the
 * same constraints allow. Unknown values (preview of a computed input) leave the write unpinned.
 */
function kubernetesRolePin(r: DeployedResource): { body?: Record<string, BodyValue>; params?: ParameterConstraints } {
  const names = plainStrings(r, "boundServiceAccountNames");
  const namespaces = plainStrings(r, "boundServiceAccountNamespaces");
  const policies = plainStrings(r, "tokenPolicies");
  const audience = plain(r.inputs.audience);
  const alias = plain(r.inputs.aliasNameSource);
  if (!names || !namespaces || !policies || (audience !== undefined && typeof audience !== "string") || (alias !== undefined && typeof alias !== "string")) return {};
  if (plain(r.inputs.boundServiceAccountNamespaceSelector) !== undefined) return {};
  const body: Record<string, BodyValue> = {
    bound_service_account_names: names,
    bound_service_account_namespaces: namespaces,
    bound_service_account_namespace_selector: "",
    ...(audience ? { audience } : {}),
    ...(alias ? { alias_name_source: alias } : {}),
    ...(policies.length ? { token_policies: policies } : {}),
  };
  const ttl = plainNumber(r, "tokenTtl");
  const maxTtl = plainNumber(r, "tokenMaxTtl");
  if (ttl) body.token_ttl = ttl;
  if (maxTtl) body.token_max_ttl = maxTtl;
  const allowed: Record<string, unknown[]> = {
    bound_service_account_names: names,
    bound_service_account_namespaces: namespaces,
    bound_service_account_namespace_selector: [""],
    token_policies: policies,
    ...(audience ? { audience: [audience] } : {}),
    ...(alias ? { alias_name_source: [alias] } : {}),
    ...Object.fromEntries(ROLE_FREE_KEYS.map((k) => [k, []])),
  };
  return { body, params: { allowed, denied: { bound_service_account_namespace_selector: [...SELECTOR_DENIED] } } };
}

/** The Vault resource types the model knows. */
export const KNOWN_VAULT_TYPES: readonly string[] = Object.keys(MODELS);

/**
 * The provider's own calls when it first needs a client (internal/provider/meta.go setClient), on every
 * `up`, `refresh`, `destroy` and `import` that touches a Vault resource:
 * - LookupSelf (GET auth/token/lookup-self; also in Vault's `default` policy, listed so the deployer token
 *   works with `-no-default-policy`);
 * - createChildToken (POST auth/token/create: a 20-minute, non-renewable child that inherits the token's
 *   policies) unless `skipChildToken` (or TERRAFORM_VAULT_SKIP_CHILD_TOKEN);
 * - getVaultVersion -> Sys().SealStatus (GET sys/seal-status, root namespace): unauthenticated, no ACL.
 * With `namespace` set, every request carries X-Vault-Namespace: the paths here are relative to it and the
 * deployer policy must live in that namespace.
 */
export function providerCalls(provider: Pick<DeployedResource, "name" | "inputs">, env: { skipChildToken?: boolean } = {}): VaultCall[] {
  const res = `provider ${provider.name}`;
  const src = `${TF} internal/provider/meta.go`;
  const skip = provider.inputs.skipChildToken !== undefined ? truthy(provider.inputs.skipChildToken) : env.skipChildToken === true;
  return calls(res, [
    { phase: "startup", method: "GET", path: "auth/token/lookup-self", capability: "read", source: `${src} setClient; ${API} auth_token.go LookupSelfWithContext` },
    ...(skip
      ? []
      : [{ phase: "startup", method: "POST", path: "auth/token/create", capability: "update", source: `${src} createChildToken; ${API} auth_token.go CreateWithContext` } as CallSpec]),
    { phase: "startup", method: "GET", path: "sys/seal-status", source: `${src} getVaultVersion; ${API} sys_seal.go SealStatus (unauthenticated)` },
  ]);
}

/** The calls one resource makes; throws on a Vault resource type the model does not know (never silently skipped). */
export function vaultCallsFor(r: DeployedResource): VaultCall[] {
  const model = MODELS[r.type];
  if (model) return model(r);
  if (r.type.startsWith("vault:")) {
    throw new Error(
      `deployer policy: no model of the Vault calls ${r.type} (${r.name}) makes. Read its Create/Read/Update/Delete in hashicorp/terraform-provider-vault and add it to policies/vault/deployer.ts; known: ${KNOWN_VAULT_TYPES.join(", ")}`,
    );
  }
  return [];
}

/** Every call `pulumi up`/`refresh`/`destroy`/`import` makes for these registrations (providers and Vault resources; other types make no Vault calls). */
export function deployerCalls(resources: readonly DeployedResource[]): VaultCall[] {
  const sorted = [...resources].sort((a, b) => (a.type === b.type ? cmp(a.name, b.name) : cmp(a.type, b.type)));
  const providers = sorted.filter((r) => r.type === VAULT_PROVIDER_TYPE);
  return [...providers.flatMap((p) => providerCalls(p)), ...sorted.filter((r) => r.type !== VAULT_PROVIDER_TYPE).flatMap(vaultCallsFor)];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The policy name used when none is given. */
export const DEFAULT_DEPLOYER_POLICY = "vault-eso-deployer";

/**
 * The least-privilege policy for `calls`: one exact rule per path, with the union
 * of the capabilities (and sudo) the calls on that path need, rules sorted by path.
 * Unauthenticated calls need no rule. Throws if the deployer's own policy is one
 * the stack writes (it could then rewrite its own privileges).
 */
export interface DeployerPolicyOptions {
  /**
   * Pin every policy and Kubernetes role write to the body the provider sends
   * (`allowed_parameters` / `denied_parameters`): the token can then write exactly the
   * reviewed policy texts and role bindings, nothing else under those names. Tenant stacks
   * (docs/deployer-policy.md). Refuses (throws) a write it cannot pin (a value unknown at render).
   */
  readonly pinParameters?: boolean;
}

export function deployerPolicy(calls: readonly VaultCall[], name = DEFAULT_DEPLOYER_POLICY, options: DeployerPolicyOptions = {}): VaultPolicy {
  if (calls.some((c) => c.path === `sys/policies/acl/${name}`)) {
    throw new Error(`deployer policy "${name}" is also a policy the stack manages: the deployer could rewrite its own privileges. Name it differently`);
  }
  const pins = options.pinParameters ? pinnedConditions(calls) : new Map<string, PathConditions>();
  const byPath = new Map<string, Set<Capability>>();
  for (const c of calls) {
    if (!c.capability) continue;
    const caps = byPath.get(c.path) ?? new Set<Capability>();
    caps.add(c.capability);
    if (c.sudo) caps.add("sudo");
    byPath.set(c.path, caps);
  }
  const rules: PathRule[] = [...byPath.keys()].sort(cmp).map((path) => ({
    path,
    capabilities: CAPABILITIES.filter((c) => byPath.get(path)!.has(c)),
    ...(pins.has(path) ? { conditions: pins.get(path)! } : {}),
  }));
  return { name, rules };
}

/** Writes (create/update) that carry a body: the provider's own token calls (child token, lookups) are left as Vault limits them. */
const PINNABLE = /^(sys\/policies\/acl\/|auth\/[^+*]+\/role\/)/;

/** Per path, the union of the pinned writes' constraints; throws on a policy or role write that cannot be pinned. */
function pinnedConditions(calls: readonly VaultCall[]): Map<string, PathConditions> {
  const out = new Map<string, PathConditions>();
  for (const c of calls) {
    if (c.capability !== "create" && c.capability !== "update") continue;
    if (!PINNABLE.test(c.path) || c.path.startsWith("auth/token/")) continue;
    if (!c.params?.allowed) {
      throw new Error(`deployer policy: ${c.resource} writes ${c.path} with values unknown at render time, so its body cannot be pinned (allowed_parameters). Render with the values known (after the platform's pulumi up)`);
    }
    const prev = out.get(c.path);
    const merge = (a: Readonly<Record<string, readonly unknown[]>> | undefined, b: Readonly<Record<string, readonly unknown[]>> | undefined) => {
      if (!a) return b;
      if (!b) return a;
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      return Object.fromEntries([...keys].map((k) => [k, a[k]?.length === 0 || b[k]?.length === 0 ? [] : [...new Set([...(a[k] ?? []), ...(b[k] ?? [])])]]));
    };
    out.set(c.path, { allowedParameters: merge(prev?.allowedParameters, c.params.allowed), deniedParameters: merge(prev?.deniedParameters, c.params.denied) });
  }
  return out;
}

/** Paths of the policy that are not exact (a segment was unknown at render time), for review. */
export function wildcardRules(policy: VaultPolicy): PathRule[] {
  return policy.rules.filter((r) => r.path.includes("+") || r.path.endsWith("*"));
}

/** Leading comment of the rendered deployer policy (it is written by an operator, not by `pulumi up`). */
export const DEPLOYER_HCL_HEADER = [
  "Rendered by vault-eso (npm run render): the Vault privileges `pulumi up`, `refresh`, `destroy` and `import` need for this stack.",
  "Write it with an admin token: vault policy write <name> deployer-policy.hcl (docs/deployer-policy.md). Re-render after config changes.",
].join("\n");

/** The deployer policy of a stack's registrations, its HCL (through `renderPolicyHcl`, the only HCL writer) and the calls it allows. */
export function buildDeployerPolicy(resources: readonly DeployedResource[], name = DEFAULT_DEPLOYER_POLICY, options: DeployerPolicyOptions = {}): { policy: VaultPolicy; hcl: string; calls: VaultCall[] } {
  const calls = deployerCalls(resources);
  const policy = deployerPolicy(calls, name, options);
  return { policy, hcl: renderPolicyHcl(policy, DEPLOYER_HCL_HEADER), calls };
}
