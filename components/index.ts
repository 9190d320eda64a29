/**
 * The public API: import these into your own stack.
 *
 *   import { VaultBackend, EsoInstall, ClusterStore } from "vault-eso";
 *
 * Importing this module registers nothing: it only defines classes and pure functions.
 */
export { VaultBackend } from "./vault-backend/vault-backend";
export { VaultEsoPlatform } from "./vault-eso-platform";
export type { VaultBackendArgs, TokenReview, EsoIdentity, TokenReviewArgs, EsoIdentityArgs } from "./vault-backend/vault-backend";
export { EsoInstall } from "./eso/eso-install";
export type { EsoInstallArgs, ContainerResources, ResourceQuantities } from "./eso/eso-install";
export { ClusterStore, ClusterStoreAuthKind } from "./stores/cluster-store";
export type { ClusterStoreArgs, ClusterStoreAuth, ClusterStoreConditions, ServiceAccountRef, TokenSecretRef } from "./stores/cluster-store";
export { ReloaderInstall } from "./reloader/reloader-install";
export type { ReloaderInstallArgs } from "./reloader/reloader-install";
export { TenantNamespace } from "./tenants/tenant-namespace";
export { DeveloperClusterRole } from "./tenants/developer-cluster-role";
export type { TenantNamespaceArgs, TenantNamespaceOptions } from "./tenants/tenant-namespace";
export type { DeveloperClusterRoleArgs } from "./tenants/developer-cluster-role";
export { TenantPolicyMode, TenantStoreMode, PodSecurityLevel, ExternalSecretRefreshPolicy, ExternalSecretDeletionPolicy, PushUpdatePolicy, PushDeletionPolicy } from "./tenants/tenant-args";
export type {
  TenantPolicyOptions, TenantStore, TenantDevelopers, TenantCaConfigMap, ExternalSecretOptions, ExternalSecretData, ExternalSecretRemoteRef, ExternalSecretDataFrom,
  ExternalSecretExtract, ExternalSecretFind, ExternalSecretFindName, ExternalSecretTemplate, ExternalSecretTemplateMetadata, TenantPushOptions, PushSecretOptions,
  PushSecretDataOptions, TenantWritersOptions, TenantWritersAlias,
} from "./tenants/tenant-args";
export { TokenRenewer } from "./token-renewer/token-renewer";
export type { TokenRenewerArgs, RenewerSecretRef } from "./token-renewer/token-renewer";
export { buildPlatform } from "./platform";
export type { VaultEsoPlatformArgs } from "./vault-eso-platform";
export { platformArgsFromConfig } from "./vault-eso-platform";
export type { Platform } from "./platform";
export { ESO_CHART, ESO_API, VaultCaKind, CaProviderType } from "./eso/eso";
export type { VaultCaTrust, VaultCaTrustOptions, StoreConditions } from "./eso/eso";
export { parseStackConfig, ConfigError } from "./config/config";
export { DEFAULT_API_AUDIENCES, storeTokenAudiences, TokenReviewMode, VaultLocation } from "./vault-backend/kubernetes-auth";
export { InputError } from "./config/errors";
export type { PlatformConfig } from "./config/config";
export { loadStackConfig } from "./config/stack-config";
export { VaultTrust } from "./trust/vault-trust";
export type { VaultTrustArgs, VaultServerCertificate } from "./trust/vault-trust";
export { VaultAudit, AuditDeviceType, AuditFormat, AuditSocketType } from "./vault-backend/vault-audit";
export type { VaultAuditArgs, AuditDeviceOptions } from "./vault-backend/vault-audit";
export { Observability } from "./observability/observability";
export type { ObservabilityArgs, VaultMetricsOptions, VaultMetricsScrape, EsoAlertsOptions } from "./observability/observability";
export { EsoNetworkPolicies } from "./network/eso-network-policies";
export type { EsoNetworkPoliciesArgs, EsoDnsPods } from "./network/eso-network-policies";
