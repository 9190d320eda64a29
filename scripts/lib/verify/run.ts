/**
 * `npm run verify`: checks a deployed stack against the cluster and Vault
 * themselves, and compares Vault's answers with the offline ACL proof.
 *
 *  1. the stack's outputs match its config (same tenants, subtrees, mount);
 *  2. the ClusterSecretStore and every tenant SecretStore are Ready (`Valid`);
 *  3. every ExternalSecret is Ready with reason `SecretSynced`, every PushSecret Ready;
 *  4. for the ESO identity (Kubernetes auth) and each tenant: a TokenRequest for
 *     its service account with the audiences its store requests, a Kubernetes-auth
 *     login with its role, and `sys/capabilities-self` on every subtree (its own,
 *     every other tenant's, the ESO scope), compared with what
 *     policies/vault/acl.ts predicts for the policies the program writes.
 *
 * Every token it handles (JWTs, Vault tokens) is kept out of its output.
 */
import { storeTokenAudiences } from "../../../components/vault-backend/kubernetes-auth";
import type { PlatformConfig } from "../../../components/config/config";
import { EsoKind, freshnessProblem, readinessProblem, STALE_AFTER_INTERVALS } from "./conditions";
import { expectedStoreFields, StoreTarget, storeSpecProblems } from "./stores";
import { deepChecks } from "./deep";
import { compareAnswers, identities, Identity, predict, probesFor, SAMPLE_KEYS, samplePaths, subtrees } from "./expected";
import { kvMetadataPath } from "../../../policies/vault/paths";
import { UnreachableError } from "./http";
import { esoPath, KubeClient } from "./kube";
import { VaultClient } from "./vault";

/** The stack outputs verify reads (`pulumi stack output --json`). */
export interface StackOutputs {
  readonly storeName: string;
  readonly kvPath: string;
  readonly kubernetesAuthPath: string;
  readonly esoRole?: string;
  readonly tenants: Readonly<Record<string, { namespace: string; role: string; store: string; subtree: string }>>;
}

/** Reads and checks the shape of `pulumi stack output --json`. */
export function parseOutputs(text: string, source: string): StackOutputs {
  let j: any;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source} is not JSON (expected \`pulumi stack output --json\`): ${(e as Error).message}`);
  }
  const missing = ["storeName", "kvPath", "kubernetesAuthPath", "tenants"].filter((k) => j?.[k] === undefined);
  if (missing.length) throw new Error(`${source} lacks the stack output(s) ${missing.join(", ")}: is it \`pulumi stack output --json\` of a vault-eso stack, deployed?`);
  for (const [name, t] of Object.entries<any>(j.tenants ?? {})) {
    for (const k of ["namespace", "role", "store", "subtree"]) {
      if (typeof t?.[k] !== "string") throw new Error(`${source}: tenants.${name}.${k} is missing or not a string`);
    }
  }
  return j as StackOutputs;
}

/** Where the deployed stack (its outputs) and the config verify predicts from disagree. */
export function outputMismatches(config: PlatformConfig, out: StackOutputs): string[] {
  const problems: string[] = [];
  if (out.kvPath !== config.kv.path) problems.push(`kvPath: deployed ${out.kvPath}, config kv.path ${config.kv.path}`);
  if (out.storeName !== config.store.name) problems.push(`storeName: deployed ${out.storeName}, config store.name ${config.store.name}`);
  const deployed = Object.keys(out.tenants).sort();
  const configured = config.tenants.map((t) => t.name).sort();
  if (deployed.join(",") !== configured.join(",")) problems.push(`tenants: deployed [${deployed.join(", ")}], config [${configured.join(", ")}]`);
  for (const t of config.tenants) {
    const d = out.tenants[t.name];
    if (d && d.subtree !== t.subtree) problems.push(`tenants.${t.name}.subtree: deployed ${d.subtree}, config ${t.subtree}`);
  }
  return problems;
}

