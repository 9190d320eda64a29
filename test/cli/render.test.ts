/**
 * `npm run render`: the real CLI in fresh processes (as a user runs it), and
 * the file builder in-process for cases no stack file can produce.
 */
import { runScript, type Run } from "../helpers/script-run";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { renderCaptured, REDACTED_MARK, SECRET_MARK } from "../../scripts/lib/render-files";
import type { Captured } from "../../scripts/lib/capture";
import { graphDepth } from "../../scripts/lib/graph";
import { compileAcl } from "../../policies/vault/acl";
import { parsePolicyHcl } from "../../policies/vault/hcl";

const render = (args: string[]) => runScript("scripts/render.ts", args);

/** Every file under `dir`, relative path -> bytes. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-render-"));
const devA = path.join(tmp, "dev-a");
const devB = path.join(tmp, "dev-b");
const prodOut = path.join(tmp, "prod");
const badOut = path.join(tmp, "bad");
const prodWithToken = path.join(tmp, "Pulumi.prod-token.yaml");
const badConfig = path.join(tmp, "Pulumi.bad.yaml");
const runs: Record<string, Run> = {};

beforeAll(async () => {
  // prod plus an encrypted Vault token, as `pulumi config set --secret` writes it.
  const prod = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, unknown> };
  prod.config["vault-eso:vaultToken"] = { secure: "v1:CIPHERTEXT-THAT-MUST-NOT-APPEAR" };
  fs.writeFileSync(prodWithToken, JSON.stringify(prod));
  const dev = parse(fs.readFileSync("Pulumi.dev.yaml", "utf8")) as { config: Record<string, any> };
  dev.config["vault-eso:kv"] = { path: "secret/data" };
  fs.writeFileSync(badConfig, JSON.stringify(dev));

  const [a, b, p, bad, cfg] = await Promise.all([
    render(["dev", "--out", devA]),
    render(["dev", "--out", devB]),
    render([prodWithToken, "--out", prodOut]),
    render(["dev", "--out", badOut, "--program", "test/fixtures/invalid-program.ts"]),
    render([badConfig, "--out", path.join(tmp, "bad-config")]),
  ]);
  Object.assign(runs, { a, b, p, bad, cfg });
}, 60000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("dev renders: objects, policies, Vault resources, Helm release, graph and summary", () => {
  // The one expected warning: the repository's kind-ca.pem is an example until a user writes their cluster's CA over it.
  expect(runs.a.stderr).toMatch(/^(warning: \[runtime\] kubernetesAuth\.caCertFile \(kind-ca\.pem\) is the repository's EXAMPLE CA[^\n]*\n)?$/);
  expect(runs.a.code).toBe(0);
  const files = [...tree(devA).keys()];
  for (const f of [
    "kubernetes/_cluster/ClusterSecretStore.vault-backend.yaml",
    "kubernetes/_cluster/Namespace.team-a.yaml",
    "kubernetes/team-a/SecretStore.vault.yaml",
    "kubernetes/team-a/ExternalSecret.db.yaml",
    "vault/policies/external-secrets-read.hcl",
    "vault/policies/tenant-team-a.hcl",
    "vault/deployer-policy.hcl",
    "vault/deployer-calls.yaml",
    "vault/Mount/vault-kv.yaml",
    "vault/AuthBackend/vault-k8s-auth.yaml",
    "vault/kubernetes.AuthBackendRole/tenant-team-a-role.yaml",
    "helm/eso-chart.yaml",
    "graph.mmd",
    "resources.yaml",
    "summary.txt",
  ]) {
    expect(files).toContain(f);
  }
  const store = parse(fs.readFileSync(path.join(devA, "kubernetes/team-a/SecretStore.vault.yaml"), "utf8"));
  expect(store).toMatchObject({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { namespace: "team-a" } });
  expect(fs.readFileSync(path.join(devA, "vault/policies/tenant-team-a.hcl"), "utf8")).toContain('path "secret/data/acme/dev/clusters/kind/apps/team-a/*"');
  const mount = parse(fs.readFileSync(path.join(devA, "vault/Mount/vault-kv.yaml"), "utf8"));
  // Pulumi.dev.yaml adopts `vault server -dev`'s secret/ (vault-eso:adopt.kvMount): the render shows the import.
  expect(mount.options).toEqual({ importId: "secret", protect: true, retainOnDelete: true });
  expect(runs.a.stdout).toMatch(/^stack dev: \d+ resources/);
  expect(runs.a.stdout).toMatch(/vault:index\/policy:Policy\s+4\n/);
  expect(runs.a.stdout).toMatch(/tenants: 2 \(team-a, team-b\)/);
  expect(fs.readFileSync(path.join(devA, "graph.mmd"), "utf8")).toMatch(/^%%.*\nflowchart LR\n/);
});

test("the deployer's least-privilege Vault policy is rendered next to the stack's policies, with each call it allows (policies/vault/deployer.ts)", async () => {
  const hcl = fs.readFileSync(path.join(devA, "vault/deployer-policy.hcl"), "utf8");
  const policy = await parsePolicyHcl("vault-eso-deployer", hcl);
  const acl = compileAcl([policy]);
  expect([acl.allows("update", "sys/auth/kubernetes"), acl.allows("sudo", "sys/auth/kubernetes"), acl.allows("update", "sys/policies/acl/tenant-team-a")]).toEqual([true, true, true]);
  expect([acl.allows("delete", "sys/mounts/secret"), acl.allows("update", "sys/audit/file"), acl.allows("read", "secret/data/dev/shared/x")]).toEqual([false, false, false]);
  const calls = parse(fs.readFileSync(path.join(devA, "vault/deployer-calls.yaml"), "utf8")) as Array<{ phase: string; path: string; source: string }>;
  expect(new Set(calls.map((c) => c.phase))).toEqual(new Set(["startup", "create", "read", "update", "delete"]));
  expect(calls.every((c) => /hashicorp\/terraform-provider-vault@v5\.8\.0 /.test(c.source))).toBe(true);
  // prod: the audit devices need sudo on sys/audit and sys/audit/<path>.
  const prod = compileAcl([await parsePolicyHcl("d", fs.readFileSync(path.join(prodOut, "vault/deployer-policy.hcl"), "utf8"))]);
  expect([prod.allows("sudo", "sys/audit"), prod.allows("sudo", "sys/audit/file"), prod.allows("update", "sys/audit/syslog")]).toEqual([true, true, true]);
});

test("the read-only CI identities' policies (preview, drift) are rendered beside the deployer's: reads only, enough for every read of the stack (policies/vault/ci-policies.ts)", async () => {
  for (const dir of [devA, prodOut]) {
    const deployerCalls = parse(fs.readFileSync(path.join(dir, "vault/deployer-calls.yaml"), "utf8")) as Array<{ phase: string; path: string; capability: string; sudo: boolean }>;
    const preview = await parsePolicyHcl("p", fs.readFileSync(path.join(dir, "vault/preview-policy.hcl"), "utf8"));
    expect(preview.rules.filter((r) => r.capabilities.join() !== "read")).toEqual([]);
    const acl = compileAcl([preview]);
    const reads = deployerCalls.filter((c) => c.capability === "read" && !c.sudo && (c.phase === "read" || c.phase === "startup"));
    expect(reads.length).toBeGreaterThan(5);
    expect(reads.filter((c) => !acl.allows("read", c.path)).map((c) => c.path)).toEqual([]);
    const writes = deployerCalls.filter((c) => ["create", "update", "delete"].includes(c.capability) || c.sudo);
    expect(writes.filter((c) => acl.allows(c.capability as "create", c.path) && (!c.sudo || acl.allows("sudo", c.path))).map((c) => `${c.capability} ${c.path}`)).toEqual([]);
    const drift = compileAcl([await parsePolicyHcl("d", fs.readFileSync(path.join(dir, "vault/drift-policy.hcl"), "utf8"))]);
    expect(deployerCalls.filter((c) => c.phase === "read" && !(drift.allows(c.capability as "read", c.path) && (!c.sudo || drift.allows("sudo", c.path)))).map((c) => c.path)).toEqual([]);
    expect(fs.existsSync(path.join(dir, "vault/preview-calls.yaml")) && fs.existsSync(path.join(dir, "vault/drift-calls.yaml"))).toBe(true);
  }
});

test("same config, same bytes", () => {
  const a = tree(devA);
  const b = tree(devB);
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [f, bytes] of a) expect({ f, same: bytes.equals(b.get(f)!) }).toEqual({ f, same: true });
});

test("graph: tenants wait only for ESO's release and the auth config, and the depth stays within 6", () => {
  const resources = parse(fs.readFileSync(path.join(devA, "resources.yaml"), "utf8")) as Array<{ urn: string; dependsOn?: string[] }>;
  const byName = (n: string) => resources.find((r) => r.urn.endsWith(`::${n}`))!;
  const storeDeps = byName("tenant-team-a-store").dependsOn!.map((u) => u.split("::").pop());
  expect(storeDeps).toEqual(expect.arrayContaining(["eso-chart", "vault-k8s-auth-config", "tenant-team-a-role", "tenant-team-a-sa"]));
  expect(byName("tenant-team-a-ns").dependsOn).toBeUndefined();
  const depth = Number(/graph depth: (\d+)/.exec(runs.a.stdout)![1]);
  expect(depth).toBeLessThanOrEqual(6);
  expect(Number(/graph depth: (\d+)/.exec(runs.p.stdout)![1])).toBeLessThanOrEqual(6);
});

test("secrets are never written: config secrets and secret inputs render as [secret]", () => {
  expect(runs.p.code).toBe(0);
  const provider = parse(fs.readFileSync(path.join(prodOut, "providers/vault.yaml"), "utf8"));
  expect(provider.inputs.token).toBe(SECRET_MARK);
  const authConfig = parse(fs.readFileSync(path.join(prodOut, "vault/kubernetes.AuthBackendConfig/vault-k8s-auth-config.yaml"), "utf8"));
  expect(authConfig.inputs.tokenReviewerJwt).toBe(SECRET_MARK);
  for (const [f, bytes] of tree(prodOut)) {
    const text = bytes.toString("utf8");
    for (const leak of ["CIPHERTEXT", "test-secret-for-", "mock-reviewer"]) expect({ f, leak, found: text.includes(leak) }).toEqual({ f, leak, found: false });
  }
});

test("an invalid object fails the render, naming the object and the problem", () => {
  expect(runs.bad.code).toBe(1);
  expect(runs.bad.stderr).toMatch(/2 invalid object/);
  expect(runs.bad.stderr).toMatch(/kubernetes:core\/v1:Namespace bad-ns: .*metadata\.name "Team_A" is not a valid Namespace name/);
  expect(runs.bad.stderr).toMatch(/vault:index\/policy:Policy bad-policy \(policy "broken"\): HCL does not parse/);
  expect(runs.bad.stderr).not.toMatch(/good-ns/);
  // Files are still written for inspection, including a provider-implemented (remote) component.
  const chart = parse(fs.readFileSync(path.join(badOut, "helm/fixture-chart.yaml"), "utf8"));
  expect(chart).toMatchObject({ type: "kubernetes:helm.sh/v4:Chart", inputs: { chart: "oci://example.invalid/charts/demo", version: "1.2.3", values: { replicas: 2 } } });
});

test("bad config fails the render with the config error, and nothing is written", () => {
  expect(runs.cfg.code).toBe(1);
  expect(runs.cfg.stderr).toMatch(/vault-eso:kv\.path = "secret\/data"/);
  expect(fs.existsSync(path.join(tmp, "bad-config"))).toBe(false);
});

test("refuses to replace a directory it did not write", async () => {
  const mine = path.join(tmp, "not-render");
  fs.mkdirSync(mine);
  fs.writeFileSync(path.join(mine, "keep.txt"), "mine");
  const run = await render(["dev", "--out", mine]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/refusing to replace it/);
  expect(fs.readFileSync(path.join(mine, "keep.txt"), "utf8")).toBe("mine");
}, 30000);

// ---- the file builder, in-process

const SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
function captured(type: string, name: string, inputs: Record<string, unknown>, more: Partial<Captured> = {}): Captured {
  return { urn: `urn:pulumi:t::p::${type}::${name}`, type, name, custom: true, dependencies: [], inputs, options: {}, ...more };
}

test("Secret data and stringData values are redacted whether or not they were Pulumi secrets", async () => {
  const secret = captured("kubernetes:core/v1:Secret", "s", {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "db", namespace: "team-a" },
    data: { password: { ...SIG, value: Buffer.from("hunter2").toString("base64") } },
    stringData: { user: "admin" },
  }, { options: { additionalSecretOutputs: ["data", "stringData"] } });
  const out = await renderCaptured([secret], "t");
  expect(out.problems).toEqual([]);
  const text = out.files.get("kubernetes/team-a/Secret.db.yaml")!;
  expect(parse(text)).toMatchObject({ data: { password: REDACTED_MARK }, stringData: { user: REDACTED_MARK } });
  expect(text).not.toMatch(/aHVudGVyMg|admin/);
});

test("an input named in additionalSecretOutputs is written as [secret] even when passed plain", async () => {
  const r = captured("vault:index/token:Token", "t", { policies: ["p"], clientToken: "hvs.plain" }, { options: { additionalSecretOutputs: ["clientToken"] } });
  const out = await renderCaptured([r], "t");
  const text = out.files.get("vault/Token/t.yaml")!;
  expect(parse(text).inputs).toEqual({ clientToken: SECRET_MARK, policies: ["p"] });
  expect(text).not.toContain("hvs.plain");
});

test("unknown resource types still render, as YAML of their inputs with secrets marked", async () => {
  const out = await renderCaptured([captured("acme:index/widget:Widget", "w", { size: 3, key: { ...SIG, value: "k" } })], "t");
  expect(parse(out.files.get("other/acme_index_widget_Widget/w.yaml")!)).toEqual({ type: "acme:index/widget:Widget", name: "w", inputs: { key: SECRET_MARK, size: 3 } });
});

test("two resources declaring the same object are reported", async () => {
  const ns = (n: string) => captured("kubernetes:core/v1:Namespace", n, { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } });
  const out = await renderCaptured([ns("a"), ns("b")], "t");
  expect(out.problems.map((p) => p.problem).join()).toMatch(/two resources declare the same object/);
});

test("graph depth counts custom resources on the longest waits-for chain; components pass through", () => {
  const u = (n: string) => `urn:pulumi:t::p::x::${n}`;
  const node = (n: string, custom: boolean, deps: string[] = [], parent?: string) => ({ urn: u(n), type: "x", name: n, custom, dependencies: deps.map(u), parent: parent && u(parent) });
  // a -> comp(dependsOn a) -> child -> grandchild ; b alone
  const nodes = [node("a", true), node("comp", false, ["a"]), node("child", true, [], "comp"), node("gc", true, ["child"]), node("b", true)];
  expect(graphDepth(nodes)).toEqual({ depth: 3, chain: [u("a"), u("child"), u("gc")] });
});

test("the prod summary tells each tenant's team its day-two lines: the Reloader annotation (targets escaped as Reloader matches them) and who writes its secrets", () => {
  expect(runs.p.code).toBe(0);
  const summary = fs.readFileSync(path.join(prodOut, "summary.txt"), "utf8");
  expect(summary).toContain('tenant billing:\n  restart on change: annotate workloads with secret.reloader.stakater.com/reload: "postgres" (or reloader.stakater.com/auto: "true")\n  writers: Vault group tenant-billing-writers <- SSO group "billing-secret-admins" on auth_oidc_5f1c9a2e');
  expect(summary).toContain('tenant checkout:\n  writers: Vault group tenant-checkout-writers <- SSO group "payments-secret-admins" on auth_oidc_5f1c9a2e');
  // search has neither: no lines for it.
  expect(summary).not.toContain("tenant search:");
  expect(fs.existsSync(path.join(prodOut, "helm/reloader-chart.yaml"))).toBe(true);
});
