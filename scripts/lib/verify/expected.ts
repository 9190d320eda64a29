/**
 * What the offline ACL proof predicts Vault will answer, for a deployed stack:
 * each identity the stack creates (the cluster-wide ESO role, each tenant's
 * role), the policies the program attaches to it (built by the same builders
 * the components call, from the stack's validated config), and Vault's
 * answer to `sys/capabilities-self` for a probe path on every subtree, as the
 * evaluator in policies/vault/acl.ts computes it. Pure: no I/O.
 *
 * Vault's answer shape (hashicorp/vault vault/acl.go
 * `CapabilitiesAndSubscribeEventTypes`, vault/capabilities.go
 * `Capabilities`): the capabilities of the one rule that decides the path,
 * resolved as for a list request, sorted; `["deny"]` when nothing is granted;
 * `["root"]` for a root token.
 */
import { PlatformConfig, tenantSubtree } from "../../../components/config/config";
import { tenantPushPolicyName } from "../../../components/tenants/push-config";
import { tenantVaultName } from "../../../components/tenants/tenant";
import { compileAcl, IdentityContext, VAULT_DEFAULT_POLICY } from "../../../policies/vault/acl";
import { esoReadPolicy, templatedTenantPolicy, tenantPushPolicy, tenantReadPolicy } from "../../../policies/vault/builders";
import type { Capability, VaultPolicy } from "../../../policies/vault/model";
import { kvDataPath, kvMetadataPath } from "../../../policies/vault/paths";

/**
 * The auth mount accessor templated policies are predicted with. Vault
 * resolves the real accessor; the prediction uses this one on both sides
 * (policy and identity), which is the same thing as long as the policy
 * names the mount the tenant logs in through (the stack tests prove that
 * the program passes the mount's own accessor).
 */
export const PREDICTION_ACCESSOR = "auth_kubernetes_prediction";

/** The key under every subtree the probes ask about (it need not exist: capabilities do not depend on data). */
export const PROBE_KEY = "vault-eso-verify-probe";

/** Who logs in, how, and with which policies. */
export interface Identity {
  /** "eso" for the cluster-wide identity; the tenant name otherwise. */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly role: string;
  /** The role's token policies (plus Vault's `default`), as the program writes them. */
  readonly policies: readonly VaultPolicy[];
}

/** One question to Vault and the answer the proof predicts. */
export interface Probe {
  readonly path: string;
  /** Whose subtree the path is in ("eso" for the cluster-wide scope). */
  readonly subtreeOf: string;
  /** Vault's answer as the proof predicts it: sorted capabilities, or ["deny"]. */
  readonly expected: readonly string[];
}

/** Vault's wire form of a capability set: sorted, `["deny"]` when empty. */
export function vaultAnswer(caps: Iterable<Capability | string>): string[] {
  const list = [...new Set(caps)].filter((c) => c !== "deny").sort();
  return list.length === 0 ? ["deny"] : list;
}

/** The identity a Kubernetes-auth login creates: Vault puts the service account's namespace and name into the alias metadata (vault-plugin-auth-kubernetes path_login.go `pathLogin`). */
export function loginIdentity(namespace: string, serviceAccount: string, accessor = PREDICTION_ACCESSOR): IdentityContext {
  const metadata = { service_account_namespace: namespace, service_account_name: serviceAccount };
  return { entity: { id: `entity-${namespace}-${serviceAccount}`, name: `entity-${namespace}-${serviceAccount}`, aliases: { [accessor]: { name: `${namespace}/${serviceAccount}`, metadata } } } };
}

/** The policies a tenant's role carries: its read policy (own or the templated one), its push policy when granted, and `default`. */
export function tenantPolicies(config: PlatformConfig, tenant: PlatformConfig["tenants"][number], accessor = PREDICTION_ACCESSOR): VaultPolicy[] {
  const read =
    config.tenancy.policy === "templated"
      ? templatedTenantPolicy("vault-eso-tenants", config.kv.path, accessor, (t) => tenantSubtree(config.tenancy, config.environment, t))
      : tenantReadPolicy(tenantVaultName(tenant.name), config.kv.path, tenant.subtree);
  const push = tenant.push ? [tenantPushPolicy(tenantPushPolicyName(tenant.name), config.kv.path, tenant.subtree, tenant.push.allowDelete)] : [];
  return [read, ...push, VAULT_DEFAULT_POLICY];
}

