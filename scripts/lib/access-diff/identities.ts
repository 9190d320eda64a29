/**
 * Who can do what, read from one stack's registrations (or its render, see
 * render-tree.ts): every identity the stack creates or grants to, with the
 * Vault policies it gets and the Kubernetes RBAC rules bound to it. Pure.
 *
 * Identities, generically by what the resources carry (not by component):
 * - Vault: every auth backend role with `tokenPolicies` (Kubernetes auth roles: each tenant's,
 *   ESO's, Prometheus'; JWT/OIDC roles), token roles (`allowedPolicies`: the renewer's),
 *   identity groups and entities (`policies`: writers' groups), tokens (`policies`), and the
 *   deployer (the least-privilege policy `npm run render` writes, policies/vault/deployer.ts).
 *   A Kubernetes role is evaluated once per bound namespace, so identity templates resolve as
 *   Vault resolves them for a login from there.
 * - Kubernetes: every subject of a RoleBinding/ClusterRoleBinding (namespace developers,
 *   service accounts), with the rules of the Role/ClusterRole it references when this stack
 *   renders it, else the reference itself (`system:auth-delegator`).
 */
import { parsePolicy } from "../../../policies/vault/hcl";
import { buildDeployerPolicy, DeployedResource } from "../../../policies/vault/deployer";
import { namespaceIdentity } from "../../../policies/guard/rules/vault";
import type { VaultPolicy } from "../../../policies/vault/model";
import type { IdentityContext } from "../../../policies/vault/acl";
import type { PolicyRule } from "../../../policies/k8s/rbac";

/**
 * A registration as the access model reads it (`Captured`, the test mocks' `Registered` and a render's files
 * fit): the deployer model's own view, so `retainOnDelete` reaches the deployer's policy as in `npm run render`.
 */
export type AccessResource = DeployedResource;

/** The pseudo type under which the deployer's policy is handed in (render: vault/deployer-policy.hcl). */
export const DEPLOYER_POLICY_TYPE = "vault-eso:render:DeployerPolicy";
export const POLICY_TYPE = "vault:index/policy:Policy";
/** The label Kubernetes namespaces of tenants carry (components/tenants). */
export const TENANT_LABEL = "vault-eso.io/tenant";

export interface VaultIdentity {
  /** Stable across Pulumi renames: built from Vault-side names only. */
  readonly key: string;
  readonly policies: readonly string[];
  /** One per bound namespace of a Kubernetes role (templates resolve per login); `[{}]` otherwise. */
  readonly contexts: readonly IdentityContext[];
  /** Namespaces a Kubernetes role is bound to (empty for other identities). */
  readonly namespaces: readonly string[];
}

export interface K8sBinding {
  /** `namespace` for a RoleBinding, undefined (cluster-wide) for a ClusterRoleBinding. */
  readonly namespace?: string;
  /** The referenced role's rules when this stack has them; otherwise undefined and `roleRef` names it. */
  readonly rules?: readonly PolicyRule[];
  readonly roleRef: string;
}

export interface K8sIdentity {
  /** `Group team-b-devs`, `User alice`, `ServiceAccount team-a/vault-secrets`. */
  readonly key: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly bindings: readonly K8sBinding[];
}

