/**
 * Tenants in files (`vault-eso:tenantFiles`) and tenant stacks
 * (`vault-eso:platform`, `vault-eso:shards`, the `tenantContract` output):
 * docs/sharding.md. Pure config checks first, then one platform run and
 * tenant-stack runs under the mock engine, through the CrossGuard pack.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseStackConfig, parseTenantStackConfig } from "../components/lib/config";
import { loadStack } from "../components/lib/stack-config";
import { buildPlatform } from "../components/platform";
import { buildTenantShard } from "../components/tenant-shard";
import type { TenantContract } from "../components/lib/shard-config";
import { generatedTenants } from "../scripts/lib/bench-config";
import { configExceedsExecLimit, pulumiConfigEnvBytes } from "./contracts/models/linux-exec-env";
import { flat, validSections } from "./helpers/fixtures";
import { fromRegistered, mutate, runGuard, violationsOf } from "./helpers/guard";
import { installMocks, provideStackOutputs, valueOf } from "./helpers/mocks";
import { readStackFile } from "./helpers/stack-file";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-shards-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const nodeFs = {
  readFile: (p: string) => fs.readFileSync(path.resolve(p), "utf8"),
  listDir: (d: string) => {
    try {
      return fs.readdirSync(path.resolve(d), { withFileTypes: true }).map((e) => ({ name: e.name, isDir: e.isDirectory() }));
    } catch {
      return undefined;
    }
  },
};
const parse = (sections: Record<string, unknown>) => parseStackConfig(flat(sections), { secretKeys: new Set(), ...nodeFs });
const problemsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.key} = ${p.value}: ${p.message}`);
    throw e;
  }
  return [];
};

/** 1,000 generated tenants (the bench's shape), ten per file. */
function writeTenantFiles(dir: string, n: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const all = generatedTenants(n);
  for (let f = 0; f * 10 < n; f++) fs.writeFileSync(path.join(dir, `team-${String(f).padStart(3, "0")}.yaml`), JSON.stringify(all.slice(f * 10, f * 10 + 10)));
}

describe("tenants in files: the stack config holds only where they are (pulumi-language-nodejs main.go constructConfig, linux fs/exec.c copy_strings)", () => {
  const dir = path.join(tmp, "thousand");
  beforeAll(() => writeTenantFiles(dir, 1000));

  test("1,000 tenants inline exceed the 128 KiB PULUMI_CONFIG string (E2BIG); as tenantFiles the config is tiny, and all 1,000 pass the schema", () => {
    const base = { ...validSections(), tenancy: { org: "acme", cluster: "c1" }, store: { allowAllNamespaces: true } };
    expect(configExceedsExecLimit(flat({ ...base, tenants: generatedTenants(1000) }))).toBe(true);
    const files = flat({ ...base, tenantFiles: `${dir}/*.yaml` });
    expect(pulumiConfigEnvBytes(files)).toBeLessThan(4096);
    const { config } = parseStackConfig(files, { secretKeys: new Set(), ...nodeFs });
    expect(config.tenants).toHaveLength(1000);
    expect(new Set(config.tenants.map((t) => t.subtree)).size).toBe(1000);
    expect(config.tenants[999]).toMatchObject({ name: "team-00999", subtree: "acme/dev/clusters/c1/apps/team-00999" });
  });

  test("a bad field in a file is named by its file and field; a duplicate names both places; a missing file names the entry", () => {
    const d = path.join(tmp, "bad");
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, "a.yaml"), "name: team-a\nexternalSecrets:\n  - name: Bad_Name\n    data: [{secretKey: p, remoteRef: {key: db}}]\n");
    fs.writeFileSync(path.join(d, "b.yaml"), "- name: team-b\n- name: team-a\n  owner: 'not a label!'\n");
    const problems = problemsOf(() => parse({ ...validSections(), tenants: [{ name: "team-b" }], tenantFiles: [d, path.join(tmp, "nope.yaml")] }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${d}/a\\.yaml: externalSecrets\\[0\\]\\.name = "Bad_Name": the ExternalSecret name must be a DNS-1123 subdomain`)),
        expect.stringMatching(new RegExp(`^${d}/b\\.yaml: \\[1\\]\\.owner = "not a label!": the owner label must be a valid label value`)),
        expect.stringMatching(new RegExp(`^vault-eso:tenantFiles = ".*nope\\.yaml": cannot be read \\(ENOENT\\)`)),
      ]),
    );
    const dup = problemsOf(() => parse({ ...validSections(), tenants: [{ name: "team-b" }], tenantFiles: path.join(d, "b.yaml") }));
    expect(dup).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${d}/b\\.yaml: \\[0\\]\\.name = "team-b": duplicates tenants\\[0\\]`))]));
  });
});

