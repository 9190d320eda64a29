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
import { EsoKind, readinessProblem } from "./conditions";
import { compareAnswers, identities, Identity, probesFor } from "./expected";
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

  // ---- Kubernetes: stores, ExternalSecrets, PushSecrets
  const stores = new Map<string, any>();
  let kubeUp = true;
  const check = async (kind: EsoKind, label: string, apiPath: string): Promise<any> => {
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
    return obj;
  };

  stores.set("eso", await check("ClusterSecretStore", outputs.storeName, esoPath.clusterStore(outputs.storeName)));
  const isolated = config.tenancy.mode === "isolated";
  for (const t of config.tenants) {
    const d = outputs.tenants[t.name];
    if (!d) continue;
    if (isolated) stores.set(t.name, await check("SecretStore", `${d.namespace}/${d.store}`, esoPath.store(d.namespace, d.store)));
    for (const es of t.externalSecrets) await check("ExternalSecret", `${d.namespace}/${es.name}`, esoPath.externalSecret(d.namespace, es.name));
    for (const ps of t.push?.secrets ?? []) await check("PushSecret", `${d.namespace}/${ps.name}`, esoPath.pushSecret(d.namespace, ps.name));
  }

  // ---- Vault: each identity's own answer, against the proof
  let vaultUp = true;
  try {
    await o.vault.health();
    ok(`Vault at ${o.vault.ep.url} is up and unsealed`);
  } catch (e) {
    vaultUp = false;
    fail(`${(e as Error).message}; skipping every Vault check`);
  }
  if (vaultUp && kubeUp) {
    for (const id of identities(config)) {
      const role = id.name === "eso" ? (outputs.esoRole ?? id.role) : (outputs.tenants[id.name]?.role ?? id.role);
      await checkIdentity(o, { ...id, role }, audiencesFor(config, stores.get(id.name)), secrets, ok, fail);
    }
  }
  return { passed, failures };
}

/** The audiences ESO requests for this identity: its store's `serviceAccountRef.audiences` when the store is there, else what the program makes stores request. */
export function audiencesFor(config: PlatformConfig, store: any): string[] {
  const fromStore = store?.spec?.provider?.vault?.auth?.kubernetes?.serviceAccountRef?.audiences;
  if (Array.isArray(fromStore) && fromStore.every((a) => typeof a === "string")) return fromStore;
  const k = config.kubernetesAuth;
  return storeTokenAudiences(k.tokenReview, k.audience, k.apiAudiences);
}

async function checkIdentity(o: VerifyOptions, id: Identity, audiences: string[], secrets: Set<string>, ok: (s: string) => void, fail: (s: string) => void): Promise<void> {
  const who = `${id.name} (${id.namespace}/${id.serviceAccount}, role ${id.role})`;
  let jwt: string;
  try {
    jwt = await o.kube.requestToken(id.namespace, id.serviceAccount, audiences);
    secrets.add(jwt);
  } catch (e) {
    fail(`${who}: ${(e as Error).message}`);
    return;
  }
  let token: string;
  try {
    token = await o.vault.kubernetesLogin(o.outputs.kubernetesAuthPath, id.role, jwt);
    secrets.add(token);
  } catch (e) {
    fail(`${who}: ${(e as Error).message} (audiences requested: ${audiences.join(", ") || "(API server default)"})`);
    return;
  }
  try {
    const probes = probesFor(o.config, id);
    const answer = await o.vault.capabilitiesSelf(token, probes.map((p) => p.path));
    const diffs = compareAnswers(id.name, probes, answer);
    for (const d of diffs) fail(`Vault disagrees with the proof: ${d}`);
    if (diffs.length === 0) {
      const own = probes.filter((p) => p.subtreeOf === id.name && p.expected[0] !== "deny").length;
      ok(`${who}: Vault's capabilities on ${probes.length} paths match the proof (${own} granted on its own subtree, every other subtree as predicted)`);
    }
  } catch (e) {
    fail(`${who}: ${(e as Error).message}`);
  } finally {
    await o.vault.revokeSelf(token);
  }
}