export interface VerifyOptions {
  readonly config: PlatformConfig;
  readonly outputs: StackOutputs;
  readonly kube: KubeClient;
  readonly vault: VaultClient;
  /** One line of the report. */
  readonly write: (line: string) => void;
  /** When the `up` being verified finished (`--since`): every ExternalSecret and PushSecret must have synced after it. */
  readonly since?: Date;
  /** The clock (tests). Default: now. */
  readonly now?: () => Date;
  /** `--deep`: a Vault token for the checks of what refresh cannot see (scripts/lib/verify/deep.ts). */
  readonly deepToken?: string;
  /** Skip the service-account logins (no TokenRequest): the drift job's read-only kubeconfig. */
  readonly noLogins?: boolean;
  /** `--expect-empty T,...`: tenants (re-added under an old name) whose subtree must hold nothing yet. */
  readonly expectEmpty?: readonly string[];
}

export interface VerifyResult {
  readonly passed: number;
  readonly failures: readonly string[];
}

export async function verifyStack(o: VerifyOptions): Promise<VerifyResult> {
  const secrets = new Set<string>();
  const scrub = (s: string) => [...secrets].reduce((acc, v) => acc.split(v).join("[redacted]"), s);
  const failures: string[] = [];
  let passed = 0;
  const ok = (what: string) => {
    passed++;
    o.write(scrub(`ok    ${what}`));
  };
  const fail = (what: string) => {
    failures.push(scrub(what));
    o.write(scrub(`FAIL  ${what}`));
  };
  const { config, outputs } = o;

  const mismatch = outputMismatches(config, outputs);
  if (mismatch.length) {
    for (const m of mismatch) fail(`stack outputs vs config: ${m} (deployed from another config? run \`pulumi up\`, or verify with the matching stack file)`);
  } else ok(`stack outputs match the config (${config.tenants.length} tenant(s), mount ${config.kv.path})`);

  for (const t of o.expectEmpty ?? []) {
    if (!config.tenants.some((x) => x.name === t)) fail(`--expect-empty ${t}: no tenant of that name in the stack's config`);
  }

  // ---- Kubernetes: stores, ExternalSecrets, PushSecrets
  const stores = new Map<string, any>();
  let kubeUp = true;
  const check = async (kind: EsoKind, label: string, apiPath: string, role?: string): Promise<any> => {
    if (!kubeUp) return undefined;
    let obj: any;
    try {
      obj = await o.kube.get(apiPath);
    } catch (e) {
      if (e instanceof UnreachableError) {
        kubeUp = false;
        fail(`${e.message}; skipping every Kubernetes check`);
        return undefined;
      }
      fail(`${kind} ${label}: ${(e as Error).message}`);
      return undefined;
    }
    if (obj === undefined) {
      fail(`${kind} ${label} does not exist (not deployed, or ESO's CRDs are missing)`);
      return undefined;
    }
    const problem = readinessProblem(kind, obj);
    if (problem) fail(`${kind} ${label} ${problem}`);
    else ok(`${kind} ${label} Ready`);
    if (kind === "ExternalSecret" || kind === "PushSecret") {
      const stale = problem ? undefined : freshnessProblem(obj, fresh);
      if (stale) fail(`${kind} ${label} ${stale}`);
      else if (!problem) ok(`${kind} ${label} synced for its current generation${o.since ? " after the `up`" : ""}, within ${STALE_AFTER_INTERVALS} refresh intervals`);
    } else {
      const target: StoreTarget = { kind, role, authPath: outputs.kubernetesAuthPath };
      const diffs = storeSpecProblems(expectedStoreFields(config, target), obj.spec);
      for (const d of diffs) fail(`${kind} ${label}: ${d} (edited in the cluster? \`pulumi up\` restores it; see docs/operations.md)`);
      if (diffs.length === 0) ok(`${kind} ${label}: server, KV mount, auth mount, role, service account and CA are the stack's`);
    }
    return obj;
  };
  const fresh = { since: o.since, now: o.now?.() ?? new Date() };

  stores.set("eso", await check("ClusterSecretStore", outputs.storeName, esoPath.clusterStore(outputs.storeName), outputs.esoRole ?? config.eso.role));
  const isolated = config.tenancy.mode === "isolated";
  for (const t of config.tenants) {
    const d = outputs.tenants[t.name];
    if (!d) continue;
    if (isolated) stores.set(t.name, await check("SecretStore", `${d.namespace}/${d.store}`, esoPath.store(d.namespace, d.store), d.role));
    for (const es of t.externalSecrets) await check("ExternalSecret", `${d.namespace}/${es.name}`, esoPath.externalSecret(d.namespace, es.name));
    for (const ps of t.push?.secrets ?? []) await check("PushSecret", `${d.namespace}/${ps.name}`, esoPath.pushSecret(d.namespace, ps.name));
  }

  // ---- Vault: each identity's own answer, against the proof; and every login that must be refused
  let vaultUp = true;
  try {
    await o.vault.health();
    ok(`Vault at ${o.vault.ep.url} is up and unsealed`);
  } catch (e) {
    vaultUp = false;
    fail(`${(e as Error).message}; skipping every Vault check`);
  }
  if (o.noLogins) ok("service-account logins skipped (--no-logins): grants and refusals not checked");
  else if (vaultUp && kubeUp) {
    const ids = identities(config).map((id) => ({ ...id, role: id.name === "eso" ? (outputs.esoRole ?? id.role) : (outputs.tenants[id.name]?.role ?? id.role) }));
    const sessions: Session[] = [];
    try {
      for (const id of ids) {
        const s = await login(o, id, audiencesFor(config, stores.get(id.name)), secrets, fail);
        if (s) sessions.push(s);
      }
      const sampled = await sampleExisting(o, sessions, ok, fail);
      for (const s of sessions) await checkCapabilities(o, s, sampled, ok, fail);
      await checkRefusals(o, ids, (id) => audiencesFor(config, stores.get(id.name)), secrets, ok, fail);
    } finally {
      for (const s of sessions) await o.vault.revokeSelf(s.token);
    }
  }
  if (o.deepToken && vaultUp && kubeUp) {
    secrets.add(o.deepToken);
    await deepChecks({ config, outputs, kube: o.kube, vault: o.vault, token: o.deepToken }, ok, fail);
  }
  return { passed, failures };
}

