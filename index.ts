/**
 * The vault-eso program: reads and validates this stack's config (nothing is
 * registered if it is invalid), then builds either the platform or, in a
 * tenant stack (`vault-eso:platform` set; docs/sharding.md), only that
 * stack's tenants on the platform's published `tenantContract`.
 */
import { platformOfStack } from "./components/vault-eso-platform";
import { buildTenantShard } from "./components/tenants/tenant-shard";
import { loadStack } from "./components/config/stack-config";

const loaded = loadStack();
// A platform stack is one VaultEsoPlatform built from this stack's config sections (its children keep their URNs
// through aliases: test/platform-component.test.ts).
const platform = loaded.kind === "platform" ? platformOfStack(loaded).platform : undefined;
const shard = loaded.kind === "tenant" ? buildTenantShard(loaded) : undefined;
// A tenant the platform does not assign to this stack fails the run (an unhandled rejection is a
// program error for the Node.js runtime, and `npm run render` exits 1 on it), with the ConfigError.
shard?.ready.catch((e: unknown) => {
  throw e;
});

export const environment = platform?.outputs.environment;
/** The ClusterSecretStore ExternalSecrets reference. */
export const storeName = platform?.outputs.storeName;
/** KV v2 mount path (ESO's `provider.vault.path`). */
export const kvPath = platform?.outputs.kvPath;
/** Subtree of the mount the cluster-wide ESO identity may read. */
export const esoReadScope = platform?.outputs.esoReadScope;
export const kubernetesAuthPath = platform?.outputs.kubernetesAuthPath;
export const esoRole = platform?.outputs.esoRole;
export const esoPolicy = platform?.outputs.esoPolicy;
export const esoNamespace = platform?.outputs.esoNamespace;
export const tokenReviewMode = platform?.outputs.tokenReviewMode;
/** With token auth: the token Secret, the renewer CronJob and the Vault token role. Absent otherwise. */
export const tokenAuth = platform?.outputs.tokenAuth;
/** Per tenant: namespace, Vault role and policy, store, and KV subtree. */
export const tenants = platform ? platform.outputs.tenants : shard!.outputs.tenants;
/** Platform: what tenant stacks read through their StackReference (versioned; docs/sharding.md). */
export const tenantContract = platform?.outputs.tenantContract;
/** Tenant stack: the platform stack it builds on. */
export const platformStack = shard?.outputs.platformStack;

// The Node.js runtime warns on every run about each top-level export that is undefined
// (@pulumi/pulumi runtime/stack.ts), and it reads this module's CommonJS exports (ts-node
// compiles it to CommonJS): drop the keys of the other mode (and tokenAuth without token
// auth) instead of exporting undefined.
if (typeof exports === "object" && exports !== null) {
  for (const [k, v] of Object.entries(exports as Record<string, unknown>)) if (v === undefined) delete (exports as Record<string, unknown>)[k];
}
