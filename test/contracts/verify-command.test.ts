/**
 * `npm run verify` (scripts/verify.ts, scripts/lib/verify/*) against local
 * stand-ins for the Kubernetes API and Vault (test/helpers/verify-standins.ts)
 * that follow the upstream rules it depends on:
 *
 * - hashicorp/vault vault/logical_system.go `handleCapabilities` and
 *   vault/acl.go `CapabilitiesAndSubscribeEventTypes`: `paths` in, path ->
 *   sorted capabilities out under `data`, `["deny"]` when nothing is granted;
 * - hashicorp/vault-plugin-auth-kubernetes path_login.go `pathLogin`: the role's
 *   audience must be in the JWT, its service account and namespace bound;
 * - kubernetes/kubernetes pkg/registry/core/serviceaccount/storage/token.go
 *   `TokenREST.Create`: no audiences -> the API server's own;
 * - external-secrets apis/externalsecrets/v1 secretstore_types.go (`Ready`,
 *   reason `Valid`), externalsecret_types.go (`Ready`, reason `SecretSynced`).
 *
 * Each case asserts what verify reports and its verdict; a Vault that answers
 * differently from the proof, a store not Ready, an ExternalSecret not synced
 * and unreachable endpoints must each fail, naming what is wrong.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseStackConfig, PlatformConfig } from "../../components/config/config";
import { flattenConfig, readStackFile } from "../../scripts/lib/stack-file";
import { readinessProblem } from "../../scripts/lib/verify/conditions";
import { compareAnswers, identities, PREDICTION_ACCESSOR, probesFor, vaultAnswer } from "../../scripts/lib/verify/expected";
import { esoPath, KubeClient } from "../../scripts/lib/verify/kube";
import { outputMismatches, parseOutputs, StackOutputs, verifyStack, VerifyResult } from "../../scripts/lib/verify/run";
import { VaultClient } from "../../scripts/lib/verify/vault";
import { closedPortUrl } from "../helpers/renewer-standins";
import { deploy, KubeApiStandIn, outputsFor, VaultStandIn } from "../helpers/verify-standins";
import { capabilitiesSelfAnswer } from "./models/verify-apis";

const ADMIN = "kube-admin-token-for-verify-tests";
const ACCESSOR = "auth_kubernetes_5e1f0c2a"; // the stand-in Vault's own mount accessor, not the prediction's

function configOf(doc: Record<string, unknown>): PlatformConfig {
  const { config, secretKeys } = flattenConfig(doc);
  return parseStackConfig(config, { secretKeys: new Set(secretKeys), readFile: (p) => fs.readFileSync(p, "utf8") }).config;
}
const stackDoc = (stack: string) => (parse(fs.readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, unknown> }).config;
const dev = configOf(stackDoc("dev"));
const prod = configOf(stackDoc("prod"));
const prodToken = configOf({ ...stackDoc("prod"), "vault-eso:tokenAuth": { enabled: true, period: "7d", explicitMaxTtl: "30d", rotateBefore: "7d", schedule: "0 */12 * * *" } });

interface World {
  kube: KubeApiStandIn;
  vault: VaultStandIn;
  config: PlatformConfig;
  outputs: StackOutputs;
}
let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function world(config: PlatformConfig): Promise<World> {
  const kube = new KubeApiStandIn(ADMIN);
  const vault = new VaultStandIn(kube, "kubernetes", ACCESSOR);
  deploy(config, kube, vault);
  await kube.start();
  await vault.start();
  open.push(kube, vault);
  return { kube, vault, config, outputs: outputsFor(config) };
}

async function run(w: World, urls: { kube?: string; vault?: string } = {}): Promise<VerifyResult & { lines: string[] }> {
  const lines: string[] = [];
  const kube = new KubeClient({ url: urls.kube ?? w.kube.url, what: "the Kubernetes API", headers: { authorization: `Bearer ${ADMIN}` } });
  const vault = new VaultClient({ url: urls.vault ?? w.vault.url, what: "Vault" });
  const r = await verifyStack({ config: w.config, outputs: w.outputs, kube, vault, write: (l) => lines.push(l) });
  return { ...r, lines };
}