export interface AccessModel {
  readonly policies: ReadonlyMap<string, VaultPolicy>;
  readonly vault: ReadonlyMap<string, VaultIdentity>;
  readonly k8s: ReadonlyMap<string, K8sIdentity>;
  /** Tenants: namespaces labelled `vault-eso.io/tenant`. */
  readonly tenants: readonly string[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const record = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** `vault:kubernetes/authBackendRole:AuthBackendRole` -> `kubernetes`. */
const moduleOf = (type: string) => /^vault:([^/]+)\//.exec(type)?.[1] ?? "index";

/**
 * The Vault-side identity a resource creates, or undefined. The key uses Vault names only
 * (role name and mount, group name), so renaming the Pulumi resource changes nothing.
 */
function vaultIdentity(r: AccessResource, deployerPolicies: ReadonlyMap<string, string>): Omit<VaultIdentity, "contexts"> | undefined {
  const i = r.inputs;
  if (r.type === DEPLOYER_POLICY_TYPE) return { key: "vault deployer (pulumi up)", policies: [deployerPolicies.get(r.name) ?? r.name], namespaces: [] };
  if (!r.type.startsWith("vault:")) return undefined;
  const mod = moduleOf(r.type);
  if (r.type === "vault:tokenauth/authBackendRole:AuthBackendRole") {
    return { key: `vault token role auth/token/roles/${str(i.roleName) ?? r.name}`, policies: strings(i.allowedPolicies), namespaces: [] };
  }
  if (/authBackendRole:AuthBackendRole$/.test(r.type) && Array.isArray(i.tokenPolicies)) {
    const mount = str(i.backend) ?? mod;
    return { key: `vault role auth/${mount}/role/${str(i.roleName) ?? str(i.role) ?? r.name}`, policies: strings(i.tokenPolicies), namespaces: strings(i.boundServiceAccountNamespaces) };
  }
  if (r.type === "vault:identity/group:Group") return { key: `vault group ${str(i.name) ?? r.name}`, policies: strings(i.policies), namespaces: [] };
  if (r.type === "vault:identity/entity:Entity") return { key: `vault entity ${str(i.name) ?? r.name}`, policies: strings(i.policies), namespaces: [] };
  if (r.type === "vault:index/token:Token") return { key: `vault token ${str(i.displayName) ?? r.name}`, policies: strings(i.policies), namespaces: [] };
  if (Array.isArray(i.tokenPolicies)) return { key: `vault ${mod} ${str(i.roleName) ?? str(i.name) ?? r.name}`, policies: strings(i.tokenPolicies), namespaces: [] };
  return undefined;
}

const K8S_KIND = (r: AccessResource) => (r.type.startsWith("kubernetes:") ? str(r.inputs.kind) : undefined);

/** Builds the access model of one stack. Throws when a policy's text does not parse (naming it). */
export function accessModel(resources: readonly AccessResource[]): AccessModel {
  const policies = new Map<string, VaultPolicy>();
  const deployerPolicies = new Map<string, string>();
  for (const r of resources) {
    if (r.type !== POLICY_TYPE && r.type !== DEPLOYER_POLICY_TYPE) continue;
    const name = str(r.inputs.name) ?? r.name;
    const text = r.inputs.policy;
    if (typeof text !== "string") continue; // unknown or redacted: the policy counts as not written here
    try {
      policies.set(name, parsePolicy(name, text));
    } catch (e) {
      throw new Error(`policy ${name} does not parse: ${(e as Error).message}`);
    }
    if (r.type === DEPLOYER_POLICY_TYPE) deployerPolicies.set(r.name, name);
  }

  const vault = new Map<string, VaultIdentity>();
  for (const r of resources) {
    const id = vaultIdentity(r, deployerPolicies);
    if (!id) continue;
    const attached = id.policies.map((p) => policies.get(p)).filter((p): p is VaultPolicy => !!p);
    const accounts = strings(r.inputs.boundServiceAccountNames);
    const contexts = id.namespaces.length ? id.namespaces.map((ns) => namespaceIdentity(attached, ns, accounts[0] ?? "default")) : [{}];
    const prior = vault.get(id.key);
    vault.set(id.key, prior ? { ...prior, policies: [...prior.policies, ...id.policies], namespaces: [...prior.namespaces, ...id.namespaces], contexts: [...prior.contexts, ...contexts] } : { ...id, contexts });
  }

  const roles = new Map<string, PolicyRule[]>();
  for (const r of resources) {
    const kind = K8S_KIND(r);
    if (kind !== "Role" && kind !== "ClusterRole") continue;
    const md = record(r.inputs.metadata);
    const key = kind === "Role" ? `Role ${str(md.namespace) ?? "default"}/${str(md.name) ?? r.name}` : `ClusterRole ${str(md.name) ?? r.name}`;
    roles.set(key, (Array.isArray(r.inputs.rules) ? r.inputs.rules : []).map((x) => {
      const rule = record(x);
      return { apiGroups: strings(rule.apiGroups), resources: strings(rule.resources), verbs: strings(rule.verbs), resourceNames: strings(rule.resourceNames) };
    }));
  }
  const k8s = new Map<string, K8sIdentity>();
  const tenants = new Set<string>();
  for (const r of resources) {
    const kind = K8S_KIND(r);
    const md = record(r.inputs.metadata);
    if (kind === "Namespace" && str(record(md.labels)[TENANT_LABEL])) tenants.add(str(md.name) ?? r.name);
    if (kind !== "RoleBinding" && kind !== "ClusterRoleBinding") continue;
    const namespace = kind === "RoleBinding" ? (str(md.namespace) ?? "default") : undefined;
    const ref = record(r.inputs.roleRef);
    const refKey = str(ref.kind) === "Role" ? `Role ${namespace}/${str(ref.name)}` : `ClusterRole ${str(ref.name)}`;
    const binding: K8sBinding = { namespace, rules: roles.get(refKey), roleRef: refKey };
    for (const s of Array.isArray(r.inputs.subjects) ? r.inputs.subjects : []) {
      const subject = record(s);
      const sKind = str(subject.kind) ?? "User";
      const sName = str(subject.name) ?? "";
      const sNs = sKind === "ServiceAccount" ? (str(subject.namespace) ?? namespace) : undefined;
      const key = `${sKind} ${sNs ? `${sNs}/` : ""}${sName}`;
      const prior = k8s.get(key);
      k8s.set(key, { key, kind: sKind, name: sName, namespace: sNs, bindings: [...(prior?.bindings ?? []), binding] });
    }
  }
  return { policies, vault, k8s, tenants: [...tenants].sort() };
}

/**
 * `resources` plus the deployer's policy as `npm run render` writes it (policies/vault/deployer.ts
 * buildDeployerPolicy over the same registrations), unless one is there already (a render tree).
 */
export function withDeployerPolicy(resources: readonly AccessResource[]): AccessResource[] {
  if (resources.some((r) => r.type === DEPLOYER_POLICY_TYPE)) return [...resources];
  const { policy, hcl } = buildDeployerPolicy(resources);
  return [...resources, { type: DEPLOYER_POLICY_TYPE, name: "deployer-policy", inputs: { name: policy.name, policy: hcl } }];
}