interface Session {
  readonly id: Identity;
  readonly who: string;
  readonly token: string;
}

const describe = (id: Identity) => `${id.name} (${id.namespace}/${id.serviceAccount}, role ${id.role})`;

/** A TokenRequest for the identity's service account with its store's audiences, and its Kubernetes-auth login. */
async function login(o: VerifyOptions, id: Identity, audiences: string[], secrets: Set<string>, fail: (s: string) => void): Promise<Session | undefined> {
  const who = describe(id);
  let jwt: string;
  try {
    jwt = await o.kube.requestToken(id.namespace, id.serviceAccount, audiences);
    secrets.add(jwt);
  } catch (e) {
    fail(`${who}: ${(e as Error).message}`);
    return undefined;
  }
  try {
    const token = await o.vault.kubernetesLogin(o.outputs.kubernetesAuthPath, id.role, jwt);
    secrets.add(token);
    return { id, who, token };
  } catch (e) {
    fail(`${who}: ${(e as Error).message} (audiences requested: ${audiences.join(", ") || "(API server default)"})`);
    return undefined;
  }
}

/**
 * Keys that exist, listed by each identity in its own subtree (where the proof says it may list):
 * up to SAMPLE_KEYS per subtree, breadth first. Every identity is then asked about them, so a rule
 * that names another tenant's exact path is seen even though no probe key would match it.
 */
async function sampleExisting(o: VerifyOptions, sessions: readonly Session[], ok: (s: string) => void, fail: (s: string) => void): Promise<Array<{ path: string; subtreeOf: string }>> {
  const out: Array<{ path: string; subtreeOf: string }> = [];
  for (const s of sessions) {
    const own = subtrees(o.config).find((t) => t.owner === s.id.name);
    if (!own) continue;
    const root = `${kvMetadataPath(o.config.kv.path, own.subtree)}/`;
    if (!predict(s.id, [{ path: root, subtreeOf: own.owner }])[0].expected.includes("list")) continue;
    const keys: string[] = [];
    const folders = [""];
    try {
      while (folders.length > 0 && keys.length < SAMPLE_KEYS) {
        const folder = folders.shift()!;
        for (const k of await o.vault.list(s.token, `${root}${folder}`)) {
          if (keys.length >= SAMPLE_KEYS) break;
          keys.push(`${folder}${k}`);
          if (k.endsWith("/")) folders.push(`${folder}${k}`);
        }
      }
    } catch (e) {
      fail(`${s.who}: listing its own subtree: ${(e as Error).message}`);
    }
    if (o.expectEmpty?.includes(s.id.name)) {
      if (keys.length > 0) fail(`${s.id.name}'s subtree ${own.subtree} already holds ${keys.slice(0, 3).join(", ")}${keys.length > 3 ? ", ..." : ""}: a tenant of this name existed before and this one inherits its secrets (docs/operations.md#offboarding)`);
      else ok(`${s.id.name}'s subtree ${own.subtree} is empty, as --expect-empty requires`);
    }
    out.push(...samplePaths(o.config, own.owner, own.subtree, keys));
  }
  return out;
}

