/** The whole program under Pulumi.prod.yaml. */
import { MOCK_SA_TOKEN, MockEngine, secretInput } from "./helpers/mocks";
import { k8sObjects, runProgram, vaultPolicies } from "./helpers/program";
import { emittedRequests, emittedTenants, emittedWriters, isolationViolations, requestViolations, writerViolations } from "./helpers/isolation";
import { IdentityStore } from "./contracts/models/vault-identity";
import { renderReloader, shouldReload, unknownValues } from "./contracts/models/reloader-chart";
import { RELOADER_CHART, reloadAnnotation } from "../components/reloader/reloader";
import { restrictedViolations } from "../policies/guard/rules/kubernetes";
import { parse as parseYaml } from "yaml";
import { parseHcl1 } from "../policies/vault/hcl1";
import { GRAFANA_DASHBOARD_LABEL, METRICS_PATHS } from "../components/observability/vault-metrics";
import { scrapeJobProblems } from "./contracts/models/prometheus-scrape";
import { hclAt } from "./helpers/hcl-at";
import { predictionDrift } from "./helpers/verify-standins";
import { parsePolicy } from "../policies/vault/hcl";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";
import { examplePem } from "./helpers/fixtures";
import { deployerPolicyStackTests } from "./contracts/deployer-stack";
import { applyToVault } from "./contracts/models/apply-program";
import { freshServer } from "./contracts/models/vault-server";

let engine: MockEngine;

beforeAll(async () => {
  ({ engine } = await runProgram("prod"));
});

