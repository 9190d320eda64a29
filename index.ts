/**
 * The vault-eso program: reads and validates this stack's config (nothing is
 * registered if it is invalid), builds the platform, exports what users need.
 */
import { buildPlatform } from "./components/platform";
import { loadStackConfig } from "./components/lib/stack-config";

const platform = buildPlatform(loadStackConfig());

export const environment = platform.outputs.environment;
/** The ClusterSecretStore ExternalSecrets reference. */
export const storeName = platform.outputs.storeName;
/** KV v2 mount path (ESO's `provider.vault.path`). */
export const kvPath = platform.outputs.kvPath;
/** Subtree of the mount the cluster-wide ESO identity may read. */
export const esoReadScope = platform.outputs.esoReadScope;
export const kubernetesAuthPath = platform.outputs.kubernetesAuthPath;
export const esoRole = platform.outputs.esoRole;
export const esoPolicy = platform.outputs.esoPolicy;
export const esoNamespace = platform.outputs.esoNamespace;
export const tokenReviewMode = platform.outputs.tokenReviewMode;
/** With token auth: the token Secret, the renewer CronJob and the Vault token role. */
export const tokenAuth = platform.outputs.tokenAuth;
/** Per tenant: namespace, Vault role and policy, store, and KV subtree. */
export const tenants = platform.outputs.tenants;
