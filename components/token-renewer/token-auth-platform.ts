/**
 * Platform wiring for token auth (`vault-eso:tokenAuth.enabled`): builds the
 * TokenRenewer and the ClusterSecretStore auth that reads its Secret.
 * Called from `buildPlatform`; returns undefined when token auth is off.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as vault from "@pulumi/vault";
import type { ClusterStoreAuth } from "../stores/cluster-store";
import type { PlatformConfig } from "../config/config";
import { TokenRenewer } from "./token-renewer";
import { TOKEN_RENEWER_NAME } from "./renewer-builders";
import type { VaultBackend } from "../vault-backend/vault-backend";
import { adoptionPlan, adoptTransformations } from "../vault-backend/adopt";
import { scoped, type BuildScope } from "../scope";

export interface TokenAuthWiring {
  readonly renewer: TokenRenewer;
  /** `auth.tokenSecretRef` for the ClusterSecretStore. */
  readonly storeAuth: ClusterStoreAuth;
  /** Stack output: where the token lives and what renews it. */
  readonly output: { readonly secret: pulumi.Output<string>; readonly cronJob: pulumi.Output<string>; readonly role: pulumi.Output<string> };
}

export function buildTokenAuth(config: PlatformConfig, backend: VaultBackend, vaultProvider: vault.Provider, scope?: BuildScope): TokenAuthWiring | undefined {
  const t = config.tokenAuth;
  if (!t.enabled) return undefined;
  const renewer = new TokenRenewer(
    TOKEN_RENEWER_NAME,
    {
      // The token does ESO's reading: it carries the same read policy the Kubernetes-auth role would.
      readPolicies: [backend.esoPolicyName],
      vaultAddress: config.vault.serverForEso,
      vaultCaPem: config.vault.caCertPem,
      vaultNamespace: config.vault.namespace,
      namespace: t.namespace,
      secretName: t.secretName,
      secretKey: t.secretKey,
      role: t.role,
      policy: t.policy,
      periodSeconds: t.periodSeconds,
      explicitMaxTtlSeconds: t.explicitMaxTtlSeconds,
      rotateBeforeSeconds: t.rotateBeforeSeconds,
      schedule: t.schedule,
      image: t.image,
      resources: t.resources,
    },
    scoped(scope, { providers: { vault: vaultProvider }, dependsOn: [backend], transformations: adoptTransformations(adoptionPlan(config)) }),
  );
  return {
    renewer,
    storeAuth: { kind: "token", secretRef: renewer.secretRef },
    output: {
      secret: renewer.secretRef.namespace.apply((ns) => `${ns}/${t.secretName}`),
      cronJob: renewer.cronJobName,
      role: renewer.roleName,
    },
  };
}
