/**
 * Pure builders for what the ESO components emit: the Helm values and the
 * `spec` of Vault-backed stores. No Pulumi resources, so they are tested and
 * schema-validated directly.
 */
import type { IClusterSecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore" with { "resolution-mode": "import" };
import type { IVaultProvider } from "@kubernetes-models/external-secrets/external-secrets.io/v1/VaultProvider" with { "resolution-mode": "import" };
import type { ResourceRequirements } from "../config/config";
import { InputError } from "../config/errors";
import type * as pulumi from "@pulumi/pulumi";

/**
 * The published ESO types (`@kubernetes-models/external-secrets`) type the
 * builders below, so a misspelt or unknown field is a compile error; the
 * tests validate the same objects against the published JSON schemas.
 */
export type ClusterSecretStoreSpec = NonNullable<IClusterSecretStore["spec"]>;

/** ESO's Helm chart, pinned in one place. Bump deliberately: read the chart's upgrade notes first. */
export const ESO_CHART = {
  name: "external-secrets",
  repo: "https://charts.external-secrets.io",
  version: "2.9.0",
} as const;

/** API versions ESO 2.x serves. `v1beta1` has not been served since ESO 0.17. */
export const ESO_API = {
  stores: "external-secrets.io/v1",
  externalSecret: "external-secrets.io/v1",
  pushSecret: "external-secrets.io/v1alpha1",
} as const;

export interface EsoValuesArgs {
  readonly serviceAccountName: string;
  readonly replicas: number;
  readonly leaderElect: boolean;
  readonly resources: ResourceRequirements;
  /** Bind ESO's service account to `system:auth-delegator` (Vault reviews with the client's own JWT). */
  readonly systemAuthDelegator: boolean;
  readonly concurrent?: number;
}

/**
 * Values a production operator sets on the chart. The chart's own hardened
 * `securityContext` (non-root, read-only root FS, all capabilities dropped,
 * seccomp RuntimeDefault) is deliberately not overridden.
 */
export function esoChartValues(a: EsoValuesArgs): Record<string, unknown> {
  const ha = a.replicas > 1;
  const values: Record<string, unknown> = {
    installCRDs: true,
    replicaCount: a.replicas,
    leaderElect: a.leaderElect,
    serviceAccount: { create: true, name: a.serviceAccountName },
    systemAuthDelegator: a.systemAuthDelegator,
    // Without the cache ESO logs in to Vault on every reconcile.
    vault: { enableTokenCache: true },
    resources: a.resources,
    metrics: { service: { enabled: true } },
    podDisruptionBudget: { enabled: ha, minAvailable: 1 },
    webhook: {
      replicaCount: ha ? 2 : 1,
      // Stores are rejected while the webhook is down instead of slipping through unvalidated.
      failurePolicy: "Fail",
      resources: a.resources,
      metrics: { service: { enabled: true } },
      podDisruptionBudget: { enabled: ha, minAvailable: 1 },
    },
    certController: {
      resources: a.resources,
      metrics: { service: { enabled: true } },
    },
  };
  if (a.concurrent !== undefined) values.concurrent = a.concurrent;
  return values;
}

/** Deep merge of Helm values: objects merge key by key, anything else in `extra` replaces. */
export function mergeValues(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] = isObj(b) && isObj(v) ? mergeValues(b, v) : v;
  }
  return out;
}

export type VaultStoreAuth =
  | {
      readonly kind: "kubernetes";
      readonly mountPath: string;
      readonly role: string;
      /** The service account ESO requests a token for; `namespace` only on ClusterSecretStores. */
      readonly serviceAccount: { readonly name: string; readonly namespace?: string };
      readonly audiences: readonly string[];
    }
  | {
      readonly kind: "token";
      readonly secretRef: { readonly name: string; readonly key: string; readonly namespace?: string };
    };

export type VaultCaTrust =
  | { readonly kind: "bundle"; readonly pem: string }
  | {
      readonly kind: "provider";
      readonly type: "Secret" | "ConfigMap";
      readonly name: string;
      readonly key: string;
      /** Only on ClusterSecretStores. */
      readonly namespace?: string;
    };

/** How a store trusts Vault's certificate. */
export const VaultCaKind = {
  /** A PEM bundle inline in the store (`caBundle`). */
  bundle: "bundle",
  /** A key of a Secret or ConfigMap (`caProvider`). */
  provider: "provider",
} as const;
export type VaultCaKind = (typeof VaultCaKind)[keyof typeof VaultCaKind];

/** The kind of object a `caProvider` reads. */
export const CaProviderType = {
  /** Read the CA from a Kubernetes Secret. */
  Secret: "Secret",
  /** Read the CA from a Kubernetes ConfigMap. */
  ConfigMap: "ConfigMap",
} as const;
export type CaProviderType = (typeof CaProviderType)[keyof typeof CaProviderType];

/**
 * TLS trust for Vault's certificate, one interface for both kinds (schema-friendly: no union). With
 * `kind: "bundle"`: `pem`; with `kind: "provider"`: `type`, `name`, `key` and (ClusterSecretStores only) `namespace`.
 * Every `VaultCaTrust` is one.
 */
export interface VaultCaTrustOptions {
  /** `bundle` (inline PEM) or `provider` (a Secret or ConfigMap key). */
  readonly kind: VaultCaKind;
  /** `bundle`: the PEM CA bundle. */
  readonly pem?: pulumi.Input<string>;
  /** `provider`: `Secret` or `ConfigMap`. */
  readonly type?: CaProviderType;
  /** `provider`: object name. */
  readonly name?: pulumi.Input<string>;
  /** `provider`: key holding the PEM. */
  readonly key?: string;
  /** `provider`: the object's namespace (ClusterSecretStores only). Default: none. */
  readonly namespace?: pulumi.Input<string>;
}