describe("the platform's vault-eso:shards: each tenant owned once", () => {
  test("a tenant claimed by two tenant stacks, or by a tenant stack and the platform itself, is refused naming both stacks", () => {
    const problems = problemsOf(() =>
      parse({ ...validSections(), tenants: [{ name: "team-a" }], shards: { "acme/vault-eso/pay": ["team-x", "team-a"], "acme/vault-eso/search": ["team-x"] } }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^vault-eso:shards\.acme\/vault-eso\/pay\[1\] = "team-a": tenant "team-a" is built by this platform stack .* and claimed by tenant stack "acme\/vault-eso\/pay"/),
      expect.stringMatching(/^vault-eso:shards\.acme\/vault-eso\/search\[0\] = "team-x": tenant "team-x" is claimed by two tenant stacks, "acme\/vault-eso\/pay" and "acme\/vault-eso\/search"/),
    ]);
  });
});

describe("tenant stacks on a platform's tenantContract (StackReference)", () => {
  const SHARDS = { "organization/vault-eso/team-c": ["team-c", "team-d"], "organization/vault-eso/team-e": ["team-e"] };
  let contract: TenantContract;

  beforeAll(async () => {
    // The dev stack as a platform (perTenant policies) that hands team-c..e to tenant stacks.
    const engine = installMocks("dev");
    const dev = readStackFile("dev");
    pulumi.runtime.setAllConfig({ ...dev.config, "vault-eso:shards": JSON.stringify(SHARDS) }, dev.secretKeys);
    const loaded = loadStack();
    if (loaded.kind !== "platform") throw new Error("dev is a platform stack");
    contract = await valueOf(buildPlatform(loaded, loaded.stack).outputs.tenantContract);
    await engine.settle();
  });

  async function runTenantStack(stack: string, tenants: unknown[]) {
    provideStackOutputs("organization/vault-eso/dev", { tenantContract: contract });
    const engine = installMocks(stack);
    pulumi.runtime.setAllConfig(flat({ platform: "organization/vault-eso/dev", tenants }), []);
    const loaded = loadStack();
    if (loaded.kind !== "tenant") throw new Error("a tenant stack");
    const shard = buildTenantShard(loaded);
    const result = await shard.ready.then(
      () => undefined,
      (e: unknown) => e,
    );
    await engine.settle();
    return { engine, error: result, shard };
  }

  test("the contract carries what a tenant needs, versioned, with the store audiences of storeTokenAudiences", () => {
    expect(contract).toMatchObject({
      version: 1,
      platformStack: "organization/vault-eso/dev",
      kv: { path: "secret", esoScope: "dev/shared" },
      kubernetesAuth: { path: "kubernetes", tokenReview: "clientJwt", storeAudiences: ["vault", "https://kubernetes.default.svc.cluster.local"] },
      tenancy: { mode: "isolated", policy: "perTenant", developerClusterRole: "namespace-developer" },
      platformTenants: ["team-a", "team-b"],
      shards: SHARDS,
    });
  });

  test("a tenant stack builds only its tenants; the CrossGuard pack passes on it and catches a widened tenant policy", async () => {
    const { engine, error } = await runTenantStack("team-c", [{ name: "team-c", externalSecrets: [{ name: "db", data: [{ secretKey: "p", remoteRef: { key: "db", property: "p" } }] }] }, { name: "team-d" }]);
    expect(error).toBeUndefined();
    const ns = engine.ofType("kubernetes:core/v1:Namespace").map((r) => r.inputs.metadata.name);
    expect(ns.sort()).toEqual(["team-c", "team-d"]);
    // Nothing of the platform is registered again: no mount, auth backend, ClusterSecretStore, ESO release.
    expect(engine.resources.filter((r) => /Mount|AuthBackend:|ClusterSecretStore|Release|ClusterRole:/.test(r.type))).toEqual([]);
    const roles = engine.ofType("vault:kubernetes/authBackendRole:AuthBackendRole");
    expect(roles.map((r) => [r.inputs.roleName, r.inputs.backend, r.inputs.audience])).toEqual([
      ["tenant-team-c", "kubernetes", "vault"],
      ["tenant-team-d", "kubernetes", "vault"],
    ]);
    const stores = engine.ofType("kubernetes:external-secrets.io/v1:SecretStore");
    expect(stores[0].inputs.spec.provider.vault.auth.kubernetes.serviceAccountRef.audiences).toEqual(contract.kubernetesAuth.storeAudiences);
    const resources = fromRegistered(engine.resources, "team-c");
    // The dev platform's Vault is plain http: its tenant stacks are accepted like the dev stack, by name.
    const packConfig = { "store-server-https": { httpAllowedStacks: ["dev", "team-c"] } };
    expect(violationsOf(await runGuard(resources))).toEqual([expect.stringMatching(/^store-server-https: SecretStore "vault" reaches Vault at http:/), expect.stringMatching(/^store-server-https:/)]);
    expect(await runGuard(resources, packConfig)).toEqual([]);
    const broken = mutate(resources, (r) => r.type === "vault:index/policy:Policy" && r.props.name === "tenant-team-c", (r) => ({
      ...r,
      props: { ...r.props, policy: r.props.policy.replaceAll("apps/team-c/*", "apps/team*") },
    }));
    expect(violationsOf(await runGuard(broken, packConfig))).toEqual(expect.arrayContaining([expect.stringMatching(/^tenant-policy-in-subtree: .* no segment named after tenant "team-c"/)]));
  });

  test("a tenant another stack owns, one not assigned, and one the platform builds are refused naming both stacks, before anything registers", async () => {
    const { engine, error } = await runTenantStack("team-c", [{ name: "team-c" }, { name: "team-e" }, { name: "team-z" }, { name: "team-a" }]);
    expect(error).toBeInstanceOf(ConfigError);
    const messages = (error as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^vault-eso:tenants\[1\]\.name: tenant "team-e" is owned by the tenant stack "organization\/vault-eso\/team-e" .* not by this stack "organization\/vault-eso\/team-c"/),
      expect.stringMatching(/^vault-eso:tenants\[2\]\.name: tenant "team-z" is not assigned to this tenant stack "organization\/vault-eso\/team-c" by the platform stack "organization\/vault-eso\/dev"/),
      expect.stringMatching(/^vault-eso:tenants\[3\]\.name: tenant "team-a" is built by the platform stack "organization\/vault-eso\/dev" itself; this tenant stack "organization\/vault-eso\/team-c"/),
    ]);
    // Only the StackReference read reached the engine: no provider, no tenant object.
    expect(engine.resources.map((r) => [r.type, r.read])).toEqual([["pulumi:pulumi:StackReference", true]]);
  });

  test("a platform keys a tenant stack may not set, and a contract of another version, are refused", () => {
    const problems = problemsOf(() => parseTenantStackConfig(flat({ platform: "organization/vault-eso/dev", kv: { path: "x" } }), { secretKeys: new Set(), ...nodeFs }));
    expect(problems).toEqual([expect.stringMatching(/^vault-eso:kv = .*: is not a known setting in a tenant stack/)]);
  });
});
