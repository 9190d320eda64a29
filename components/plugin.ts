/**
 * The component package's surface for other Pulumi languages (`pulumi package add`): package.json `main`, which
 * the Node.js plugin host (@pulumi/pulumi cmd/run-plugin) requires and scans for ComponentResource classes. Only
 * components whose args the schema inference accepts (interfaces, named enums, no unions) are listed here; the
 * TypeScript entry (`exports["."]`, components/index.ts) exports all of them. Importing registers nothing.
 */
export { VaultBackend } from "./vault-backend/vault-backend";
export { VaultEsoPlatform } from "./vault-eso-platform";
export { EsoInstall } from "./eso/eso-install";
export { ClusterStore } from "./stores/cluster-store";
export { TokenRenewer } from "./token-renewer/token-renewer";
export { TenantNamespace } from "./tenants/tenant-namespace";
export { DeveloperClusterRole } from "./tenants/developer-cluster-role";
export { ReloaderInstall } from "./reloader/reloader-install";
export { VaultAudit } from "./vault-backend/vault-audit";
export { EsoNetworkPolicies } from "./network/eso-network-policies";
export { VaultTrust } from "./trust/vault-trust";
export { Observability } from "./observability/observability";