/** What is wrong with a `VaultCaTrustOptions` at `field`: fields of the other kind, missing ones, unknown kinds. */
export function vaultCaTrustProblems(field: string, ca: VaultCaTrustOptions | undefined): string[] {
  if (ca === undefined) return [];
  const present = (k: keyof VaultCaTrustOptions) => ca[k] !== undefined;
  if (ca.kind === "bundle") {
    return [
      ...(present("pem") ? [] : [`${field}.pem: required with ${field}.kind "bundle"`]),
      ...(["type", "name", "key", "namespace"] as const).filter(present).map((k) => `${field}.${k}: only used with ${field}.kind "provider"; drop it`),
    ];
  }
  if (ca.kind === "provider") {
    const problems = (["type", "name", "key"] as const).filter((k) => !present(k)).map((k) => `${field}.${k}: required with ${field}.kind "provider"`);
    if (present("pem")) problems.push(`${field}.pem: only used with ${field}.kind "bundle"; drop it`);
    if (present("type") && ca.type !== "Secret" && ca.type !== "ConfigMap") problems.push(`${field}.type: "${String(ca.type)}" is not "Secret" or "ConfigMap"`);
    return problems;
  }
  return [`${field}.kind: "${String(ca.kind)}" is not a CA kind; use "bundle" or "provider"`];
}

/** The `VaultCaTrust` a checked `VaultCaTrustOptions` stands for (see vaultCaTrustProblems). */
export function toVaultCaTrust(ca: pulumi.Unwrap<VaultCaTrustOptions> | undefined): VaultCaTrust | undefined {
  if (ca === undefined) return undefined;
  if (ca.kind === "bundle") return { kind: "bundle", pem: ca.pem! };
  return { kind: "provider", type: ca.type!, name: ca.name!, key: ca.key!, ...(ca.namespace !== undefined ? { namespace: ca.namespace } : {}) };
}

export interface VaultProviderArgs {
  /** Full URL ESO uses, e.g. `https://vault.example.com:8200`. */
  readonly server: string;
  /** The KV v2 mount only (`secret`); ESO inserts `data/` itself. */
  readonly mountPath: string;
  readonly auth: VaultStoreAuth;
  readonly ca?: VaultCaTrust;
  /** Vault Enterprise namespace. */
  readonly namespace?: string;
  /**
   * The KV mount requires check-and-set (`kv.casRequired`): ESO then sends `options.cas` with every
   * PushSecret write (external-secrets providers/v1/vault client_push.go: `CheckAndSet.Required` ->
   * getCASVersion), which Vault demands (vault-plugin-secrets-kv path_data.go pathDataWrite). Default false.
   */
  readonly checkAndSetRequired?: boolean;
}

/** `spec.provider.vault` of a SecretStore or ClusterSecretStore. `checkAndSet` is ESO's (2.x), newer than the models package's types. */
export function vaultProviderSpec(a: VaultProviderArgs): { vault: IVaultProvider & { checkAndSet?: { required: boolean } } } {
  if (a.mountPath.includes("/")) {
    throw new InputError(`store mountPath "${a.mountPath}" must be the KV mount only (e.g. "secret"); ESO inserts "data/" itself`);
  }
  const vault: IVaultProvider & { checkAndSet?: { required: boolean } } = {
    server: a.server,
    path: a.mountPath,
    version: "v2",
  };
  if (a.namespace) vault.namespace = a.namespace;
  if (a.checkAndSetRequired) vault.checkAndSet = { required: true };
  if (a.ca?.kind === "bundle") {
    vault.caBundle = Buffer.from(a.ca.pem, "utf8").toString("base64");
  } else if (a.ca?.kind === "provider") {
    const { kind: _kind, ...caProvider } = a.ca;
    vault.caProvider = caProvider;
  }
  if (a.auth.kind === "kubernetes") {
    vault.auth = {
      kubernetes: {
        mountPath: a.auth.mountPath,
        role: a.auth.role,
        serviceAccountRef: { ...a.auth.serviceAccount, audiences: [...a.auth.audiences] },
      },
    };
  } else {
    vault.auth = { tokenSecretRef: { ...a.auth.secretRef } };
  }
  return { vault };
}

export interface StoreConditions {
  readonly namespaces?: readonly string[];
  readonly namespaceSelector?: Readonly<Record<string, string>>;
}

/** `spec` of a ClusterSecretStore: the provider plus `conditions` when any are given (any condition matching allows). */
export function clusterSecretStoreSpec(provider: VaultProviderArgs, conditions?: StoreConditions): ClusterSecretStoreSpec {
  const spec: ClusterSecretStoreSpec = { provider: vaultProviderSpec(provider) };
  const list: NonNullable<ClusterSecretStoreSpec["conditions"]> = [];
  if (conditions?.namespaces?.length) list.push({ namespaces: [...conditions.namespaces] });
  if (conditions?.namespaceSelector && Object.keys(conditions.namespaceSelector).length > 0) {
    list.push({ namespaceSelector: { matchLabels: { ...conditions.namespaceSelector } } });
  }
  if (list.length > 0) spec.conditions = list;
  return spec;
}
/** @deprecated Renamed to `VaultCaTrustOptions` (a name ending in `Args` doubles in generated SDKs). */
export type VaultCaTrustArgs = VaultCaTrustOptions;