const tenantA = dev.tenants.find((t) => t.name === "team-a")!;
const tenantB = dev.tenants.find((t) => t.name === "team-b")!;

describe("a healthy deployment passes: every identity's Vault answer (vault/logical_system.go handleCapabilities) equals the proof's", () => {
  test("dev (per-tenant policies, team-a with push): ESO and both tenants log in with their stores' audiences; every token is revoked afterwards", async () => {
    const w = await world(dev);
    const r = await run(w);
    expect(r.failures).toEqual([]);
    expect(w.vault.logins.filter((l) => l.status === 200)).toEqual([
      { role: dev.eso.role, status: 200 },
      { role: "tenant-team-a", status: 200 },
      { role: "tenant-team-b", status: 200 },
    ]);
    // Each role is also tried with the other identities' service accounts and its namespace's `default`: all refused.
    expect(w.vault.logins.filter((l) => l.status !== 200)).toHaveLength(3 * 3);
    // The TokenRequests asked for exactly the audiences each store requests (ESO's own behaviour): in dev's
    // clientJwt mode the role's audience and the API server's (Vault reviews with this very token).
    const storeAudiences = ["vault", "https://kubernetes.default.svc.cluster.local"];
    const requests = w.kube.calls.filter((c) => c.method === "POST").map((c) => [c.path, c.body.spec.audiences]);
    expect(requests.slice(0, 3)).toEqual([
      [`/api/v1/namespaces/${dev.eso.namespace}/serviceaccounts/${dev.eso.serviceAccountName}/token`, storeAudiences],
      ["/api/v1/namespaces/team-a/serviceaccounts/vault-secrets/token", storeAudiences],
      ["/api/v1/namespaces/team-b/serviceaccounts/vault-secrets/token", storeAudiences],
    ]);
    expect([...w.vault.tokens.values()].every((t) => t.revoked)).toBe(true);
    expect(r.lines.filter((l) => l.startsWith("ok")).length).toBe(r.passed);
    expect(r.lines.join("\n")).toMatch(/ExternalSecret team-a\/db Ready/);
    expect(r.lines.join("\n")).toMatch(/PushSecret team-a\/generated-api-key Ready/);
  });

  test("prod (one identity-templated policy): Vault resolves it with its own accessor, the proof with its own, and they agree", async () => {
    expect(ACCESSOR).not.toBe(PREDICTION_ACCESSOR);
    const w = await world(prod);
    const r = await run(w);
    expect(r.failures).toEqual([]);
    expect(w.vault.logins.filter((l) => l.status === 200).map((l) => l.role)).toEqual([prod.eso.role, "tenant-billing", "tenant-checkout", "tenant-search"]);
  });

  test("prod with token auth: the ClusterSecretStore holds a token, so only the tenants log in", async () => {
    const w = await world(prodToken);
    const r = await run(w);
    expect(r.failures).toEqual([]);
    expect(w.vault.logins.filter((l) => l.status === 200).map((l) => l.role)).toEqual(["tenant-billing", "tenant-checkout", "tenant-search"]);
  });
});

describe("Vault answering differently from the proof is reported (vault/acl.go CapabilitiesAndSubscribeEventTypes)", () => {
  test("team-a may read team-b's secrets in Vault: verify names the identity, the path, Vault's answer and the prediction", async () => {
    const w = await world(dev);
    w.vault.tamper = (role, p, caps) => (role === "tenant-team-a" && p.includes(`/${tenantB.subtree}/`) ? [...caps, "read"] : caps);
    const r = await run(w);
    expect(r.failures).toContain(`Vault disagrees with the proof: team-a on team-b's secret/data/${tenantB.subtree}/vault-eso-verify-probe: Vault says [read], the proof predicts [deny]`);
    expect(r.failures.every((f) => f.includes("team-a on team-b's"))).toBe(true);
  });

  test("a tenant Vault refuses its own subtree (its policy missing) fails too", async () => {
    const w = await world(dev);
    const role = w.vault.roles.get("tenant-team-b")!;
    w.vault.roles.set("tenant-team-b", { ...role, policies: role.policies.filter((p) => p.name !== "tenant-team-b") });
    const r = await run(w);
    expect(r.failures).toContain(`Vault disagrees with the proof: team-b on its own secret/data/${tenantB.subtree}/vault-eso-verify-probe: Vault says [deny], the proof predicts [read]`);
  });

  test("the ESO identity reaching a tenant's subtree in isolated mode is a difference", async () => {
    const w = await world(dev);
    w.vault.tamper = (role, p, caps) => (role === dev.eso.role && p.startsWith(`secret/data/${tenantA.subtree}/`) ? ["read"] : caps);
    const r = await run(w);
    expect(r.failures).toContain(`Vault disagrees with the proof: eso on team-a's secret/data/${tenantA.subtree}/vault-eso-verify-probe: Vault says [read], the proof predicts [deny]`);
    expect(r.failures.every((f) => f.startsWith(`Vault disagrees with the proof: eso on team-a's secret/data/${tenantA.subtree}/`))).toBe(true);
  });
});

