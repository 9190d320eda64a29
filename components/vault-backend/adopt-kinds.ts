/**
 * The Kubernetes kinds the program registers, as adoption sees them: the
 * `kind` a `kubectl get -o yaml` dump prints, the Pulumi type token the
 * program registers for it, and the import ID pulumi-kubernetes parses.
 * Pure (no Pulumi runtime), shared by the config schema, the adoption
 * transformation and `npm run adopt`.
 *
 * Import IDs (pulumi/pulumi-kubernetes, snapshot 94977969d, read Dec 2026):
 * `provider/pkg/provider/util.go` `parseFqName` splits the ID on `/`: one part
 * is a cluster-scoped name, two are `<namespace>/<name>`; `provider.go` `Read`
 * takes the group/version/kind from the URN's type (`gvkFromURN`) when there
 * are no old inputs (an import) and reads the object from the cluster.
 * `helm_release.go` `Read` parses a Release's ID the same way
 * (`<namespace>/<name>`) and loads the release from Helm's storage.
 */

/** Kinds an `adopt.kubernetes.objects` entry may name (`HelmRelease`: a Helm v3 release). */
export const ADOPTABLE_KINDS = [
  "Namespace",
  "ServiceAccount",
  "Secret",
  "ConfigMap",
  "Role",
  "RoleBinding",
  "ClusterRole",
  "ClusterRoleBinding",
  "CronJob",
  "ClusterSecretStore",
  "SecretStore",
  "ExternalSecret",
  "PushSecret",
  "HelmRelease",
] as const;
export type AdoptableKind = (typeof ADOPTABLE_KINDS)[number];

export const CLUSTER_SCOPED_KINDS = ["Namespace", "ClusterRole", "ClusterRoleBinding", "ClusterSecretStore"] as const satisfies readonly AdoptableKind[];

/** The Pulumi type token of a Helm v3 release (`k8s.helm.v3.Release`). */
export const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/** API groups the program registers each kind under (the type token is `kubernetes:<group>/<version>:<Kind>`, core as `core`). */
const GROUPS: Record<Exclude<AdoptableKind, "HelmRelease">, string> = {
  Namespace: "core",
  ServiceAccount: "core",
  Secret: "core",
  ConfigMap: "core",
  Role: "rbac.authorization.k8s.io",
  RoleBinding: "rbac.authorization.k8s.io",
  ClusterRole: "rbac.authorization.k8s.io",
  ClusterRoleBinding: "rbac.authorization.k8s.io",
  CronJob: "batch",
  ClusterSecretStore: "external-secrets.io",
  SecretStore: "external-secrets.io",
  ExternalSecret: "external-secrets.io",
  PushSecret: "external-secrets.io",
};

export function isClusterScoped(kind: string): boolean {
  return (CLUSTER_SCOPED_KINDS as readonly string[]).includes(kind);
}

/** The adoptable kind a Pulumi type token registers, if any (any version of the kind's group). */
export function kindOfType(type: string): AdoptableKind | undefined {
  if (type === HELM_RELEASE_TYPE) return "HelmRelease";
  const m = /^kubernetes:([^/]+)\/[^:]+:([A-Za-z]+)$/.exec(type);
  if (!m) return undefined;
  const kind = m[2] as AdoptableKind;
  return kind in GROUPS && GROUPS[kind as keyof typeof GROUPS] === m[1] ? kind : undefined;
}

/** The adoptable kind of a dumped object (`apiVersion` + `kind`), if any. */
export function kindOfObject(apiVersion: string, kind: string): AdoptableKind | undefined {
  if (!(kind in GROUPS)) return undefined;
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "core";
  return GROUPS[kind as keyof typeof GROUPS] === group ? (kind as AdoptableKind) : undefined;
}

/** pulumi-kubernetes' import ID: `<namespace>/<name>`, or `<name>` for a cluster-scoped object. */
export function kubernetesImportId(o: { readonly namespace?: string; readonly name: string }): string {
  return o.namespace ? `${o.namespace}/${o.name}` : o.name;
}
