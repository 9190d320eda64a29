/**
 * The component package's surface for other Pulumi languages (`pulumi package add`): package.json `main`, which
 * the Node.js plugin host (@pulumi/pulumi cmd/run-plugin) requires and scans for ComponentResource classes. Only
 * components whose args the schema inference accepts (interfaces, named enums, no unions) are listed here; the
 * TypeScript entry (`exports["."]`, components/index.ts) exports all of them. Importing registers nothing.
 */
export { VaultBackend } from "./vault-backend";
export { EsoInstall } from "./eso-install";
export { ClusterStore } from "./cluster-store";
export { TokenRenewer } from "./token-renewer";
export { TenantNamespace } from "./tenant-namespace";
export { ReloaderInstall } from "./reloader-install";
export { VaultAudit } from "./vault-audit";
export { EsoNetworkPolicies } from "./eso-network-policies";
export { VaultTrust } from "./vault-trust";
export { Observability } from "./observability";
