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
import { compileAcl } from "../policies/vault/acl";
import { normaliseVaultName, vaultObjectKey, vaultObjectsOfResource } from "../policies/vault/names";
import { shardVaultObjects } from "../components/tenants/shard-config";
import { buildDeployerPolicy, DeployedResource, SELECTOR_DENIED } from "../policies/vault/deployer";
import { parsePolicy } from "../policies/vault/hcl";
import { tenantDeployerReachProblems, writableRequests } from "../policies/vault/tenant-deployer-reach";
import { renderCaptured } from "../scripts/lib/render-files";
import type { Captured } from "../scripts/lib/capture";

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

  async function runTenantStack(stack: string, tenants: unknown[], published: TenantContract = contract) {
    provideStackOutputs("organization/vault-eso/dev", { tenantContract: published });
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
      version: 2,
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
    expect(problemsOf(() => resolveShardTenants(config, { ...contract, version: 3 }, "organization/vault-eso/team-c"))).toEqual([
      expect.stringMatching(/^vault-eso:platform = .*: the platform stack "organization\/vault-eso\/dev" publishes tenantContract version 3, and this program reads version 2/),
    ]);
    // A version-1 contract (no vaultObjects) is refused, saying why and what to do.
    const { vaultObjects: _v, ...v1 } = { ...contract, version: 1 };
    expect(problemsOf(() => resolveShardTenants(config, v1, "organization/vault-eso/team-c"))).toEqual([
      expect.stringMatching(/publishes tenantContract version 1, and this program reads version 2: version 1 does not list the Vault objects .* Fix: run pulumi up on the platform stack/),
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

  test("the contract publishes every Vault object the platform writes (checked against what it registers) and every object each tenant stack's tenants may write, keyed as Vault stores names", () => {
    const registered = platformEngine.resources.flatMap((r) => vaultObjectsOfResource(r.type, r.inputs)).map(vaultObjectKey);
    expect(registered.length).toBeGreaterThan(4);
    expect(registered.filter((k) => !contract.vaultObjects.platform.includes(k))).toEqual([]);
    expect(contract.vaultObjects.shards["organization/vault-eso/team-c"]).toEqual([
      "kubernetesRole:kubernetes/tenant-team-c",
      "kubernetesRole:kubernetes/tenant-team-d",
      "policy:tenant-team-c",
      "policy:tenant-team-c-push",
      "policy:tenant-team-d",
      "policy:tenant-team-d-push",
    ]);
    expect(normaliseVaultName("policy", "  Tenant-Team-C\n")).toBe("tenant-team-c");
    expect(vaultObjectKey({ kind: "kubernetesRole", name: "Tenant-X", scope: "/kubernetes/" })).toBe("kubernetesRole:kubernetes/tenant-x");
  });

  test("a tenant stack refuses a tenant whose Vault objects another stack writes, naming both stacks and the object, before anything registers: a platform object equal up to case, and another tenant stack's derived push policy", async () => {
    // The platform's ESO role named like team-d's role, in other case: the Kubernetes auth plugin stores both as role/tenant-team-d.
    const engine = installMocks("dev");
    const dev = readStackFile("dev");
    const eso = { ...(JSON.parse(dev.config["vault-eso:eso"] ?? "{}") as Record<string, unknown>), role: "Tenant-Team-D" };
    pulumi.runtime.setAllConfig({ ...dev.config, "vault-eso:eso": JSON.stringify(eso), "vault-eso:shards": JSON.stringify(SHARDS) }, dev.secretKeys);
    const loaded = loadStack();
    if (loaded.kind !== "platform") throw new Error("dev is a platform stack");
    const clashing = await valueOf(buildPlatform(loaded, loaded.stack).outputs.tenantContract);
    await engine.settle();
    const a = await runTenantStack("team-c", [{ name: "team-c" }, { name: "team-d" }], clashing);
    expect(a.error).toBeInstanceOf(ConfigError);
    expect((a.error as ConfigError).problems.map((p) => `${p.key}: ${p.message}`)).toEqual([
      expect.stringMatching(/^vault-eso:tenants\[1\]\.name: Kubernetes auth role "kubernetes\/tenant-team-d" of this tenant is also written by the platform stack "organization\/vault-eso\/dev"/),
    ]);
    expect(a.engine.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:StackReference"]);
    // Another tenant stack's tenant "team-e" may turn on push: its policy tenant-team-e-push is a tenant "team-e-push"'s own policy.
    const shards = { ...SHARDS, "organization/vault-eso/team-c": ["team-c", "team-d", "team-e-push"] };
    const forged = { ...contract, shards, vaultObjects: { ...contract.vaultObjects, shards: shardVaultObjects(shards, "perTenant", "kubernetes") } };
    const b = await runTenantStack("team-c", [{ name: "team-e-push" }], forged);
    expect((b.error as ConfigError).problems.map((p) => `${p.key}: ${p.message}`)).toEqual([
      expect.stringMatching(/^vault-eso:tenants\[0\]\.name: Vault policy "tenant-team-e-push" of this tenant \(tenant stack "organization\/vault-eso\/team-c"\) may also be written by the tenant stack "organization\/vault-eso\/team-e"/),
    ]);
    expect(b.engine.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:StackReference"]);
  });

  test("the platform refuses an assignment under which two stacks derive one Vault object (the derived name of one, the own name of another), naming both", () => {
    const dev = readStackFile("dev");
    const shards = { "organization/vault-eso/team-c": ["team-c"], "organization/vault-eso/team-e": ["team-c-push"] };
    installMocks("dev");
    pulumi.runtime.setAllConfig({ ...dev.config, "vault-eso:shards": JSON.stringify(shards) }, dev.secretKeys);
    expect(problemsOf(() => loadStack())).toEqual([
      expect.stringMatching(/^vault-eso:shards\.organization\/vault-eso\/team-e = .*: Vault policy "tenant-team-c-push" would be written by tenant stack "organization\/vault-eso\/team-c" \(tenant "team-c"\) and tenant stack "organization\/vault-eso\/team-e" \(tenant "team-c-push"\)/),
    ]);
  });

  test("a tenant stack's deploy token (rendered deployer policy) can write only its tenants' reviewed policy texts and role bindings: every request Vault lets through is enumerated and judged (parameter constraints)", async () => {
    const push = { secrets: [{ name: "p", secretName: "s", data: [{ secretKey: "k", remoteKey: "gen/k" }] }] };
    const { engine, error } = await runTenantStack("team-c", [{ name: "team-c", push }, { name: "team-d" }]);
    expect(error).toBeUndefined();
    const registered = engine.resources.filter((r) => !r.read);
    const captured: Captured[] = registered.map((r) => ({ urn: `urn:pulumi:team-c::vault-eso::${r.type}::${r.name}`, type: r.type, name: r.name, custom: true, dependencies: [], inputs: r.inputs, options: { retainOnDelete: r.retainOnDelete } }));
    const rendered = await renderCaptured(captured, "team-c", { tenantStack: true });
    const deployer = parsePolicy("tenant-stack-deployer", rendered.files.get("vault/deployer-policy.hcl")!);
    const sub = (t: string) => `acme/dev/clusters/kind/apps/${t}`;
    const scope = {
      kvMount: "secret",
      subtrees: [sub("team-c"), sub("team-d")],
      namespaces: ["team-c", "team-d"],
      authPath: "kubernetes",
      policies: ["tenant-team-c", "tenant-team-c-push", "tenant-team-d"],
      roles: ["tenant-team-c", "tenant-team-d"],
      attachable: ["tenant-team-c", "tenant-team-c-push", "tenant-team-d"],
    };
    // Every path it can write, with the body keys Vault lets through.
    expect(writableRequests(deployer).map((w) => `${w.path} other=${w.other} policy=${w.keys.policy?.kind ?? "-"} ns=${w.keys.bound_service_account_namespaces?.kind ?? "-"}`)).toEqual([
      "auth/kubernetes/role/tenant-team-c other=refused policy=- ns=items",
      "auth/kubernetes/role/tenant-team-d other=refused policy=- ns=items",
      "auth/token/create other=any policy=- ns=-",
      "sys/policies/acl/tenant-team-c other=refused policy=items ns=-",
      "sys/policies/acl/tenant-team-c-push other=refused policy=items ns=-",
      "sys/policies/acl/tenant-team-d other=refused policy=items ns=-",
    ]);
    expect(tenantDeployerReachProblems(deployer, scope)).toEqual([]);
    // The rendered HCL carries the selector denial exactly (Go escapes for whitespace outside printable ASCII).
    expect(deployer.rules.find((r) => r.path === "auth/kubernetes/role/tenant-team-c")!.conditions!.deniedParameters!.bound_service_account_namespace_selector).toEqual(SELECTOR_DENIED);
    // Sufficient: every write the provider makes, with the body it sends, passes.
    const acl = compileAcl([deployer]);
    const calls = buildDeployerPolicy(registered.map((r): DeployedResource => ({ type: r.type, name: r.name, inputs: r.inputs, retainOnDelete: r.retainOnDelete })), undefined, { pinParameters: true }).calls;
    const denied = calls.filter((c) => c.capability && !acl.allowsRequest(c.capability, c.path, c.body ?? {})).map((c) => `${c.phase} ${c.path}`);
    expect(denied).toEqual([]);
    expect(calls.filter((c) => c.body).length).toBeGreaterThan(0);
    // What a stolen token tries: another policy text, another namespace, another policy, a namespace selector, alias metadata.
    const role = calls.find((c) => c.path === "auth/kubernetes/role/tenant-team-c" && c.body)!.body!;
    expect(acl.allowsRequest("update", "sys/policies/acl/tenant-team-c", { policy: 'path "secret/*" { capabilities = ["read"] }' })).toBe(false);
    expect(acl.allowsRequest("update", "sys/policies/acl/tenant-team-c", { policy: 'path "sys/policies/acl/*" { capabilities = ["update"] }' })).toBe(false);
    expect(acl.allowsRequest("update", "auth/kubernetes/role/tenant-team-c", { ...role, bound_service_account_namespaces: ["team-a"] })).toBe(false);
    expect(acl.allowsRequest("update", "auth/kubernetes/role/tenant-team-c", { ...role, bound_service_account_namespaces: "team-c,team-a" })).toBe(false);
    expect(acl.allowsRequest("update", "auth/kubernetes/role/tenant-team-c", { ...role, token_policies: ["tenant-team-c", "vault-eso-deployer"] })).toBe(false);
    expect(acl.allowsRequest("update", "auth/kubernetes/role/tenant-team-c", { ...role, policies: ["tenant-team-a"] })).toBe(false);
    expect(acl.allowsRequest("update", "auth/kubernetes/role/tenant-team-c", { ...role, bound_service_account_namespace_selector: '{"matchLabels":{}}' })).toBe(false);
    expect(acl.allowsRequest("update", "auth/kubernetes/role/tenant-team-c", { ...role, bound_service_account_namespace_selector: " " })).toBe(false);
    expect(acl.allowsRequest("update", "auth/kubernetes/role/tenant-team-c", { ...role, alias_metadata: { service_account_namespace: "team-a" } })).toBe(false);
    expect(acl.allowsRequest("update", "auth/kubernetes/role/tenant-team-a", role)).toBe(false);
    expect(acl.allowsRequest("update", "sys/policies/acl/tenant-team-a", {})).toBe(false);
    // The proof can fail: today's unpinned policy lets the holder write any text and any binding.
    const unpinned = buildDeployerPolicy(registered.map((r): DeployedResource => ({ type: r.type, name: r.name, inputs: r.inputs }))).policy;
    expect(tenantDeployerReachProblems(unpinned, scope)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sys\/policies\/acl\/tenant-team-c: body "policy": the policy text is not constrained: the token can write any policy text/),
        expect.stringMatching(/^auth\/kubernetes\/role\/tenant-team-c: body keys are not constrained/),
      ]),
    );
    // ... and catches a selector pinned to [""] without the denial of whitespace and commas.
    const loose = { ...deployer, rules: deployer.rules.map((r) => (r.conditions?.deniedParameters ? { ...r, conditions: { ...r.conditions, deniedParameters: undefined } } : r)) };
    expect(tenantDeployerReachProblems(loose, scope)).toEqual(expect.arrayContaining([expect.stringMatching(/bound_service_account_namespace_selector \[""\] also lets through strings of commas and whitespace/)]));
  });

  test("writers are refused in a tenant stack (their group alias names its group by Vault's id, which no parameter constraint can pin)", async () => {
    const writers = { alias: { mountAccessor: "auth_oidc_1a2b3c4d", name: "team-c-admins" } };
    const { engine, error } = await runTenantStack("team-c", [{ name: "team-c", writers }]);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => `${p.key}: ${p.message}`)).toEqual([expect.stringMatching(/^vault-eso:tenants\[0\]\.writers: writers are built only by the platform stack "organization\/vault-eso\/dev"/)]);
    expect(engine.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:StackReference"]);
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