/**
 * Tenant stacks (`vault-eso:platform`) on a platform's `tenantContract`
 * output, read through a StackReference the mock engine answers: ownership
 * refusals before anything registers, and the CrossGuard pack over a tenant
 * stack (docs/sharding.md).
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseTenantStackConfig, resolveShardTenants } from "../components/config/config";
import { loadStack, nodeTenantFileSystem } from "../components/config/stack-config";
import { buildPlatform } from "../components/platform";
import { buildTenantShard } from "../components/tenants/tenant-shard";
import type { TenantContract } from "../components/tenants/shard-config";
import { configProblemLines as problemsOf, flat } from "./helpers/fixtures";
import { fromRegistered, mutate, runGuard, violationsOf } from "./helpers/guard";
import { installMocks, MockEngine, provideStackOutputs, Registered, valueOf } from "./helpers/mocks";
import { emittedTenants, isolationViolations } from "./helpers/isolation";
import { readStackFile } from "./helpers/stack-file";

const nodeFs = nodeTenantFileSystem();

describe("tenant stacks on a platform's tenantContract (StackReference)", () => {
  const SHARDS = { "organization/vault-eso/team-c": ["team-c", "team-d"], "organization/vault-eso/team-e": ["team-e"] };
  let contract: TenantContract;
  let platformEngine: MockEngine;

  beforeAll(async () => {
    // The dev stack as a platform (perTenant policies) that hands team-c..e to tenant stacks.
    const engine = installMocks("dev");
    platformEngine = engine;
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
    const { config } = parseTenantStackConfig(flat({ platform: "organization/vault-eso/dev", tenants: [{ name: "team-c" }] }), { secretKeys: new Set(), ...nodeFs });
    expect(resolveShardTenants(config, contract, "organization/vault-eso/team-c").tenants.map((t) => t.subtree)).toEqual(["acme/dev/clusters/kind/apps/team-c"]);
    expect(problemsOf(() => resolveShardTenants(config, { ...contract, version: 2 }, "organization/vault-eso/team-c"))).toEqual([
      expect.stringMatching(/^vault-eso:platform = .*: the platform stack "organization\/vault-eso\/dev" publishes tenantContract version 2, and this program reads version 1/),
    ]);
    expect(problemsOf(() => resolveShardTenants(config, undefined, "organization/vault-eso/team-c"))).toEqual([expect.stringMatching(/has no "tenantContract" output/)]);
  });

  test("a tenant stack judges its keys by the path ESO requests on the platform's mount (external-secrets buildPath)", () => {
    const es = { name: "app", data: [{ secretKey: "p", remoteRef: { key: `${contract.kv.path}/x` } }] };
    const { config } = parseTenantStackConfig(flat({ platform: "organization/vault-eso/dev", tenants: [{ name: "team-c", externalSecrets: [es] }] }), { secretKeys: new Set(), ...nodeFs });
    expect(problemsOf(() => resolveShardTenants(config, contract, "organization/vault-eso/team-c"))).toEqual([
      expect.stringMatching(new RegExp(`^vault-eso:tenants\\[0\\]\\.externalSecrets\\[0\\]\\.data\\[0\\]\\.remoteRef\\.key = "${contract.kv.path}/x": remoteRef\\.key starts with "${contract.kv.path}/".*ESO would request`)),
    ]);
  });

  test("isolation holds across stacks: the platform's tenants and two tenant stacks' tenants, each reaching only its own subtree (Vault's ACL rules, policies/vault/acl.ts)", async () => {
    const c = await runTenantStack("team-c", [{ name: "team-c" }, { name: "team-d" }]);
    const e = await runTenantStack("team-e", [{ name: "team-e" }]);
    expect([c.error, e.error]).toEqual([undefined, undefined]);
    const all: Registered[] = [...platformEngine.resources, ...c.engine.resources, ...e.engine.resources];
    const union = { resources: all, ofType: (t: string) => all.filter((r) => r.type === t) } as unknown as MockEngine;
    const tenants = await emittedTenants(union, "secret", ["team-a"]);
    expect(tenants.map((t) => t.name).sort()).toEqual(["team-a", "team-b", "team-c", "team-d", "team-e"]);
    expect(isolationViolations("secret", tenants, "vault-secrets")).toEqual([]);
    // The proof can fail: team-e's policy widened to its neighbours' parent is caught.
    const widened = tenants.map((t) => (t.name !== "team-e" ? t : { ...t, policies: t.policies.map((p) => ({ ...p, rules: p.rules.map((r) => ({ ...r, path: r.path.replace("apps/team-e/", "apps/") })) })) }));
    expect(isolationViolations("secret", widened, "vault-secrets")).toEqual(expect.arrayContaining([expect.stringMatching(/^team-e can read secret\/data\/acme\/dev\/clusters\/kind\/apps\/team-c\/db$/)]));
  });

  test("templated platform (examples/sharding): the roles attach the platform's policy; the pack evaluates it from tenantContract.tenancy.templatedPolicy (externalPolicies) and catches a widened one", async () => {
    const platformEngine2 = installMocks("platform", "vault-eso", "acme");
    const example = readStackFile("examples/sharding/Pulumi.platform.yaml");
    pulumi.runtime.setAllConfig(example.config, example.secretKeys);
    const loaded = loadStack();
    if (loaded.kind !== "platform") throw new Error("a platform stack");
    const templated = await valueOf(buildPlatform(loaded, loaded.stack).outputs.tenantContract);
    await platformEngine2.settle();
    expect(templated.tenancy).toMatchObject({ policy: "templated", templatedPolicyName: "vault-eso-tenants", templatedPolicy: expect.stringContaining("{{identity.entity.aliases.") });
    provideStackOutputs("acme/vault-eso/platform", { tenantContract: templated });
    const engine = installMocks("team-payments", "vault-eso", "acme");
    const stack = readStackFile("examples/sharding/Pulumi.team-payments.yaml");
    pulumi.runtime.setAllConfig(stack.config, stack.secretKeys);
    const tenant = loadStack();
    if (tenant.kind !== "tenant") throw new Error("a tenant stack");
    await buildTenantShard(tenant).ready;
    await engine.settle();
    const resources = fromRegistered(engine.resources, "team-payments");
    expect(resources.filter((r) => r.type === "vault:kubernetes/authBackendRole:AuthBackendRole").map((r) => [r.props.roleName, r.props.tokenPolicies])).toEqual([
      ["tenant-checkout", ["vault-eso-tenants"]],
      ["tenant-refunds", ["vault-eso-tenants"]],
    ]);
    expect(violationsOf(await runGuard(resources))).toEqual([
      expect.stringMatching(/^tenant-reach-disjoint: tenant "checkout" .* attaches policy "vault-eso-tenants", which this stack does not write/),
      expect.stringMatching(/^tenant-reach-disjoint: tenant "refunds" /),
    ]);
    const external = (text: string) => ({ "tenant-reach-disjoint": { externalPolicies: { "vault-eso-tenants": text } } });
    expect(await runGuard(resources, external(templated.tenancy.templatedPolicy!))).toEqual([]);
    const widened = templated.tenancy.templatedPolicy!.replace(/apps\/\{\{[^}]+\}\}\/\*/, "apps/*");
    expect(violationsOf(await runGuard(resources, external(widened)))).toEqual([expect.stringMatching(/^tenant-reach-disjoint: tenants "checkout" and "refunds" both reach/)]);
  });
});