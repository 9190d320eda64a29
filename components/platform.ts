/**
 * The whole platform graph for one stack, built from the validated config.
 * `index.ts` is one consumer; tests and the offline renderer are others.
 */
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { ClusterStore } from "./cluster-store";
import { EsoInstall } from "./eso-install";
import type { PlatformConfig } from "./lib/config";
import type { StackConfig } from "./lib/stack-config";
import { VaultBackend } from "./vault-backend";

export interface Platform {
  readonly vaultProvider: vault.Provider;
  readonly backend: VaultBackend;
  readonly eso: EsoInstall;
  readonly store: ClusterStore;
  /** The stack outputs `index.ts` exports. */
  readonly outputs: {
    readonly environment: string;
    readonly storeName: pulumi.Output<string>;
    readonly kvPath: pulumi.Output<string>;
    readonly kubernetesAuthPath: pulumi.Output<string>;
    readonly esoRole: pulumi.Output<string>;
    readonly esoPolicy: pulumi.Output<string>;
    readonly esoNamespace: pulumi.Output<string>;
    readonly esoReadScope: string;
    readonly tokenReviewMode: string;
  };
}

export function buildPlatform({ config, secrets }: StackConfig): Platform {
  const vaultProvider = new vault.Provider("vault", {
    address: config.vault.address,
    // Unset: the provider falls back to VAULT_TOKEN / ~/.vault-token on the machine running Pulumi.
    token: secrets.vaultToken,
    caCertFile: config.vault.caCertFile,
    skipTlsVerify: config.vault.skipTlsVerify,
    namespace: config.vault.namespace,
  });

  const eso = new EsoInstall("eso", {
    namespace: config.eso.namespace,
    serviceAccountName: config.eso.serviceAccountName,
    replicas: config.eso.replicas,
    leaderElect: config.eso.leaderElect,
    resources: config.eso.resources,
    systemAuthDelegator: config.kubernetesAuth.tokenReview === "clientJwt",
    concurrent: config.eso.concurrent,
  });

  const backend = new VaultBackend(
    "vault",
    {
      kvPath: config.kv.path,
      kubernetesAuthPath: config.kubernetesAuth.path,
      kubernetesHost: config.kubernetesAuth.host,
      kubernetesCaCert: config.kubernetesAuth.caCertPem,
      issuer: config.kubernetesAuth.issuer,
      disableIssValidation: config.kubernetesAuth.disableIssValidation,
      disableLocalCaJwt: config.kubernetesAuth.disableLocalCaJwt,
      tokenReview:
        config.kubernetesAuth.tokenReview === "clientJwt"
          ? { mode: "clientJwt" }
          : { mode: "reviewerServiceAccount", namespace: config.kubernetesAuth.reviewerNamespace, jwt: secrets.reviewerJwt },
      eso: {
        namespace: config.eso.namespace,
        serviceAccountName: config.eso.serviceAccountName,
        role: config.eso.role,
        policy: config.eso.policy,
        scope: config.kv.scope,
        audience: config.kubernetesAuth.audience,
        tokenTtlSeconds: config.eso.tokenTtlSeconds,
        tokenMaxTtlSeconds: config.eso.tokenMaxTtlSeconds,
      },
    },
    { providers: { vault: vaultProvider } },
  );

  const store = new ClusterStore(
    "cluster",
    {
      name: config.store.name,
      server: config.vault.serverForEso,
      mountPath: backend.kvPath,
      vaultNamespace: config.vault.namespace,
      ca: vaultCaTrust(config),
      auth: {
        kind: "kubernetes",
        mountPath: backend.authPath,
        role: backend.esoRoleName,
        serviceAccount: { name: config.eso.serviceAccountName, namespace: config.eso.namespace },
        audiences: [config.kubernetesAuth.audience],
      },
      conditions: config.store.allowAllNamespaces
        ? undefined
        : { namespaces: config.store.namespaces, namespaceSelector: config.store.namespaceSelector },
    },
    { dependsOn: [eso, backend] },
  );

  return {
    vaultProvider,
    backend,
    eso,
    store,
    outputs: {
      environment: config.environment,
      storeName: store.storeName,
      kvPath: backend.kvPath,
      kubernetesAuthPath: backend.authPath,
      esoRole: backend.esoRoleName,
      esoPolicy: backend.esoPolicyName,
      esoNamespace: eso.namespace,
      esoReadScope: config.kv.scope,
      tokenReviewMode: config.kubernetesAuth.tokenReview,
    },
  };
}

function vaultCaTrust(config: PlatformConfig) {
  return config.vault.caCertPem ? ({ kind: "bundle", pem: config.vault.caCertPem } as const) : undefined;
}
