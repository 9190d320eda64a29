/**
 * The renewer script the CronJob runs (components/token-renewer/renew.mjs), run as
 * a child process against local stand-ins for Vault and the Kubernetes API.
 * Each case asserts the exit code, what the Secret holds afterwards, which
 * Vault calls were made (and with which token), and that no token value was
 * printed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { closedPortUrl, KubeStandIn, RunResult, runScript, VaultStandIn } from "./helpers/renewer-standins";

const SCRIPT = path.resolve("components/token-renewer/renew.mjs");
const TLS_DIR = path.resolve("test/fixtures/renewer-tls");
const DAY = 86400;
const PERIOD = 7 * DAY;
const MAX = 30 * DAY;
const ROLE = "external-secrets-token";
const POLICIES = ["external-secrets-read", "external-secrets-token-renewer"];
const now = () => Math.floor(Date.now() / 1000);

let tmp: string;
let saTokenFile: string;
const SA_TOKEN = "eyJhbGciOiJSUzI1NiJ9.renewer-sa.jwt";

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "renewer-test-"));
  saTokenFile = path.join(tmp, "token");
  fs.writeFileSync(saTokenFile, SA_TOKEN);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface World {
  vault: VaultStandIn;
  kube: KubeStandIn;
  /** The token in the Secret at the start. */
  old: string;
}

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

/** A token `ageDays` old in Vault, the same token in the Secret; both stand-ins started. */
async function world(ageDays: number, tls?: { key: string; cert: string }): Promise<World> {
  const vault = new VaultStandIn(ROLE, PERIOD, { allowedPolicies: POLICIES, explicitMaxTtl: MAX });
  const old = vault.addToken({ policies: POLICIES, creationTime: now() - ageDays * DAY, explicitMaxTtl: MAX, role: ROLE });
  const kube = new KubeStandIn("external-secrets-credentials", "vault-token", "token", old, SA_TOKEN);
  await vault.start(tls);
  await kube.start();
  open.push(vault, kube);
  return { vault, kube, old };
}

function envFor(w: World, extra: Record<string, string> = {}): Record<string, string> {
  return {
    VAULT_ADDR: w.vault.url,
    VAULT_TOKEN_ROLE: ROLE,
    VAULT_TOKEN_POLICIES: POLICIES.join(","),
    RENEW_INCREMENT_SECONDS: String(PERIOD),
    ROTATE_BEFORE_SECONDS: String(7 * DAY),
    MAX_TTL_SECONDS: String(MAX),
    REVOKE_GRACE_SECONDS: "0",
    REQUEST_TIMEOUT_SECONDS: "5",
    KUBERNETES_API_URL: w.kube.url,
    KUBERNETES_TOKEN_FILE: saTokenFile,
    KUBERNETES_CA_FILE: path.join(tmp, "absent-ca.crt"),
    SECRET_NAMESPACE: "external-secrets-credentials",
    SECRET_NAME: "vault-token",
    SECRET_KEY: "token",
    ...extra,
  };
}

