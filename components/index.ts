/**
 * The public API: import these into your own stack.
 *
 *   import { VaultBackend, EsoInstall, ClusterStore } from "vault-eso";
 *
 * Importing this module registers nothing: it only defines classes and pure functions.
 */
export { VaultBackend } from "./vault-backend";
export type { VaultBackendArgs, TokenReviewArgs, EsoIdentityArgs } from "./vault-backend";
export { EsoInstall } from "./eso-install";
export type { EsoInstallArgs, ContainerResources, ResourceQuantities } from "./eso-install";
export { ClusterStore, ClusterStoreAuthKind } from "./cluster-store";
export type { ClusterStoreArgs, ClusterStoreAuth, ClusterStoreConditions, ServiceAccountRef, TokenSecretRef } from "./cluster-store";
export { ReloaderInstall } from "./reloader-install";
export type { ReloaderInstallArgs } from "./reloader-install";
export { TenantNamespace } from "./tenant-namespace";
export type { TenantNamespaceArgs, TenantNamespaceOptions } from "./tenant-namespace";
export { TenantPolicyMode, TenantStoreMode, PodSecurityLevel, ExternalSecretRefreshPolicy, ExternalSecretDeletionPolicy, PushUpdatePolicy, PushDeletionPolicy } from "./lib/tenant-args";
export type {
  TenantPolicyArgs, TenantStore, TenantDevelopers, TenantCaConfigMap, ExternalSecretArgs, ExternalSecretData, ExternalSecretRemoteRef, ExternalSecretDataFrom,
  ExternalSecretExtract, ExternalSecretFind, ExternalSecretFindName, ExternalSecretTemplate, ExternalSecretTemplateMetadata, TenantPushArgs, PushSecretArgs,
  PushSecretDataArgs, TenantWritersArgs, TenantWritersAlias,
} from "./lib/tenant-args";
export { TokenRenewer } from "./token-renewer";
export type { TokenRenewerArgs, RenewerSecretRef } from "./token-renewer";
export { buildPlatform } from "./platform";
export type { Platform } from "./platform";
export { ESO_CHART, ESO_API, VaultCaKind, CaProviderType } from "./lib/eso";
export type { VaultCaTrust, VaultCaTrustArgs, StoreConditions } from "./lib/eso";
export { parseStackConfig, ConfigError } from "./lib/config";
export { DEFAULT_API_AUDIENCES, storeTokenAudiences, TokenReviewMode, VaultLocation } from "./lib/kubernetes-auth";
export { InputError } from "./lib/errors";
export type { PlatformConfig } from "./lib/config";
export { loadStackConfig } from "./lib/stack-config";
export { VaultTrust } from "./vault-trust";
export type { VaultTrustArgs, VaultServerCertificate } from "./vault-trust";
export { VaultAudit, AuditDeviceType, AuditFormat, AuditSocketType } from "./vault-audit";
export type { VaultAuditArgs, AuditDeviceArgs } from "./vault-audit";
export { Observability } from "./observability";
export type { ObservabilityArgs, VaultMetricsArgs, VaultMetricsScrape, EsoAlertsArgs } from "./observability";
export { EsoNetworkPolicies } from "./eso-network-policies";
export type { EsoNetworkPoliciesArgs, EsoDnsPods } from "./eso-network-policies";