async function checkCapabilities(o: VerifyOptions, s: Session, sampled: ReadonlyArray<{ path: string; subtreeOf: string }>, ok: (s: string) => void, fail: (s: string) => void): Promise<void> {
  try {
    const probes = [...probesFor(o.config, s.id), ...predict(s.id, sampled)];
    const answer = await o.vault.capabilitiesSelf(s.token, probes.map((p) => p.path));
    const diffs = compareAnswers(s.id.name, probes, answer);
    for (const d of diffs) fail(`Vault disagrees with the proof: ${d}`);
    if (diffs.length === 0) {
      const own = probes.filter((p) => p.subtreeOf === s.id.name && p.expected[0] !== "deny").length;
      ok(`${s.who}: Vault's capabilities on ${probes.length} paths (${sampled.length} of them keys that exist) match the proof (${own} granted on its own subtree, every other subtree as predicted)`);
    }
  } catch (e) {
    fail(`${s.who}: ${(e as Error).message}`);
  }
}

/**
 * Logins Vault must refuse: each role with every other identity's service account (with the
 * audiences the role's own store requests, the most a thief could present), and with the `default`
 * service account of the role's own namespace. A role bound to more namespaces or service accounts
 * than its own (`bound_service_account_namespaces` widened by hand, a glob) passes every grant
 * check; only a refused login proves the binding.
 */
async function checkRefusals(o: VerifyOptions, ids: readonly Identity[], audiences: (id: Identity) => string[], secrets: Set<string>, ok: (s: string) => void, fail: (s: string) => void): Promise<void> {
  for (const role of ids) {
    const others = [...ids.filter((x) => x !== role).map((x) => ({ namespace: x.namespace, serviceAccount: x.serviceAccount })), { namespace: role.namespace, serviceAccount: "default" }];
    let refused = 0;
    for (const other of others) {
      if (other.namespace === role.namespace && other.serviceAccount === role.serviceAccount) continue;
      const sa = `${other.namespace}/${other.serviceAccount}`;
      let jwt: string;
      try {
        jwt = await o.kube.requestToken(other.namespace, other.serviceAccount, audiences(role));
        secrets.add(jwt);
      } catch (e) {
        fail(`refusal check of role ${role.role} with ${sa}: ${(e as Error).message}`);
        continue;
      }
      const r = await o.vault.tryKubernetesLogin(o.outputs.kubernetesAuthPath, role.role, jwt);
      if (r.token !== undefined) {
        secrets.add(r.token);
        await o.vault.revokeSelf(r.token);
        fail(`role ${role.role} (${role.name}'s) let the service account ${sa} log in: the role is bound wider than ${role.namespace}/${role.serviceAccount} (check bound_service_account_names/namespaces in Vault)`);
      } else refused++;
    }
    if (refused === others.filter((x) => !(x.namespace === role.namespace && x.serviceAccount === role.serviceAccount)).length) {
      ok(`role ${role.role} refuses the ${refused} other service account(s) (every other identity's and ${role.namespace}/default)`);
    }
  }
}

/** The audiences ESO requests for this identity: its store's `serviceAccountRef.audiences` when the store is there, else what the program makes stores request. */
export function audiencesFor(config: PlatformConfig, store: any): string[] {
  const fromStore = store?.spec?.provider?.vault?.auth?.kubernetes?.serviceAccountRef?.audiences;
  if (Array.isArray(fromStore) && fromStore.every((a) => typeof a === "string")) return fromStore;
  const k = config.kubernetesAuth;
  return storeTokenAudiences(k.tokenReview, k.audience, k.apiAudiences);
}