describe("ESO status (external-secrets apis/externalsecrets/v1 secretstore_types.go, externalsecret_types.go)", () => {
  test("a ClusterSecretStore that is not Ready fails with ESO's reason and message", async () => {
    const w = await world(dev);
    const p = esoPath.clusterStore(dev.store.name);
    w.kube.objects.set(p, { ...w.kube.objects.get(p), status: { conditions: [{ type: "Ready", status: "False", reason: "ValidationFailed", message: "unable to log in to auth method: permission denied" }] } });
    const r = await run(w);
    expect(r.failures).toEqual([`ClusterSecretStore ${dev.store.name} is not Ready (status False, reason ValidationFailed: unable to log in to auth method: permission denied)`]);
  });

  test("an ExternalSecret that is not synced, or Ready for another reason, or missing, fails", async () => {
    const w = await world(dev);
    w.kube.objects.set(esoPath.externalSecret("team-a", "db"), { status: { conditions: [{ type: "Ready", status: "False", reason: "SecretSyncedError", message: "could not get secret data from provider" }] } });
    w.kube.objects.set(esoPath.externalSecret("team-b", "app-config"), { status: { conditions: [{ type: "Ready", status: "True", reason: "SecretDeleted" }] } });
    w.kube.objects.delete(esoPath.store("team-b", "vault"));
    const r = await run(w);
    expect(r.failures).toEqual([
      "ExternalSecret team-a/db is not Ready (status False, reason SecretSyncedError: could not get secret data from provider)",
      "SecretStore team-b/vault does not exist (not deployed, or ESO's CRDs are missing)",
      "ExternalSecret team-b/app-config is Ready but with reason SecretDeleted, not SecretSynced",
    ]);
  });

  test("readinessProblem: no status yet, True/Valid, and PushSecret's own reason", () => {
    expect(readinessProblem("SecretStore", {})).toMatch(/no Ready condition/);
    expect(readinessProblem("SecretStore", { status: { conditions: [{ type: "Ready", status: "True", reason: "Valid" }] } })).toBeUndefined();
    expect(readinessProblem("PushSecret", { status: { conditions: [{ type: "Ready", status: "True", reason: "Synced" }] } })).toBeUndefined();
    expect(readinessProblem("PushSecret", { status: { conditions: [{ type: "Ready", status: "False", reason: "Errored" }] } })).toMatch(/not Ready.*Errored/);
  });
});

describe("logins Vault refuses (vault-plugin-auth-kubernetes path_login.go; kubernetes token.go TokenREST.Create)", () => {
  test("a store that requests no audiences gets the API server's, which the role's audience check refuses: reported with the audiences used", async () => {
    const w = await world(dev);
    const p = esoPath.store("team-b", "vault");
    const store = structuredClone(w.kube.objects.get(p));
    store.spec.provider.vault.auth.kubernetes.serviceAccountRef.audiences = [];
    w.kube.objects.set(p, store);
    const r = await run(w);
    // Three logins as the identities themselves, nine refusal attempts (3 roles x 3 other service accounts).
    expect(w.kube.issued.size).toBe(3 + 9);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatch(/^team-b \(team-b\/vault-secrets, role tenant-team-b\): Vault refused the login \(auth\/kubernetes\/login, role tenant-team-b\): 403 invalid audience/);
    expect(r.failures[0]).toMatch(/audiences requested: \(API server default\)/);
  });
});