test("reviewer service account mode: SA, auth-delegator binding, token Secret, JWT fed to Vault as a secret", async () => {
  const sa = engine.named("vault-reviewer");
  expect(sa.inputs.metadata).toEqual(expect.objectContaining({ name: "vault-token-reviewer", namespace: "vault-auth" }));
  // The only auth-delegator binding in this mode is the reviewer's: tenants' accounts get none.
  const crb = engine.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
  expect(crb).toHaveLength(1);
  expect(crb[0].inputs.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" });
  expect(crb[0].inputs.subjects).toEqual([{ kind: "ServiceAccount", name: "vault-token-reviewer", namespace: "vault-auth" }]);
  const secret = engine.ofType("kubernetes:core/v1:Secret");
  expect(secret[0].inputs.type).toBe("kubernetes.io/service-account-token");
  expect(secret[0].inputs.metadata.annotations["kubernetes.io/service-account.name"]).toBe("vault-token-reviewer");

  const authConfig = engine.ofType("vault:kubernetes/authBackendConfig:AuthBackendConfig")[0].inputs;
  expect(secretInput(authConfig.tokenReviewerJwt)).toBe(MOCK_SA_TOKEN);
  // ESO itself is not given auth-delegator in this mode.
  expect(engine.ofType("kubernetes:helm.sh/v3:Release")[0].inputs.values.systemAuthDelegator).toBe(false);
});

test("prod sizing: 2 replicas, leader election, token cache", () => {
  const values = engine.ofType("kubernetes:helm.sh/v3:Release")[0].inputs.values;
  expect(values).toMatchObject({ replicaCount: 2, leaderElect: true, concurrent: 4, vault: { enableTokenCache: true } });
  expect(values.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
});

test("https with the configured CA: provider gets no skip, store gets the CA as base64 caBundle", () => {
  const store = engine.ofType("kubernetes:external-secrets.io/v1:ClusterSecretStore")[0].inputs;
  expect(store.spec.provider.vault.server).toBe("https://vault.example.com:8200");
  expect(Buffer.from(store.spec.provider.vault.caBundle, "base64").toString()).toBe(examplePem());
  const provider = engine.ofType("pulumi:providers:vault")[0].inputs;
  expect(provider.address).toBe("https://vault.example.com:8200");
  expect(provider.skipTlsVerify).not.toBe("true");
  const authConfig = engine.ofType("vault:kubernetes/authBackendConfig:AuthBackendConfig")[0].inputs;
  expect(authConfig.kubernetesHost).toBe("https://api.prod-1.example.com:6443");
  expect(authConfig.kubernetesCaCert).toContain("BEGIN CERTIFICATE");
});

test("the ESO role binds exactly ESO's service account and namespace, with an audience and short TTLs", () => {
  const role = engine.named("vault-eso-role").inputs;
  expect(role).toMatchObject({
    roleName: "external-secrets",
    boundServiceAccountNames: ["external-secrets"],
    boundServiceAccountNamespaces: ["external-secrets"],
    audience: "vault",
    tokenTtl: 600,
    tokenMaxTtl: 1800,
    tokenPolicies: ["external-secrets-read"],
  });
});

test("every Kubernetes object validates; every policy parses", async () => {
  for (const o of k8sObjects(engine.resources)) await validateK8sObject(o);
  for (const p of vaultPolicies(engine.resources)) await parsePolicyHcl(p.name, p.policy);
});

test("templated tenancy: one identity-templated policy, every tenant role uses it, no per-tenant policies", async () => {
  const policies = engine.ofType("vault:index/policy:Policy");
  // The writers' policies are per tenant in both modes (an SSO login has no Kubernetes namespace to template on).
  expect(policies.map((p) => p.inputs.name).sort()).toEqual(["external-secrets-read", "prometheus-metrics", "tenant-billing-writer", "tenant-checkout-writer", "vault-eso-tenants"]);
  const templated = policies.find((p) => p.inputs.name === "vault-eso-tenants")!.inputs.policy as string;
  const accessor = engine.named("vault-k8s-auth").name; // the mock accessor is derived from the mount's name
  expect(templated).toContain(
    `path "secret/data/acme/prod/clusters/prod-1/apps/{{identity.entity.aliases.auth_kubernetes_${accessor}.metadata.service_account_namespace}}/*"`,
  );
  const roles = engine.ofType("vault:kubernetes/authBackendRole:AuthBackendRole").filter((r) => r.inputs.roleName.startsWith("tenant-"));
  expect(roles.map((r) => r.inputs.roleName).sort()).toEqual(["tenant-billing", "tenant-checkout", "tenant-search"]);
  for (const r of roles) expect(r.inputs.tokenPolicies).toEqual(["vault-eso-tenants"]);
});

test("tenant stores trust Vault's CA and no tenant gets auth-delegator in reviewer mode", () => {
  const stores = engine.ofType("kubernetes:external-secrets.io/v1:SecretStore");
  expect(stores).toHaveLength(3);
  for (const s of stores) expect(Buffer.from(s.inputs.spec.provider.vault.caBundle, "base64").toString()).toBe(examplePem());
});

test("Vault isolates the tenants as emitted: the templated policy resolves to each tenant's own subtree only", async () => {
  const tenants = await emittedTenants(engine, "secret");
  expect(tenants.map((t) => t.subtree).sort()).toEqual(["billing", "checkout", "search"].map((t) => `acme/prod/clusters/prod-1/apps/${t}`));
  expect(isolationViolations("secret", tenants, "vault-secrets")).toEqual([]);
  // The paths ESO requests for the emitted ExternalSecrets (external-secrets buildPath), allowed by each tenant's own policies.
  expect(requestViolations("secret", emittedRequests(engine, tenants), (n) => tenants.find((t) => t.name === n)!.policies)).toEqual([]);
});

describe("tenants' writers as emitted (hashicorp/vault vault/identity_store_groups.go handleGroupUpdateCommon, identity_store_group_aliases.go handleGroupAliasUpdateCommon)", () => {
  test("Vault's identity store accepts every group and alias the prod stack writes, in order, and maps each SSO group to its tenant's writers only", () => {
    const store = new IdentityStore(new Map([["auth_oidc_5f1c9a2e", { local: false }]]));
    const ids = new Map<string, string>();
    for (const g of engine.ofType("vault:identity/group:Group")) {
      const answer = store.writeGroup({ name: g.inputs.name, type: g.inputs.type, policies: g.inputs.policies, memberEntityIds: g.inputs.memberEntityIds, memberGroupIds: g.inputs.memberGroupIds });
      expect(answer).toEqual({ ok: true, id: expect.any(String) });
      if (answer.ok) ids.set(`${g.name}-id`, answer.id); // the mock's id of the group resource
    }
    const aliases = engine.ofType("vault:identity/groupAlias:GroupAlias");
    expect(aliases).toHaveLength(2);
    for (const a of aliases) expect(store.writeGroupAlias({ name: a.inputs.name, mountAccessor: a.inputs.mountAccessor, canonicalId: ids.get(a.inputs.canonicalId) })).toEqual({ ok: true, id: expect.any(String) });
    expect([store.groupFor("auth_oidc_5f1c9a2e", "billing-secret-admins"), store.groupFor("auth_oidc_5f1c9a2e", "payments-secret-admins"), store.groupFor("auth_oidc_5f1c9a2e", "payments-devs")]).toEqual([
      "tenant-billing-writers",
      "tenant-checkout-writers",
      undefined,
    ]);
  });

  test("each writer group reaches its own tenant's subtree only (put/get/list; delete only where allowed), not another tenant's, not ESO's scope", async () => {
    const writers = await emittedWriters(engine, "secret");
    expect(writers.map((w) => [w.tenant, w.allowDelete])).toEqual([
      ["billing", false],
      ["checkout", true],
    ]);
    const tenants = (await emittedTenants(engine, "secret")).map((t) => ({ name: t.name, subtree: t.subtree }));
    for (const listLookup of ["current", "legacy"] as const) expect(writerViolations("secret", writers, tenants, "acme/prod/clusters/prod-1/shared", { listLookup })).toEqual([]);
  });
});

describe("Reloader as emitted (stakater/Reloader chart-v2.2.16 values.yaml, templates/role.yaml, deployment.yaml; v1.4.21 pkg/common/common.go ShouldReload)", () => {
  const release = () => engine.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "reloader")!;
  test("one pinned release, in its own namespace enforcing Pod Security restricted", () => {
    const r = release();
    expect([r.inputs.chart, r.inputs.version, r.inputs.repositoryOpts.repo, r.inputs.namespace]).toEqual(["reloader", RELOADER_CHART.version, "https://stakater.github.io/stakater-charts", "reloader"]);
    const ns = engine.ofType("kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "reloader")!;
    expect(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });
  test("every value is one the chart defines; it watches the opted-in tenant only, with Roles there and no ClusterRole; the pod it renders is restricted", () => {
    const values = release().inputs.values;
    expect(unknownValues(values)).toEqual([]);
    const rendered = renderReloader(values, "reloader");
    expect(rendered).toEqual(expect.objectContaining({ failure: undefined, watched: ["billing", "reloader"], roles: ["billing", "reloader"], clusterRole: false }));
    expect(restrictedViolations(rendered.podSpec)).toEqual([]);
  });
  test("the chart's defaults alone would not be restricted (why the program sets the container securityContext)", () => {
    expect(restrictedViolations(renderReloader({}, "reloader").podSpec).length).toBeGreaterThan(0);
  });
  test("the annotation shown for billing restarts on each of its ExternalSecrets' target Secrets and on no other name", () => {
    const targets = engine.ofType("kubernetes:external-secrets.io/v1:ExternalSecret").filter((e) => e.inputs.metadata.namespace === "billing").map((e) => e.inputs.spec.target.name as string);
    expect(targets).toEqual(["postgres"]);
    const a = reloadAnnotation(targets);
    for (const t of targets) expect(shouldReload({ [a.key]: a.value }, t, false)).toBe(true);
    for (const other of ["postgres-old", "xpostgres", "stripe"]) expect(shouldReload({ [a.key]: a.value }, other, false)).toBe(false);
  });
});

describe("Vault metrics objects as emitted (prometheus/prometheus config.go + prometheus/common http_config.go; hashicorp/vault agent auth/kubernetes)", () => {
  const resources = () => engine.resources;
  const unwrap = (v: any) => (v && typeof v === "object" && "value" in v && Object.keys(v).length <= 2 ? v.value : v);
  test("the scrape Secret loads in Prometheus, targets vault.example.com:8200 over https with the CA, and holds no token", () => {
    const secret = resources().find((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.metadata?.name === "vault-metrics-scrape")!;
    expect(secret.inputs.metadata.namespace).toBe("kube-prom-stack");
    const data = unwrap(secret.inputs.stringData);
    const jobs = parseYaml(data["vault.yaml"]) as Array<Record<string, any>>;
    expect(jobs).toHaveLength(1);
    expect(scrapeJobProblems(jobs[0])).toEqual([]);
    expect(jobs[0].static_configs[0].targets).toEqual(["vault.example.com:8200"]);
    expect(data["vault.yaml"]).not.toMatch(/hvs\.|credentials:/);
  });
  test("the agent ConfigMap logs in with the prod metrics role on the prod auth mount; the dashboard ConfigMap carries the sidecar label", () => {
    const agent = resources().find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata?.name === "vault-metrics-agent")!;
    const hcl = parseHcl1(agent.inputs.data["agent.hcl"]);
    const role = resources().find((r) => r.type === "vault:kubernetes/authBackendRole:AuthBackendRole" && r.inputs.roleName === "prometheus")!;
    expect(hclAt(hcl, ["auto_auth", "method", "kubernetes", "config"])).toEqual([{ role: role.inputs.roleName, token_path: METRICS_PATHS.jwt }]);
    expect(agent.inputs.data["ca.crt"]).toContain("BEGIN CERTIFICATE");
    const dash = resources().find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata?.name === "vault-eso-vault-dashboard")!;
    expect(dash.inputs.metadata.labels).toEqual(expect.objectContaining(GRAFANA_DASHBOARD_LABEL));
    expect(JSON.parse(dash.inputs.data["vault.json"]).uid).toBe("vault-eso-vault");
  });
});

deployerPolicyStackTests(
  "prod",
  () => ({ resources: engine.resources.filter((r) => !r.read), kvPath: "secret", authPath: "kubernetes", readScope: "acme/prod/clusters/prod-1/shared" }),
  {
    // Audit devices: enabling, listing and disabling all need sudo (PathsSpecial.Root "audit", "audit/*").
    "sys/audit": ["read", "sudo"],
    "sys/audit/file": ["update", "delete", "sudo"],
    "sys/audit/syslog": ["update", "delete", "sudo"],
    "auth/kubernetes/role/prometheus": ["create", "read", "update", "delete"],
    "sys/policies/acl/vault-eso-tenants": ["read", "update", "delete"],
    "sys/policies/acl/prometheus-metrics": ["read", "update", "delete"],
    "sys/policies/acl/tenant-checkout-writer": ["read", "update", "delete"],
    "identity/group": ["update"],
    "identity/group-alias": ["update"],
    "identity/group/name/tenant-billing-writers": ["read"],
  },
  ["sys/policies/acl/tenant-billing", "auth/token/create/external-secrets-token"],
);

describe("contract: hashicorp/vault mount.go mountInternal, auth.go enableCredentialInternal, audit.go enableAudit, policy_store.go SetPolicy", () => {
  test("against a freshly initialised (non-dev) Vault, every mount, auth method, audit device and policy the prod stack writes is accepted as sent", () => {
    expect(engine.resources.some((r) => r.importId)).toBe(false);
    expect(applyToVault(freshServer(), engine.resources)).toEqual([]);
  });
});

test("npm run verify predicts Vault's answers from exactly the policies the program writes for prod (scripts/lib/verify/expected.ts)", async () => {
  expect(await predictionDrift(engine, "prod")).toEqual([]);
});

test("hashicorp/vault vault/acl.go AllowOperation list lookup (current and pre-fix) and vault/policy.go parsePaths: the prod isolation proof holds for both Vault generations, and every emitted policy reads without request conditions (the answers are exact, not conservative)", async () => {
  const tenants = await emittedTenants(engine, "secret");
  for (const listLookup of ["current", "legacy"] as const) expect(isolationViolations("secret", tenants, "vault-secrets", { listLookup })).toEqual([]);
  for (const p of vaultPolicies(engine.resources)) {
    const parsed = parsePolicy(p.name, p.policy);
    expect(parsed.rules.every((r) => r.conditions === undefined && r.capabilities.length > 0 && !r.capabilities.includes("deny"))).toBe(true);
  }
});
