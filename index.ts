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
/** With token auth: the token Secret, the renewer CronJob and the Vault token role. Absent otherwise. */
export const tokenAuth = platform.outputs.tokenAuth;
// The Node.js runtime warns on every run about each top-level export that is undefined
// (@pulumi/pulumi runtime/stack.ts), and it reads this module's CommonJS exports (ts-node
// compiles it to CommonJS): without token auth, drop the key instead of exporting undefined.
if (tokenAuth === undefined && typeof exports === "object" && exports !== null) delete (exports as Record<string, unknown>).tokenAuth;
/** Per tenant: namespace, Vault role and policy, store, and KV subtree. */
export const tenants = platform.outputs.tenants;
