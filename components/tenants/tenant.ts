/**
 * Pure builders for what a tenant gets in Kubernetes: namespace, service
 * account, SecretStore spec, developer RoleBinding and ExternalSecrets.
 * Typed against the published ESO models; no Pulumi resources.
 */
import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret" with { "resolution-mode": "import" };
import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore" with { "resolution-mode": "import" };
import { ESO_API, vaultProviderSpec, VaultCaTrust } from "../eso/eso";
import { MANAGED_BY_LABELS } from "../config/options";
import type { ExternalSecretConfig } from "./tenancy-config";
import { InputError } from "../config/errors";

export type SecretStoreSpec = NonNullable<ISecretStore["spec"]>;
export type ExternalSecretManifest = IExternalSecret & { metadata: { name: string; namespace: string; labels: Record<string, string> } };

/** Label carrying the tenant name on every tenant object. */
export const TENANT_LABEL = "vault-eso.io/tenant";

/** Vault role and per-tenant policy name of tenant `name`. */
export function tenantVaultName(name: string): string {
  return `tenant-${name}`;
}

export function tenantLabels(name: string, owner?: string): Record<string, string> {
  return { ...MANAGED_BY_LABELS, [TENANT_LABEL]: name, ...(owner ? { "vault-eso.io/owner": owner } : {}) };
}

export interface TenantStoreArgs {
  readonly server: string;
  readonly kvPath: string;
  readonly authPath: string;
  readonly role: string;
  readonly serviceAccountName: string;
  /** Audiences of the token ESO requests (`storeTokenAudiences`: the role's, plus the API server's with clientJwt review). */
  readonly audiences: readonly string[];
  /** CA trust; a `provider` CA must live in the tenant's namespace (no namespace on a SecretStore). */
  readonly ca?: VaultCaTrust;
  readonly vaultNamespace?: string;
  /** The KV mount requires check-and-set: the store sends CAS on PushSecret writes. Default false. */
  readonly checkAndSetRequired?: boolean;
}

/** The tenant's SecretStore: logs in as the tenant's own service account, so Vault enforces the boundary. */
export function tenantSecretStoreSpec(a: TenantStoreArgs): SecretStoreSpec {
  if (a.ca?.kind === "provider" && a.ca.namespace !== undefined) {
    throw new InputError("a namespaced SecretStore cannot reference a CA in another namespace: drop caProvider.namespace");
  }
  return {
    provider: vaultProviderSpec({
      server: a.server,
      mountPath: a.kvPath,
      namespace: a.vaultNamespace,
      ca: a.ca,
      checkAndSetRequired: a.checkAndSetRequired,
      // No namespace on the service account: a SecretStore may only use its own namespace's accounts.
      auth: { kind: "kubernetes", mountPath: a.authPath, role: a.role, serviceAccount: { name: a.serviceAccountName }, audiences: [...a.audiences] },
    }),
  };
}

export interface ExternalSecretContext {
  readonly namespace: string;
  /** The tenant's subtree of the KV mount: every key is resolved below it. */
  readonly subtree: string;
  readonly storeRef: { readonly name: string; readonly kind: "SecretStore" | "ClusterSecretStore" };
  readonly labels: Record<string, string>;
}

/**
 * An ExternalSecret from config. Keys in config are relative to the tenant's
 * subtree (validated to contain no `..`, wildcards or leading `/`), so a
 * tenant cannot name another tenant's path; `find` without a path searches
 * the tenant's subtree only.
 */
export function externalSecretManifest(es: ExternalSecretConfig, c: ExternalSecretContext): ExternalSecretManifest {
  const under = (key: string) => `${c.subtree}/${key}`;
  const spec: NonNullable<IExternalSecret["spec"]> = {
    refreshInterval: es.refreshInterval,
    secretStoreRef: { name: c.storeRef.name, kind: c.storeRef.kind },
    target: {
      name: es.targetName ?? es.name,
      creationPolicy: "Owner",
      ...(es.deletionPolicy ? { deletionPolicy: es.deletionPolicy } : {}),
      ...(es.template ? { template: { engineVersion: "v2", ...es.template } } : {}),
    },
  };
  if (es.refreshPolicy) spec.refreshPolicy = es.refreshPolicy;
  if (es.data?.length) {
    spec.data = es.data.map((d) => ({ secretKey: d.secretKey, remoteRef: { ...d.remoteRef, key: under(d.remoteRef.key) } }));
  }
  if (es.dataFrom?.length) {
    spec.dataFrom = es.dataFrom.map((d) =>
      "extract" in d
        ? { extract: { ...d.extract, key: under(d.extract.key) } }
        : { find: { ...d.find, path: d.find.path ? under(d.find.path) : c.subtree } },
    );
  }
  return {
    apiVersion: ESO_API.externalSecret,
    kind: "ExternalSecret",
    metadata: { name: es.name, namespace: c.namespace, labels: c.labels },
    spec,
  };
}

/** RoleBinding subjects for the tenant's developers. */
export function developerSubjects(developers: { readonly users: readonly string[]; readonly groups: readonly string[] }) {
  return [
    ...developers.users.map((name) => ({ kind: "User", name, apiGroup: "rbac.authorization.k8s.io" })),
    ...developers.groups.map((name) => ({ kind: "Group", name, apiGroup: "rbac.authorization.k8s.io" })),
  ];
}