describe("false passes verify must not give (issue 25): refusals, existing paths, live store specs, freshness", () => {
  test("a tenant's role also bound to another tenant's namespace: team-b's service account logs in as team-a, and verify says so (vault-plugin-auth-kubernetes path_login.go: bound namespaces)", async () => {
    const w = await world(dev);
    const role = w.vault.roles.get("tenant-team-a")!;
    w.vault.roles.set("tenant-team-a", { ...role, boundServiceAccountNamespaces: ["team-a", "team-b"] });
    const r = await run(w);
    expect(r.failures).toEqual(["role tenant-team-a (team-a's) let the service account team-b/vault-secrets log in: the role is bound wider than team-a/vault-secrets (check bound_service_account_names/namespaces in Vault)"]);
    // The token the wrongful login got was revoked, like every other.
    expect([...w.vault.tokens.values()].every((t) => t.revoked)).toBe(true);
  });

  test("a role bound to every service account name in its namespace: the namespace's `default` account gets in", async () => {
    const w = await world(prod);
    const role = w.vault.roles.get("tenant-search")!;
    w.vault.roles.set("tenant-search", { ...role, boundServiceAccountNames: ["*"] });
    const r = await run(w);
    expect(r.failures).toEqual([expect.stringMatching(/^role tenant-search \(search's\) let the service account search\/default log in/)]);
  });

  test("an extra policy granting team-a read on one exact path of team-b's that exists: found through team-b's own listing (no probe key would match it)", async () => {
    const w = await world(dev);
    const role = w.vault.roles.get("tenant-team-a")!;
    const exact = `secret/data/${tenantB.subtree}/app-config`;
    w.vault.roles.set("tenant-team-a", { ...role, policies: [...role.policies, { name: "hand-added", rules: [{ path: exact, capabilities: ["read"] }] }] });
    const r = await run(w);
    expect(r.failures).toEqual([`Vault disagrees with the proof: team-a on team-b's ${exact}: Vault says [read], the proof predicts [deny]`]);
  });

  test("an exact path two folders down is found too (the listing descends into folders)", async () => {
    const w = await world(prod);
    const billing = prod.tenants.find((t) => t.name === "billing")!;
    w.vault.secrets.add(`${billing.subtree}/payments/stripe/key`);
    const role = w.vault.roles.get("tenant-search")!;
    const exact = `secret/data/${billing.subtree}/payments/stripe/key`;
    w.vault.roles.set("tenant-search", { ...role, policies: [...role.policies, { name: "hand-added", rules: [{ path: exact, capabilities: ["read"] }] }] });
    const r = await run(w);
    expect(r.failures).toEqual([`Vault disagrees with the proof: search on billing's ${exact}: Vault says [read], the proof predicts [deny]`]);
  });

  test("an ExternalSecret Ready for an older generation, one synced months ago, and one synced before the `up` being verified all fail (ESO status.syncedResourceVersion, status.refreshTime)", async () => {
    const w = await world(dev);
    // Relative to the real clock: the stand-in's other objects synced a minute ago.
    const now = new Date();
    const ago = (minutes: number) => new Date(now.getTime() - minutes * 60e3).toISOString();
    const since = new Date(now.getTime() - 15 * 60e3);
    const db = esoPath.externalSecret("team-a", "db");
    const dbObj = structuredClone(w.kube.objects.get(db));
    dbObj.metadata.generation = 2; // someone changed its spec; ESO has not synced that spec (yet, or ever)
    w.kube.objects.set(db, dbObj);
    const cfg = esoPath.externalSecret("team-b", "app-config");
    const cfgObj = structuredClone(w.kube.objects.get(cfg));
    cfgObj.status.refreshTime = ago(90 * 24 * 60); // Ready, SecretSynced, but ESO stopped refreshing it months ago
    w.kube.objects.set(cfg, cfgObj);
    const push = esoPath.pushSecret("team-a", "generated-api-key");
    const pushObj = structuredClone(w.kube.objects.get(push));
    pushObj.status.refreshTime = ago(30); // within its interval, but before the `up`
    w.kube.objects.set(push, pushObj);
    const lines: string[] = [];
    const kube = new KubeClient({ url: w.kube.url, what: "the Kubernetes API", headers: { authorization: `Bearer ${ADMIN}` } });
    const vault = new VaultClient({ url: w.vault.url, what: "Vault" });
    const r = await verifyStack({ config: dev, outputs: w.outputs, kube, vault, write: (l) => lines.push(l), since, now: () => now });
    expect(r.failures).toEqual([
      "ExternalSecret team-a/db was last synced for generation 1, but its spec is at generation 2: its Ready condition is about an older spec",
      `PushSecret team-a/generated-api-key was last synced at ${pushObj.status.refreshTime}, before the \`up\` being verified (${since.toISOString()})`,
      `ExternalSecret team-b/app-config was last synced at ${cfgObj.status.refreshTime}, 2160h ago, more than 3 refresh intervals (3600s): ESO stopped syncing it`,
    ]);
    // Without --since, the PushSecret synced half an hour ago is fresh: only the generation and the months-old sync fail.
    const plain = await run(w);
    expect(plain.failures.map((f) => f.split(" ")[1])).toEqual(["team-a/db", "team-b/app-config"]);
  });

  test("a ClusterSecretStore pointing at another Vault and a tenant store logging in with another tenant's role are Ready, and fail (secretstore_types.go: no observedGeneration)", async () => {
    const w = await world(prod);
    const cs = esoPath.clusterStore(prod.store.name);
    const csObj = structuredClone(w.kube.objects.get(cs));
    csObj.spec.provider.vault.server = "https://vault.attacker.example:8200";
    delete csObj.spec.provider.vault.caBundle;
    w.kube.objects.set(cs, csObj);
    const st = esoPath.store("search", "vault");
    const stObj = structuredClone(w.kube.objects.get(st));
    stObj.spec.provider.vault.auth.kubernetes.role = "tenant-billing";
    stObj.spec.provider.vault.path = "kv-old";
    w.kube.objects.set(st, stObj);
    const r = await run(w);
    const edited = "(edited in the cluster? `pulumi up` restores it; see docs/operations.md)";
    expect(r.failures).toEqual([
      `ClusterSecretStore ${prod.store.name}: spec.provider.vault.server is "https://vault.attacker.example:8200", the stack says "${prod.vault.serverForEso}" ${edited}`,
      expect.stringMatching(new RegExp(`^ClusterSecretStore ${prod.store.name}: spec.provider.vault.caBundle is \\(absent\\), the stack says LS0t\\S+\\.\\.\\. \\(\\d+ chars\\)`)),
      `SecretStore search/vault: spec.provider.vault.path is "kv-old", the stack says "${prod.kv.path}" ${edited}`,
      `SecretStore search/vault: spec.provider.vault.auth.kubernetes.role is "tenant-billing", the stack says "tenant-search" ${edited}`,
    ]);
  });

  test("the ClusterSecretStore's conditions widened to every namespace fail; token auth expects the renewer's Secret", async () => {
    const w = await world(prodToken);
    const cs = esoPath.clusterStore(prod.store.name);
    const csObj = structuredClone(w.kube.objects.get(cs));
    delete csObj.spec.conditions;
    csObj.spec.provider.vault.auth.tokenSecretRef.name = "someone-elses-token";
    w.kube.objects.set(cs, csObj);
    const r = await run(w);
    expect(r.failures.map((f) => f.replace(/ \(edited.*$/, ""))).toEqual([
      `ClusterSecretStore ${prod.store.name}: spec.provider.vault.auth.tokenSecretRef.name is "someone-elses-token", the stack says "${prodToken.tokenAuth.secretName}"`,
      `ClusterSecretStore ${prod.store.name}: spec.conditions is (absent), the stack says [{"namespaceSelector":{"matchLabels":{"vault-eso.io/secrets":"enabled"}}}]`,
    ]);
  });
});

describe("--expect-empty: a tenant re-added under an old name must start with an empty subtree (issue 25)", () => {
  test("team-b's subtree still holds the old team-b's secrets: reported with what is there; emptied, it passes; an unknown name is an error", async () => {
    const w = await world(dev);
    const kube = new KubeClient({ url: w.kube.url, what: "the Kubernetes API", headers: { authorization: `Bearer ${ADMIN}` } });
    const vault = new VaultClient({ url: w.vault.url, what: "Vault" });
    const go = (expectEmpty: string[]) => verifyStack({ config: dev, outputs: w.outputs, kube, vault, write: () => undefined, expectEmpty });
    const inherited = await go(["team-b"]);
    expect(inherited.failures).toEqual([`team-b's subtree ${tenantB.subtree} already holds app-config, nested/, nested/settings: a tenant of this name existed before and this one inherits its secrets (docs/operations.md#offboarding)`]);
    for (const k of [...w.vault.secrets]) if (k.startsWith(`${tenantB.subtree}/`)) w.vault.secrets.delete(k);
    expect((await go(["team-b"])).failures).toEqual([]);
    expect((await go(["team-x"])).failures).toEqual(["--expect-empty team-x: no tenant of that name in the stack's config"]);
  });
});

test("--no-logins (the drift job's read-only kubeconfig): no TokenRequest, no Vault login, and the skip is said, not passed off as a check", async () => {
  const w = await world(dev);
  const lines: string[] = [];
  const kube = new KubeClient({ url: w.kube.url, what: "the Kubernetes API", headers: { authorization: `Bearer ${ADMIN}` } });
  const vault = new VaultClient({ url: w.vault.url, what: "Vault" });
  const r = await verifyStack({ config: w.config, outputs: w.outputs, kube, vault, write: (l) => lines.push(l), noLogins: true });
  expect(r.failures).toEqual([]);
  expect(w.kube.calls.filter((c) => c.method !== "GET")).toEqual([]);
  expect(w.vault.logins).toEqual([]);
  expect(lines.join("\n")).toMatch(/logins skipped \(--no-logins\): grants and refusals not checked/);
});

describe("--deep: what a refreshed preview cannot see (drift job; scripts/lib/verify/deep.ts)", () => {
  const OPERATOR = "hvs.operator-token-for-deep-checks";
  async function deep(w: World) {
    w.vault.adminToken = OPERATOR;
    const lines: string[] = [];
    const kube = new KubeClient({ url: w.kube.url, what: "the Kubernetes API", headers: { authorization: `Bearer ${ADMIN}` } });
    const vault = new VaultClient({ url: w.vault.url, what: "Vault" });
    const r = await verifyStack({ config: w.config, outputs: w.outputs, kube, vault, write: (l) => lines.push(l), deepToken: OPERATOR });
    return { ...r, lines };
  }
  const helmDeployments = (ns: string, managers: Array<{ manager: string; operation: string; subresource?: string }>) => ({
    items: [{ metadata: { name: "external-secrets", namespace: ns, managedFields: managers.map((m) => ({ ...m, time: "2026-12-01T10:00:00Z" })) } }],
  });
  const deploymentsPath = (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments?labelSelector=${encodeURIComponent("app.kubernetes.io/instance=external-secrets")}`;

  test("a healthy prod passes every deep check, and the operator token is never printed", async () => {
    const w = await world(prod);
    w.kube.objects.set(deploymentsPath(prod.eso.namespace), helmDeployments(prod.eso.namespace, [{ manager: "helm", operation: "Update" }, { manager: "kube-controller-manager", operation: "Update", subresource: "status" }]));
    const r = await deep(w);
    expect(r.failures).toEqual([]);
    expect(r.lines.filter((l) => l.startsWith("ok    deep: "))).toHaveLength(5);
    expect(r.lines.join("\n")).not.toContain(OPERATOR);
  });

  test("each thing refresh cannot see, changed by hand, fails: default policy widened, reviewer JWT set in clientJwt mode, a foreign role on a tenant namespace, a stack role widened, an extra audit device, local flipped, ESO's Deployment edited with kubectl", async () => {
    const w = await world(prod);
    w.vault.defaultPolicy += '\npath "secret/data/*" {\n  capabilities = ["read", "list"]\n}\n';
    w.vault.authConfig = { ...w.vault.authConfig, token_reviewer_jwt_set: false };
    const search = w.vault.roles.get("tenant-search")!;
    w.vault.roles.set("ci-debug", { ...search, boundServiceAccountNames: ["*"], boundServiceAccountNamespaces: ["sea*"] });
    w.vault.roles.set("tenant-billing", { ...w.vault.roles.get("tenant-billing")!, boundServiceAccountNamespaces: ["billing", "search"] });
    w.vault.audit = { ...w.vault.audit, "file/": { ...w.vault.audit["file/"], local: true }, "exfil/": { type: "socket", local: false, path: "exfil/" } };
    w.kube.objects.set(deploymentsPath(prod.eso.namespace), helmDeployments(prod.eso.namespace, [{ manager: "helm", operation: "Update" }, { manager: "kubectl-edit", operation: "Update" }]));
    const r = await deep(w);
    const deepFailures = r.failures.filter((f) => f.startsWith("deep: "));
    expect(deepFailures).toEqual([
      "deep: the default policy (on every tenant token) grants [list, read] on secret/data/*, which Vault's shipped default does not",
      "deep: auth/kubernetes/config has no token_reviewer_jwt, but the stack reviews with the reviewer service account: Vault now reviews with each client's JWT (or its own pod token)",
      "deep: role ci-debug is not the stack's but binds service accounts [*] in search: whoever runs a pod there logs in with its policies [vault-eso-tenants]",
      "deep: role tenant-billing binds names [vault-secrets] in [billing, search], the stack binds billing/vault-secrets only",
      "deep: audit device file/ has local=true, the stack says false (the provider does not read it back)",
      "deep: audit device exfil/ (socket) is not the stack's: every request is also logged there",
      expect.stringMatching(/^deep: Deployment external-secrets\/external-secrets was changed in the cluster by kubectl-edit \(Update at 2026-12-01T10:00:00Z\)/),
    ]);
  });

  test("clientJwt (dev): a reviewer JWT set by hand is reported", async () => {
    const w = await world(dev);
    w.vault.authConfig = { ...w.vault.authConfig, token_reviewer_jwt_set: true };
    const r = await deep(w);
    expect(r.failures).toEqual(["deep: auth/kubernetes/config has a token_reviewer_jwt, but the stack reviews with each client's own JWT (clientJwt): someone set a reviewer token by hand"]);
  });
});

describe("unreachable or unhealthy endpoints give clear errors and stop that side's checks", () => {
  test("nothing listening on either port", async () => {
    const w = await world(dev);
    const r = await run(w, { kube: await closedPortUrl(), vault: await closedPortUrl() });
    expect(r.failures).toHaveLength(2);
    expect(r.failures[0]).toMatch(/^cannot reach the Kubernetes API at http:\/\/127\.0\.0\.1:\d+: connection refused.*; skipping every Kubernetes check$/);
    expect(r.failures[1]).toMatch(/^cannot reach Vault at http:\/\/127\.0\.0\.1:\d+: connection refused.*; skipping every Vault check$/);
  });

  test("a sealed Vault", async () => {
    const w = await world(dev);
    w.vault.sealed = true;
    const r = await run(w);
    expect(r.failures).toEqual([`Vault at ${w.vault.url} is sealed; skipping every Vault check`]);
  });

  test("outputs from another deployment than the config", async () => {
    const w = await world(dev);
    w.outputs = { ...w.outputs, tenants: { ...w.outputs.tenants, "team-c": { namespace: "team-c", role: "tenant-team-c", store: "vault", subtree: "x/team-c" } } };
    expect(outputMismatches(dev, w.outputs)).toEqual(["tenants: deployed [team-a, team-b, team-c], config [team-a, team-b]"]);
    expect(() => parseOutputs('{"kvPath":"secret"}', "stdin")).toThrow("stdin lacks the stack output(s) storeName, kubernetesAuthPath, tenants");
  });
});

describe("the prediction, in Vault's wire form (vault/capabilities.go Capabilities, vault/logical_system.go handleCapabilities)", () => {
  test("sorted, deny when empty; each identity reads and lists its own subtree and gets deny on every other", () => {
    expect(vaultAnswer(["read", "list"])).toEqual(["list", "read"]);
    expect(vaultAnswer([])).toEqual(["deny"]);
    for (const config of [dev, prod]) {
      for (const id of identities(config)) {
        for (const p of probesFor(config, id)) {
          if (p.subtreeOf !== id.name) expect(`${id.name} ${p.path} ${p.expected}`).toBe(`${id.name} ${p.path} deny`);
          else expect(p.expected).not.toEqual(["deny"]);
        }
      }
    }
    const a = identities(dev).find((i) => i.name === "team-a")!;
    // team-a has push: create/read/update on its own data, plus read/list on metadata.
    expect(probesFor(dev, a).filter((p) => p.subtreeOf === "team-a").map((p) => p.expected.join(","))).toEqual(["create,read,update", "create,list,read,update", "create,list,read,update"]);
  });

  test("the stand-in's answer model: `paths` wins over the deprecated `path`; one path also fills `capabilities`; none is a 400", () => {
    const acl = { capabilities: (p: string) => new Set(p === "a" ? (["read"] as const) : []) };
    expect(capabilitiesSelfAnswer({ paths: ["a", "b"], path: "b" }, acl)).toEqual({ status: 200, json: { data: { a: ["read"], b: ["deny"] } } });
    expect(capabilitiesSelfAnswer({ path: "a" }, acl)).toEqual({ status: 200, json: { data: { a: ["read"], capabilities: ["read"] } } });
    expect(capabilitiesSelfAnswer({}, acl).status).toBe(400);
    expect(compareAnswers("x", [{ path: "a", subtreeOf: "y", expected: ["deny"] }], {})).toEqual(["x: Vault gave no capabilities for a (expected deny)"]);
  });
});

describe("the command: kubeconfig context from the stack file, outputs on stdin, exit status, no token in its output", () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "verify-test-"))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function cli(args: string[], env: Record<string, string>, stdin: string): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/verify.ts", ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: tmp, ...env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
      child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
      const timer = setTimeout(() => child.kill("SIGKILL"), 45000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
      child.stdin.end(stdin);
    });
  }

  function kubeconfig(server: string): string {
    const context = readStackFile("dev").config["kubernetes:context"];
    const file = path.join(tmp, "kubeconfig");
    fs.writeFileSync(file, stringify({ apiVersion: "v1", kind: "Config", "current-context": "elsewhere", contexts: [{ name: context, context: { cluster: "c", user: "u" } }], clusters: [{ name: "c", cluster: { server } }], users: [{ name: "u", user: { token: ADMIN } }] }));
    return file;
  }

  test("a Vault that disagrees with the proof: exit 1, the difference reported, no JWT or Vault token printed; unreachable endpoints: exit 1, both named; no outputs: exit 2", async () => {
    const w = await world(dev);
    w.vault.tamper = (role, p, caps) => (role === "tenant-team-b" && p.includes(`/${tenantA.subtree}/`) ? ["read", "list"] : caps);
    // Three runs of the real command at once (each is a Node start with ts-node).
    const [r, down, none] = await Promise.all([
      cli(["dev"], { KUBECONFIG: kubeconfig(w.kube.url), VAULT_ADDR: w.vault.url }, JSON.stringify({ ...w.outputs, environment: "dev" })),
      Promise.all([closedPortUrl(), closedPortUrl()]).then(([k, v]) => cli(["dev", "--kube-api", k], { VAULT_ADDR: v }, JSON.stringify(outputsFor(dev)))),
      cli(["dev"], {}, ""),
    ]);
    expect(r.out).toContain(`FAIL  Vault disagrees with the proof: team-b on team-a's secret/metadata/${tenantA.subtree}/: Vault says [list, read], the proof predicts [deny]`);
    // The fixed probes (3) and the keys that exist under team-a (db, nested/, nested/settings: 5 paths).
    expect(r.out).toMatch(/verify: 8 check\(s\) failed, \d+ passed/);
    expect(r.code).toBe(1);
    const tokens = [ADMIN, ...w.kube.issued.keys(), ...w.vault.tokens.keys()];
    expect(tokens.length).toBe(1 + 3 + 9 + 3);
    for (const t of tokens) expect(r.out).not.toContain(t);

    expect(down.code).toBe(1);
    expect(down.out).toMatch(/cannot reach the Kubernetes API at .* \(from --kube-api\): connection refused/);
    expect(down.out).toMatch(/cannot reach Vault at .* \(from VAULT_ADDR\): connection refused/);
    expect(none.code).toBe(2);
    expect(none.out).toMatch(/verify: stdin is not JSON/);
  }, 60000);
});
