/**
 * Which input changes make a provider replace an object (delete + create), what names the
 * object on the provider's side, and which objects hold state a replacement loses. Pure.
 *
 * Vault, @pulumi/vault 7.8.0 bridging hashicorp/terraform-provider-vault v5.8.0 (the version
 * policies/vault/deployer.ts models): the `ForceNew: true` fields of each resource's schema, read
 * at tag v5.8.0 (inputs in Pulumi's camelCase):
 *   vault/resource_mount.go getMountSchema      type, local, seal_wrap, external_entropy_access
 *     (`path` is not ForceNew: a path change is a remount, in place, on Vault >= 1.10 unless
 *     `disable_remount`; getMountCustomizeDiffFunc forces new only then)
 *   vault/resource_auth_backend.go              type, local (path: remount, as above)
 *   vault/resource_namespace.go                 path
 *   vault/resource_policy.go                    name
 *   vault/resource_audit.go                     path, type, description, local, options
 *   vault/resource_token.go                     role_name, policies, no_parent, no_default_policy, renewable,
 *                                               ttl, explicit_max_ttl, period, display_name, num_uses, metadata
 *   vault/resource_identity_group.go            type
 *   vault/resource_identity_group_alias.go      (none)
 *   vault/resource_kubernetes_auth_backend_config.go  backend
 *   vault/resource_kubernetes_auth_backend_role.go    backend, role_name
 *   vault/resource_kv_secret_backend_v2.go      mount
 *   vault/resource_token_auth_backend_role.go   role_name
 * Kubernetes, pulumi/pulumi-kubernetes provider/pkg/provider/diff.go forceNewProperties: every
 * kind's `.metadata.name` and `.metadata.namespace`, plus ConfigMap `.data`, `.binaryData`;
 * Secret `.type`, `.data`, `.stringData`; RoleBinding/ClusterRoleBinding `.roleRef`; batch Job
 * `.spec.completions`, `.spec.parallelism`, `.spec.selector`, `.spec.template` (the kinds this
 * program creates; others only by name and namespace). A Helm release is named by its name and
 * namespace.
 *
 * Stateful (a replacement or delete loses data or breaks every consumer): KV and auth mounts (the
 * secrets; every role and accessor), Vault namespaces, Kubernetes namespaces (everything in them),
 * ESO stores (every ExternalSecret that names them stops syncing) and Helm releases (the ESO chart
 * installs its CRDs: uninstalling deletes every ExternalSecret).
 */

export interface TypeRule {
  /** Inputs (dotted paths) whose change makes the provider replace the object. */
  readonly forceNew: readonly string[];
  /** Inputs that name the object on the provider's side. */
  readonly identity: readonly string[];
  readonly stateful: boolean;
}

const K8S_META = ["metadata.name", "metadata.namespace"];

const VAULT: Readonly<Record<string, TypeRule>> = {
  "vault:index/mount:Mount": { forceNew: ["type", "local", "sealWrap", "externalEntropyAccess"], identity: ["path"], stateful: true },
  "vault:index/authBackend:AuthBackend": { forceNew: ["type", "local"], identity: ["path", "type"], stateful: true },
  "vault:index/namespace:Namespace": { forceNew: ["path"], identity: ["path"], stateful: true },
  "vault:index/policy:Policy": { forceNew: ["name"], identity: ["name"], stateful: false },
  "vault:index/audit:Audit": { forceNew: ["path", "type", "description", "local", "options"], identity: ["path", "type"], stateful: false },
  "vault:index/token:Token": {
    forceNew: ["roleName", "policies", "noParent", "noDefaultPolicy", "renewable", "ttl", "explicitMaxTtl", "period", "displayName", "numUses", "metadata"],
    identity: ["roleName", "displayName"],
    stateful: false,
  },
  "vault:identity/group:Group": { forceNew: ["type"], identity: ["name"], stateful: false },
  "vault:identity/groupAlias:GroupAlias": { forceNew: [], identity: ["name", "mountAccessor"], stateful: false },
  "vault:kubernetes/authBackendConfig:AuthBackendConfig": { forceNew: ["backend"], identity: ["backend"], stateful: false },
  "vault:kubernetes/authBackendRole:AuthBackendRole": { forceNew: ["backend", "roleName"], identity: ["backend", "roleName"], stateful: false },
  "vault:kv/secretBackendV2:SecretBackendV2": { forceNew: ["mount"], identity: ["mount"], stateful: false },
  "vault:tokenauth/authBackendRole:AuthBackendRole": { forceNew: ["roleName"], identity: ["roleName"], stateful: false },
};

const K8S_KIND_FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  ConfigMap: ["data", "binaryData"],
  Secret: ["type", "data", "stringData"],
  RoleBinding: ["roleRef"],
  ClusterRoleBinding: ["roleRef"],
  Job: ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
};
const K8S_STATEFUL_KINDS = new Set(["Namespace", "SecretStore", "ClusterSecretStore"]);

/** The rule for a resource, or undefined for components and types no rule covers (compared by URN only). */
export function ruleFor(type: string, inputs: Record<string, unknown>): TypeRule | undefined {
  if (VAULT[type]) return VAULT[type];
  if (type.startsWith("kubernetes:helm.sh/")) return { forceNew: ["name", "namespace"], identity: ["name", "namespace"], stateful: true };
  if (type.startsWith("kubernetes:") && typeof inputs.kind === "string") {
    const kind = inputs.kind;
    return { forceNew: [...K8S_META, ...(K8S_KIND_FORCE_NEW[kind] ?? [])], identity: ["kind", ...K8S_META], stateful: K8S_STATEFUL_KINDS.has(kind) };
  }
  return undefined;
}

/** The value at a dotted path. */
export function at(v: unknown, dotted: string): unknown {
  let cur = v;
  for (const k of dotted.split(".")) {
    if (!cur || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