/** The cluster-wide ESO identity (Kubernetes auth only): its read scope, plus every tenant subtree in shared tenancy. */
export function esoPolicies(config: PlatformConfig): VaultPolicy[] {
  const extra = config.tenancy.mode === "shared" ? config.tenants.map((t) => t.subtree) : [];
  return [esoReadPolicy(config.eso.policy, config.kv.path, config.kv.scope, extra), VAULT_DEFAULT_POLICY];
}

/** Every identity verify logs in as. With token auth the ClusterSecretStore holds a token, not a role: only tenants. */
export function identities(config: PlatformConfig): Identity[] {
  const tenants: Identity[] = config.tenants.map((t) => ({
    name: t.name,
    namespace: t.name,
    serviceAccount: config.tenancy.serviceAccountName,
    role: tenantVaultName(t.name),
    policies: tenantPolicies(config, t),
  }));
  if (config.tokenAuth.enabled) return tenants;
  const eso: Identity = { name: "eso", namespace: config.eso.namespace, serviceAccount: config.eso.serviceAccountName, role: config.eso.role, policies: esoPolicies(config) };
  return [eso, ...tenants];
}

/** The subtrees every identity is asked about: the ESO scope and each tenant's. */
export function subtrees(config: PlatformConfig): Array<{ owner: string; subtree: string }> {
  return [{ owner: "eso", subtree: config.kv.scope }, ...config.tenants.map((t) => ({ owner: t.name, subtree: t.subtree }))];
}

/**
 * The probes for `identity`: on every subtree, a secret's value
 * (`data/<subtree>/<probe>`), its metadata, and the subtree's listing
 * (`metadata/<subtree>/`), each with the answer the proof predicts.
 */
export function probesFor(config: PlatformConfig, identity: Identity): Probe[] {
  const paths: Array<{ path: string; subtreeOf: string }> = [];
  for (const { owner, subtree } of subtrees(config)) {
    for (const path of [`${kvDataPath(config.kv.path, subtree)}/${PROBE_KEY}`, `${kvMetadataPath(config.kv.path, subtree)}/${PROBE_KEY}`, `${kvMetadataPath(config.kv.path, subtree)}/`]) {
      paths.push({ path, subtreeOf: owner });
    }
  }
  return predict(identity, paths);
}

/** The proof's answer for `identity` on each of `paths` (any paths: the fixed probes, or keys that exist). */
export function predict(identity: Identity, paths: ReadonlyArray<{ path: string; subtreeOf: string }>): Probe[] {
  const acl = compileAcl(identity.policies, loginIdentity(identity.namespace, identity.serviceAccount));
  return paths.map((p) => ({ ...p, expected: vaultAnswer(acl.capabilities(p.path)) }));
}

/** At most this many existing keys per subtree are sampled (each costs a capability check per identity). */
export const SAMPLE_KEYS = 8;

/**
 * The paths to ask about for the keys that exist under a subtree (`keys`: relative to the subtree,
 * folders ending in "/"): a secret's value and metadata for each key, the listing for each folder.
 * A rule naming an exact existing path (`path "secret/data/team-b/db" { read }`) is invisible to
 * the fixed probe key; these are the paths such a rule would name.
 */
export function samplePaths(config: PlatformConfig, owner: string, subtree: string, keys: readonly string[]): Array<{ path: string; subtreeOf: string }> {
  const out: Array<{ path: string; subtreeOf: string }> = [];
  for (const k of keys) {
    if (k.endsWith("/")) out.push({ path: `${kvMetadataPath(config.kv.path, subtree)}/${k}`, subtreeOf: owner });
    else out.push({ path: `${kvDataPath(config.kv.path, subtree)}/${k}`, subtreeOf: owner }, { path: `${kvMetadataPath(config.kv.path, subtree)}/${k}`, subtreeOf: owner });
  }
  return out;
}

/** Differences between Vault's answer and the prediction; empty when they agree. */
export function compareAnswers(identity: string, probes: readonly Probe[], answer: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const p of probes) {
    const got = answer[p.path];
    if (!Array.isArray(got) || got.some((c) => typeof c !== "string")) {
      out.push(`${identity}: Vault gave no capabilities for ${p.path} (expected ${p.expected.join(",")})`);
      continue;
    }
    const actual = vaultAnswer(got as string[]);
    if (actual.join(",") !== p.expected.join(",")) {
      out.push(`${identity} on ${p.subtreeOf === identity ? "its own" : `${p.subtreeOf}'s`} ${p.path}: Vault says [${actual.join(", ")}], the proof predicts [${p.expected.join(", ")}]`);
    }
  }
  return out;
}