/** No token value (clear or base64), nor the SA token, appears in the output. */
function expectNothingLeaked(r: RunResult, w: World): void {
  const out = r.stdout + r.stderr;
  const values = [...w.vault.tokens.keys(), SA_TOKEN];
  for (const v of values) {
    expect(out).not.toContain(v);
    expect(out).not.toContain(Buffer.from(v).toString("base64"));
  }
  // Every line is a JSON log record (no stray dumps of objects or bodies).
  for (const line of out.split("\n").filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
}

const tokenState = (w: World, t: string) => w.vault.tokens.get(t)!;

test("normal renewal: renew-self with increment = period, the Secret untouched, exit 0", async () => {
  const w = await world(2);
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(0);
  expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1"]);
  expect(w.vault.calls[1].body).toEqual({ increment: `${PERIOD}s` });
  expect(w.kube.puts()).toHaveLength(0);
  expect(w.kube.token).toBe(w.old);
  expect(tokenState(w, w.old)).toMatchObject({ revoked: false, ttl: PERIOD });
  expect(w.kube.calls.every((c) => c.authorized)).toBe(true);
  expect(r.stdout).toContain("no rotation needed");
  expectNothingLeaked(r, w);
});

test("rotation near the explicit max TTL: successor created through the role, checked, stored, read back, then the old one revoked", async () => {
  const w = await world(25); // 5 days left < rotateBefore 7d
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(0);
  expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1", "lookup-self@acc-2", "revoke-self@acc-1"]);
  const create = w.vault.calls[2];
  expect(create.path).toBe(`/v1/auth/token/create/${ROLE}`);
  expect(create.body).toMatchObject({ policies: POLICIES, no_default_policy: true });
  const successor = [...w.vault.tokens.entries()].find(([, t]) => t.accessor === "acc-2")![0];
  expect(w.kube.token).toBe(successor);
  expect(tokenState(w, w.old).revoked).toBe(true);
  expect(tokenState(w, successor).revoked).toBe(false);
  // One conflict-checked PUT, based on what was read, marked with the new accessor.
  expect(w.kube.puts()).toHaveLength(1);
  expect(w.kube.puts()[0].metadata.resourceVersion).toBe("1");
  expect(w.kube.puts()[0].metadata.managedFields).toBeUndefined();
  expect(w.kube.secret.metadata.annotations["vault-eso.io/token-accessor"]).toBe("acc-2");
  expect(w.kube.secret.metadata.labels).toEqual({ "app.kubernetes.io/managed-by": "pulumi" });
  // The GET before the write and the read-back after it.
  expect(w.kube.calls.map((c) => c.method)).toEqual(["GET", "PUT", "GET"]);
  expectNothingLeaked(r, w);
});

test("the next run after a rotation renews the successor and does not rotate again", async () => {
  const w = await world(25);
  expect((await runScript(SCRIPT, envFor(w))).code).toBe(0);
  const second = await runScript(SCRIPT, envFor(w));
  expect(second.code).toBe(0);
  expect(w.vault.trace().slice(5)).toEqual(["lookup-self@acc-2", "renew-self@acc-2"]);
  expectNothingLeaked(second, w);
});

test("Vault 403 on lookup-self (revoked or expired token): exit 1, nothing created, written or revoked", async () => {
  const w = await world(2);
  w.vault.failures.set("lookup-self", 403);
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(1);
  expect(w.vault.trace()).toEqual(["lookup-self@acc-1"]);
  expect(w.kube.puts()).toHaveLength(0);
  expect(r.stderr).toContain("HTTP 403");
  expect(r.stderr).toContain("permission denied");
  expectNothingLeaked(r, w);
});

test.each([500, 503])("Vault %i on renew-self: exit 1, no rotation attempted, the Secret unchanged", async (status) => {
  const w = await world(25);
  w.vault.failures.set("renew-self", status);
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(1);
  expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1"]);
  expect(w.kube.token).toBe(w.old);
  expect(tokenState(w, w.old).revoked).toBe(false);
  expect(r.stderr).toContain(`HTTP ${status}`);
  expectNothingLeaked(r, w);
});

test("Vault 403 on create (policy lacks the role path): exit 1, the old token renewed and kept", async () => {
  const w = await world(25);
  w.vault.failures.set("create", 403);
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(1);
  expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1"]);
  expect(w.kube.puts()).toHaveLength(0);
  expect(tokenState(w, w.old)).toMatchObject({ revoked: false });
  expectNothingLeaked(r, w);
});

test("a successor without the expected policies is revoked and never written", async () => {
  const w = await world(25);
  w.vault.grantPolicies = ["external-secrets-read"];
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(1);
  expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1", "lookup-self@acc-2", "revoke-self@acc-2"]);
  expect(w.kube.token).toBe(w.old);
  expect(tokenState(w, w.old).revoked).toBe(false);
  expect(r.stderr).toContain("lacks the policies external-secrets-token-renewer");
  expectNothingLeaked(r, w);
});

describe("a token the role would not mint, put in the Secret by hand, is refused and replaced loudly (vault/token_store.go handleLookup fields)", () => {
  /** A world whose Secret holds a hand-made token with `over` (a young token: no rotation would be due). */
  async function handPlaced(over: Partial<Parameters<VaultStandIn["addToken"]>[0]>): Promise<World & { hand: string }> {
    const w = await world(2);
    const hand = w.vault.addToken({ policies: POLICIES, creationTime: now() - DAY, explicitMaxTtl: MAX, ...over });
    w.kube.secret.data.token = Buffer.from(hand).toString("base64");
    return { ...w, hand };
  }

  test.each([
    ["extra policies", { policies: [...POLICIES, "admin"] }, "carries policies the role does not give: admin"],
    ["no explicit max TTL (explicit_max_ttl 0)", { explicitMaxTtl: 0 }, "has no explicit max TTL (it could be renewed for ever)"],
    ["an explicit max TTL above the role's", { explicitMaxTtl: 10 * MAX }, `has an explicit max TTL of ${10 * MAX}s, above the role's ${MAX}s`],
    ["a TTL of 0 (a root-like token that never expires)", { ttl: 0, explicitMaxTtl: 0, policies: ["root"] }, "has a TTL of 0 (a token that never expires)"],
    ["a period above the role's", { period: 10 * PERIOD }, `has a period of ${10 * PERIOD}s, above the role's ${PERIOD}s`],
    ["identity policies on top", { identityPolicies: ["kv-admin"] }, "carries identity policies kv-admin"],
  ])("%s: not renewed; a successor minted through the role is stored, the hand-made token revoked, exit 1 naming why", async (_what, over, why) => {
    const w = await handPlaced(over);
    const r = await runScript(SCRIPT, envFor(w));
    expect(r.code).toBe(1);
    const hand = tokenState(w, w.hand);
    // No renew-self with the refused token: its life is never extended.
    expect(w.vault.trace()).toEqual([`lookup-self@${hand.accessor}`, `create@${hand.accessor}`, "lookup-self@acc-3", `revoke-self@${hand.accessor}`]);
    const successor = [...w.vault.tokens.entries()].find(([, t]) => t.accessor === "acc-3")![0];
    expect(w.kube.token).toBe(successor);
    expect(tokenState(w, successor)).toMatchObject({ policies: POLICIES, explicitMaxTtl: MAX, revoked: false });
    expect(hand.revoked).toBe(true);
    expect(r.stderr).toContain("refusing the token in the Secret");
    expect(r.stderr).toContain(why);
    expect(r.stderr).toContain('"step":"refused-token"');
    expectNothingLeaked(r, w);
  });

  test("a successor that would itself be refused (a role with extra allowed policies or no max TTL) is revoked and never written", async () => {
    const w = await world(25);
    w.vault.grantPolicies = [...POLICIES, "admin"];
    const r = await runScript(SCRIPT, envFor(w));
    expect(r.code).toBe(1);
    expect(w.kube.token).toBe(w.old);
    expect(w.vault.trace().slice(-1)).toEqual(["revoke-self@acc-2"]);
    expect(r.stderr).toContain("the successor carries policies the role does not give: admin");
  });
});

test.each([
  ["a server error", 500],
  ["a conflict (someone changed the Secret)", 409],
  ["RBAC denying update", 403],
])("Kubernetes update failure (%s): exit 1, the old token stays in the Secret and valid, the unused successor is revoked", async (_what, status) => {
  const w = await world(25);
  w.kube.failures.set("PUT", [status]);
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(1);
  expect(w.kube.token).toBe(w.old);
  expect(tokenState(w, w.old).revoked).toBe(false);
  // The old token is never revoked; the successor (acc-2) is, after the Secret was re-read.
  expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1", "lookup-self@acc-2", "revoke-self@acc-2"]);
  expect(w.kube.calls.map((c) => c.method)).toEqual(["GET", "PUT", "GET"]);
  expect(r.stderr).toContain(`HTTP ${status}`);
  expectNothingLeaked(r, w);
});

test("Kubernetes update failure and the Secret unreadable afterwards: neither token is revoked", async () => {
  const w = await world(25);
  w.kube.failures.set("PUT", [500]);
  w.kube.failures.set("GET", [null, 503]); // the first read works, the read-back after the failed write does not
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(1);
  expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1", "lookup-self@acc-2"]);
  expect([...w.vault.tokens.values()].every((t) => !t.revoked)).toBe(true);
  expect(r.stderr).toContain("neither token is revoked");
  expectNothingLeaked(r, w);
});

test("the write is applied but its answer lost (500): the Secret is re-read, holds the successor, and the rotation completes", async () => {
  const w = await world(25);
  w.kube.failAfterApply.push(500);
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(0);
  const successor = [...w.vault.tokens.entries()].find(([, t]) => t.accessor === "acc-2")![0];
  expect(w.kube.token).toBe(successor);
  expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1", "lookup-self@acc-2", "revoke-self@acc-1"]);
  expect(tokenState(w, successor).revoked).toBe(false);
  expect(r.stdout).toContain("holds the successor; continuing");
  expectNothingLeaked(r, w);
});

test("someone else replaced the Secret's token meanwhile (409): their token is kept, ours discarded, the old one not revoked", async () => {
  const w = await world(25);
  const theirs = w.vault.addToken({ policies: POLICIES, creationTime: now(), explicitMaxTtl: MAX, role: ROLE });
  w.kube.interloper = theirs;
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(1);
  expect(w.kube.token).toBe(theirs);
  expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1", "lookup-self@acc-3", "revoke-self@acc-3"]);
  expect(tokenState(w, w.old).revoked).toBe(false);
  expect(tokenState(w, theirs).revoked).toBe(false);
  expect(r.stdout + r.stderr).toContain("changed by someone else");
  expectNothingLeaked(r, w);
});

test.each([
  ["create", 500, ["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1"]],
  ["create", 503, ["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1"]],
])("Vault %s answering %i during rotation: exit 1, the Secret and the old token untouched", async (endpoint, status, trace) => {
  const w = await world(25);
  w.vault.failures.set(endpoint, status);
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(1);
  expect(w.vault.trace()).toEqual(trace);
  expect(w.kube.puts()).toHaveLength(0);
  expect(tokenState(w, w.old).revoked).toBe(false);
  expect(r.stderr).toContain(`HTTP ${status}`);
  expectNothingLeaked(r, w);
});

test("revoke of the old token fails after a good write: exit 1, the Secret holds the working successor", async () => {
  const w = await world(25);
  w.vault.failures.set("revoke-self", 500); // only the old token's revoke is reached
  const r = await runScript(SCRIPT, envFor(w));
  expect(r.code).toBe(1);
  const successor = [...w.vault.tokens.entries()].find(([, t]) => t.accessor === "acc-2")![0];
  expect(w.kube.token).toBe(successor);
  expect(tokenState(w, successor).revoked).toBe(false);
  expect(r.stderr).toContain("could not be revoked");
  expect(r.stderr).toContain("acc-1");
  expectNothingLeaked(r, w);
});

test("network failure: Vault unreachable (connection refused) -> exit 1, the Secret unchanged", async () => {
  const w = await world(25);
  const r = await runScript(SCRIPT, envFor(w, { VAULT_ADDR: await closedPortUrl() }));
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("ECONNREFUSED");
  expect(w.kube.puts()).toHaveLength(0);
  expect(w.kube.token).toBe(w.old);
  expectNothingLeaked(r, w);
});

test("network failure: Kubernetes API unreachable -> exit 1, Vault never called", async () => {
  const w = await world(25);
  const r = await runScript(SCRIPT, envFor(w, { KUBERNETES_API_URL: await closedPortUrl() }));
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("cannot reach the Kubernetes API");
  expect(w.vault.calls).toHaveLength(0);
  expectNothingLeaked(r, w);
});

test("a wrong service account token is rejected by the API (401): exit 1, Vault never called", async () => {
  const w = await world(2);
  const bad = path.join(tmp, "bad-token");
  fs.writeFileSync(bad, "not-the-sa-token");
  const r = await runScript(SCRIPT, envFor(w, { KUBERNETES_TOKEN_FILE: bad }));
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("HTTP 401");
  expect(w.vault.calls).toHaveLength(0);
});

test("missing settings fail before any call", async () => {
  const w = await world(2);
  const env = envFor(w);
  delete (env as Record<string, string | undefined>).VAULT_TOKEN_ROLE;
  const r = await runScript(SCRIPT, env);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("VAULT_TOKEN_ROLE is required");
  expect(w.vault.calls).toHaveLength(0);
  expect(w.kube.calls).toHaveLength(0);
});

describe("TLS to Vault", () => {
  const tls = () => ({ key: fs.readFileSync(path.join(TLS_DIR, "server.key"), "utf8"), cert: fs.readFileSync(path.join(TLS_DIR, "server.crt"), "utf8") });

  test("with VAULT_CACERT naming the CA that signed Vault's certificate, the run succeeds", async () => {
    const w = await world(2, tls());
    expect(w.vault.url.startsWith("https://")).toBe(true);
    const r = await runScript(SCRIPT, envFor(w, { VAULT_CACERT: path.join(TLS_DIR, "ca.crt") }));
    expect(r.code).toBe(0);
    expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1"]);
  });

  test("without it the certificate is not trusted: exit 1, nothing sent to Vault", async () => {
    const w = await world(2, tls());
    const r = await runScript(SCRIPT, envFor(w));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/certificate|UNABLE_TO_VERIFY|SELF_SIGNED/i);
    expect(w.vault.calls).toHaveLength(0);
    expectNothingLeaked(r, w);
  });

  test("the Kubernetes API over https is trusted through KUBERNETES_CA_FILE (the service account's ca.crt in the pod)", async () => {
    const w = await world(2);
    const kube = new KubeStandIn("external-secrets-credentials", "vault-token", "token", w.old, SA_TOKEN);
    await kube.start(tls());
    open.push(kube);
    expect(kube.url.startsWith("https://")).toBe(true);
    const ok = await runScript(SCRIPT, envFor(w, { KUBERNETES_API_URL: kube.url, KUBERNETES_CA_FILE: path.join(TLS_DIR, "ca.crt") }));
    expect(ok.code).toBe(0);
    expect(kube.calls.map((c) => c.method)).toEqual(["GET"]);
    const untrusted = await runScript(SCRIPT, envFor(w, { KUBERNETES_API_URL: kube.url }));
    expect(untrusted.code).toBe(1);
    expect(kube.calls).toHaveLength(1);
    expectNothingLeaked(untrusted, w);
  });
});

