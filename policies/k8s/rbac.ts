/**
 * Kubernetes RBAC for tenant developers, and a small evaluator for RBAC
 * rules. Pure: no Pulumi resources.
 */

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** Verbs that change objects. */
export const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"] as const;

/** ESO kinds a tenant developer must never create or change: they decide what Vault is asked for. */
export const ESO_PROTECTED_RESOURCES: ReadonlyArray<{ group: string; resource: string }> = [
  { group: "external-secrets.io", resource: "externalsecrets" },
  { group: "external-secrets.io", resource: "secretstores" },
  { group: "external-secrets.io", resource: "clustersecretstores" },
  { group: "external-secrets.io", resource: "clusterexternalsecrets" },
  { group: "external-secrets.io", resource: "pushsecrets" },
  { group: "external-secrets.io", resource: "clusterpushsecrets" },
  { group: "generators.external-secrets.io", resource: "*" },
];

const WORKLOAD_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];
const READ_VERBS = ["get", "list", "watch"];

/**
 * The shared `namespace-developer` ClusterRole (seed 000), bound per tenant
 * with a RoleBinding: read the Secrets ESO syncs, manage workloads, read (not
 * write) ExternalSecrets to see their sync status. No wildcards.
 */
export const NAMESPACE_DEVELOPER_RULES: readonly PolicyRule[] = [
  { apiGroups: [""], resources: ["secrets"], verbs: READ_VERBS },
  { apiGroups: [""], resources: ["pods", "services", "configmaps"], verbs: WORKLOAD_VERBS },
  { apiGroups: [""], resources: ["pods/log", "events"], verbs: READ_VERBS },
  { apiGroups: ["apps"], resources: ["deployments", "replicasets", "statefulsets"], verbs: WORKLOAD_VERBS },
  { apiGroups: ["external-secrets.io"], resources: ["externalsecrets", "secretstores", "pushsecrets"], verbs: READ_VERBS },
];

function matches(list: readonly string[], value: string): boolean {
  return list.includes("*") || list.includes(value);
}

/** Whether any rule grants `verb` on `group`/`resource` (subresources as `pods/log`), as the RBAC authorizer decides it. */
export function rbacAllows(rules: readonly PolicyRule[], verb: string, group: string, resource: string, name?: string): boolean {
  return rules.some(
    (r) =>
      matches(r.verbs, verb) &&
      matches(r.apiGroups, group) &&
      matches(r.resources, resource) &&
      (!r.resourceNames || r.resourceNames.length === 0 || (name !== undefined && r.resourceNames.includes(name))),
  );
}

/** Every (verb, group, resource) write the rules grant on ESO's kinds; empty means none. */
export function esoWritesGranted(rules: readonly PolicyRule[]): string[] {
  const out: string[] = [];
  for (const { group, resource } of ESO_PROTECTED_RESOURCES) {
    for (const verb of [...WRITE_VERBS, "*"]) {
      // A rule on "*" resources of the group matches every kind, including ones listed here by name.
      if (rbacAllows(rules, verb, group, resource) || (resource === "*" && rules.some((r) => matches(r.verbs, verb) && matches(r.apiGroups, group)))) {
        out.push(`${verb} ${group}/${resource}`);
      }
    }
  }
  return out;
}

/**
 * A ClusterRoleBinding of `system:auth-delegator` for one service account:
 * what lets Vault (or the account itself, in client-JWT review) call
 * TokenReview. Every binding of that role in the project is built here.
 */
export function authDelegatorBinding<S>(
  name: string,
  subject: { readonly name: S; readonly namespace: S },
  labels: Readonly<Record<string, string>>,
) {
  return {
    metadata: { name, labels: { ...labels } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
    subjects: [{ kind: "ServiceAccount", name: subject.name, namespace: subject.namespace }],
  };
}
