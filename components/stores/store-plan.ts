/**
 * Where each store points and who may use it, decided from config alone: the TLS trust plan and
 * the ClusterSecretStore's namespace conditions. Pure (no Pulumi resources), so `npm run verify`
 * predicts the live store specs with exactly what the platform passes (components/extras.ts
 * buildTrust, components/platform.ts).
 */
import type { PlatformConfig } from "../config/config";

/** The key of Vault's CA in the ConfigMaps and in cert-manager's Secrets. */
export const CA_KEY = "ca.crt";

/** How stores trust Vault, decided from config alone (the cert-manager CA PEM is filled in by `buildTrust`). */
export type TrustPlan =
  | { readonly mode: "systemRoots" }
  | { readonly mode: "caBundle"; readonly pem: string }
  | { readonly mode: "configMap"; readonly pem: string; readonly configMapName: string }
  | { readonly mode: "certManager"; readonly configMapName: string };

export function trustPlan(config: PlatformConfig): TrustPlan {
  const { tls } = config;
  if (tls.certManager.enabled) return { mode: "certManager", configMapName: tls.caConfigMapName };
  const pem = config.vault.caCertPem;
  if (!pem) return { mode: "systemRoots" };
  return tls.caDelivery === "configMap" ? { mode: "configMap", pem, configMapName: tls.caConfigMapName } : { mode: "caBundle", pem };
}

/** `conditions` of the ClusterSecretStore: the configured namespaces, plus every tenant namespace in shared tenancy. */
export function storeConditions(config: PlatformConfig) {
  const tenantNamespaces = config.tenancy.mode === "shared" ? config.tenants.map((t) => t.name) : [];
  const namespaces = [...(config.store.namespaces ?? []), ...tenantNamespaces];
  return { namespaces: namespaces.length ? namespaces : undefined, namespaceSelector: config.store.namespaceSelector };
}