describe("the Vault stand-in refuses what hashicorp/vault vault/token_store.go handleCreateCommon refuses", () => {
  const post = async (w: World, body: unknown) => {
    const res = await fetch(`${w.vault.url}/v1/auth/token/create/${ROLE}`, { method: "POST", headers: { "X-Vault-Token": w.old, "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { errors?: string[] } };
  };
  test("a period without sudo, a policy outside allowed_policies, the disallowed 'default'", async () => {
    const w = await world(2);
    expect(await post(w, { policies: POLICIES, period: "604800s" })).toMatchObject({ status: 400, json: { errors: ["root or sudo privileges required to create periodic token"] } });
    expect((await post(w, { policies: [...POLICIES, "admin"] })).json.errors?.[0]).toContain("must be subset of the role's allowed policies");
    expect((await post(w, { policies: ["default"] })).json.errors?.[0]).toContain("must be subset");
    // What the script sends is accepted, and the successor takes the role's period and explicit max TTL.
    const ok = await post(w, { policies: POLICIES, no_default_policy: true, display_name: "eso-cluster-token", meta: { a: "b" } });
    expect(ok.status).toBe(200);
    const created = [...w.vault.tokens.values()].find((t) => t.accessor === "acc-2")!;
    expect(created).toMatchObject({ explicitMaxTtl: MAX, ttl: PERIOD, policies: POLICIES });
  });
});

describe("bootstrap mode (BOOTSTRAP_SECRET_NAME: the Job pulumi up runs whenever it mints a token)", () => {
  const BOOT = "vault-token-bootstrap";
  test("first deployment: the Secret holds the bootstrap token itself; it is rotated away at once and revoked", async () => {
    const w = await world(0);
    w.kube.addOther(BOOT, w.old);
    const r = await runScript(SCRIPT, envFor(w, { BOOTSTRAP_SECRET_NAME: BOOT }));
    expect(r.code).toBe(0);
    expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1", "lookup-self@acc-2", "revoke-self@acc-1"]);
    expect(w.kube.token).not.toBe(w.old);
    expect(tokenState(w, w.old).revoked).toBe(true);
    expect(tokenState(w, w.kube.token)).toMatchObject({ revoked: false, explicitMaxTtl: MAX });
    expectNothingLeaked(r, w);
  });
  test("after a refresh + up: the Secret's token is alive, so the new bootstrap token is only revoked", async () => {
    const w = await world(2);
    const boot = w.vault.addToken({ policies: POLICIES, creationTime: now(), explicitMaxTtl: DAY, role: ROLE });
    w.kube.addOther(BOOT, boot);
    const r = await runScript(SCRIPT, envFor(w, { BOOTSTRAP_SECRET_NAME: BOOT }));
    expect(r.code).toBe(0);
    expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "lookup-self@acc-1", "renew-self@acc-1", "revoke-self@acc-2"]);
    expect(w.kube.token).toBe(w.old);
    expect(tokenState(w, boot).revoked).toBe(true);
    expect(w.kube.puts()).toHaveLength(0);
    expectNothingLeaked(r, w);
  });
  test("the Secret's token is dead: the bootstrap token mints a successor once, which is stored, then it is revoked", async () => {
    const w = await world(2);
    tokenState(w, w.old).revoked = true;
    const boot = w.vault.addToken({ policies: POLICIES, creationTime: now(), explicitMaxTtl: DAY, role: ROLE });
    w.kube.addOther(BOOT, boot);
    const r = await runScript(SCRIPT, envFor(w, { BOOTSTRAP_SECRET_NAME: BOOT }));
    expect(r.code).toBe(0);
    expect(w.vault.trace()).toEqual(["lookup-self@acc-1", "lookup-self@acc-2", "renew-self@acc-2", "create@acc-2", "lookup-self@acc-3", "revoke-self@acc-2"]);
    expect(tokenState(w, w.kube.token)).toMatchObject({ accessor: "acc-3", revoked: false, explicitMaxTtl: MAX });
    expect(tokenState(w, boot).revoked).toBe(true);
    expectNothingLeaked(r, w);
  });
  test("the bootstrap token already gone (a re-run of the Job): exit 0, nothing written", async () => {
    const w = await world(2);
    const boot = w.vault.addToken({ policies: POLICIES, creationTime: now(), explicitMaxTtl: DAY, role: ROLE });
    tokenState(w, boot).revoked = true;
    w.kube.addOther(BOOT, boot);
    const r = await runScript(SCRIPT, envFor(w, { BOOTSTRAP_SECRET_NAME: BOOT }));
    expect(r.code).toBe(0);
    expect(w.kube.puts()).toHaveLength(0);
    expect(r.stdout).toContain("already gone");
  });
});
