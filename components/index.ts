/**
 * The public API: import these into your own stack.
 *
 *   import { VaultBackend, EsoInstall, ClusterStore } from "<path to vault-eso>/components";
 */
export { VaultBackend } from "./vault-backend";
export type { VaultBackendArgs, TokenReviewArgs } from "./vault-backend";
export { EsoInstall } from "./eso-install";
export type { EsoInstallArgs } from "./eso-install";
export { ReloaderInstall } from "./reloader-install";
export type { ReloaderInstallArgs } from "./reloader-install";
export { ClusterStore } from "./cluster-store";
export type { ClusterStoreArgs, ClusterStoreAuth } from "./cluster-store";
export { TenantNamespace } from "./tenant-namespace";
export type { TenantNamespaceArgs } from "./tenant-namespace";
export { TokenRenewer } from "./token-renewer";
export type { TokenRenewerArgs } from "./token-renewer";
export { buildPlatform } from "./platform";
export type { Platform } from "./platform";
export { ESO_CHART, ESO_API } from "./lib/eso";
export type { VaultCaTrust, StoreConditions } from "./lib/eso";
export { parseStackConfig, ConfigError } from "./lib/config";
export { DEFAULT_API_AUDIENCES, storeTokenAudiences } from "./lib/kubernetes-auth";
export type { TokenReviewMode, VaultLocation } from "./lib/kubernetes-auth";
export type { PlatformConfig } from "./lib/config";
export { loadStackConfig } from "./lib/stack-config";
export { VaultTrust } from "./vault-trust";
export type { VaultTrustArgs } from "./vault-trust";
export { VaultAudit } from "./vault-audit";
export type { VaultAuditArgs } from "./vault-audit";
export { Observability } from "./observability";
export type { ObservabilityArgs } from "./observability";
export { EsoNetworkPolicies } from "./eso-network-policies";
export type { EsoNetworkPoliciesArgs } from "./eso-network-policies";
