/** TenantNamespace under the mock engine, in each store and policy mode; every object schema-validated. */
import { installMocks, MockEngine } from "./helpers/mocks";
import { TenantNamespace, TenantNamespaceArgs } from "../components/tenants/tenant-namespace";
import { externalSecretManifest, tenantSecretStoreSpec } from "../components/tenants/tenant";
import { checkTenantArgs } from "../components/tenants/tenant-args";
import { k8sObjects } from "./helpers/program";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";

const engine: MockEngine = installMocks("tenants");

const base: TenantNamespaceArgs = {
  name: "team-a",
  subtree: "acme/dev/apps/team-a",
  owner: "team-a",
  kvPath: "secret",
  authPath: "kubernetes",
  audience: "vault",
  tokenReview: "clientJwt",
  vaultServer: "https://vault.example.com:8200",
  policy: { mode: "perTenant" },
  tokenTtlSeconds: 900,
  tokenMaxTtlSeconds: 3600,
  store: { mode: "isolated" },
  authDelegator: true,
  developers: { users: ["alice"], groups: ["team-a-devs"] },
  developerClusterRole: "namespace-developer",
  externalSecrets: [
    {
      name: "db",
      refreshInterval: "1h",
      data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }],
      dataFrom: [{ extract: { key: "app" } }, { find: { name: { regexp: "^x" } } }],
      template: { type: "Opaque", data: { url: "postgres://{{ .password }}@db" } },
    },
  ],
};

const mine = (prefix: string) => engine.resources.filter((r) => r.name.startsWith(prefix));

beforeAll(async () => {
  new TenantNamespace("iso", base);
  new TenantNamespace("shr", { ...base, name: "team-s", subtree: "acme/dev/apps/team-s", store: { mode: "shared", clusterStoreName: "vault-backend" }, tokenReview: "reviewerServiceAccount", authDelegator: false, developers: { users: [], groups: [] } });
  new TenantNamespace("tpl", { ...base, name: "team-t", subtree: "acme/dev/apps/team-t", policy: { mode: "templated", policyName: "vault-eso-tenants" } });
  new TenantNamespace("del", { ...base, name: "team-del", subtree: "acme/dev/apps/team-del", deleteNamespaceOnRemoval: true });
  await engine.settle();
});

test("offboarding (issue 25): removing a tenant keeps its namespace and the team's workloads by default (retainOnDelete); only an explicit deleteNamespaceOnRemoval deletes it; everything else the component made is deleted", () => {
  const ns = (prefix: string) => mine(prefix).find((r) => r.type === "kubernetes:core/v1:Namespace")!;
  for (const p of ["iso-", "shr-", "tpl-"]) expect([p, ns(p).retainOnDelete]).toEqual([p, true]);
  expect(ns("del-").retainOnDelete).not.toBe(true);
  // Vault access (role, policy) and the objects in the namespace go with the tenant: none is retained.
  expect(mine("iso-").filter((r) => r.type !== "kubernetes:core/v1:Namespace" && r.retainOnDelete === true).map((r) => r.name)).toEqual([]);
});

test("isolated: namespace, SA, auth-delegator, policy, role, SecretStore, developer binding, ExternalSecret", () => {
  expect(mine("iso-").map((r) => r.type).sort()).toEqual(
    [
      "kubernetes:core/v1:Namespace",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
      "vault:index/policy:Policy",
      "vault:kubernetes/authBackendRole:AuthBackendRole",
      "kubernetes:external-secrets.io/v1:SecretStore",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
      "kubernetes:external-secrets.io/v1:ExternalSecret",
    ].sort(),
  );
});

test("the role binds exactly the tenant's service account and namespace, with an audience", () => {
  expect(engine.named("iso-role").inputs).toMatchObject({
    roleName: "tenant-team-a",
    boundServiceAccountNames: ["vault-secrets"],
    boundServiceAccountNamespaces: ["team-a"],
    audience: "vault",
    tokenPolicies: ["tenant-team-a"],
  });
});

test("the policy covers the tenant's subtree only", async () => {
  const parsed = await parsePolicyHcl("tenant-team-a", engine.named("iso-policy").inputs.policy);
  expect(Object.keys(parsed).sort()).toEqual(["secret/data/acme/dev/apps/team-a/*", "secret/metadata/acme/dev/apps/team-a/*"]);
});

test("the SecretStore logs in as the tenant's SA (no namespace on the ref) and waits for Ready", () => {
  const store = engine.named("iso-store").inputs;
  expect(store.metadata).toMatchObject({ name: "vault", namespace: "team-a", annotations: { "pulumi.com/waitFor": "condition=Ready" } });
  expect(store.spec.provider.vault.auth.kubernetes).toEqual({ mountPath: "kubernetes", role: "tenant-team-a", serviceAccountRef: { name: "vault-secrets", audiences: ["vault", "https://kubernetes.default.svc.cluster.local"] } });
});

test("ExternalSecret keys resolve under the subtree; find is confined to it", () => {
  const es = engine.named("iso-es-db").inputs;
  expect(es.spec.secretStoreRef).toEqual({ name: "vault", kind: "SecretStore" });
  expect(es.spec.data[0].remoteRef).toEqual({ key: "acme/dev/apps/team-a/db", property: "password" });
  expect(es.spec.dataFrom).toEqual([{ extract: { key: "acme/dev/apps/team-a/app" } }, { find: { path: "acme/dev/apps/team-a", name: { regexp: "^x" } } }]);
  expect(es.spec.target).toEqual({ name: "db", creationPolicy: "Owner", template: { engineVersion: "v2", type: "Opaque", data: { url: "postgres://{{ .password }}@db" } } });
});

test("developer RoleBinding binds users and groups to namespace-developer", () => {
  const rb = engine.named("iso-developers").inputs;
  expect(rb.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "namespace-developer" });
  expect(rb.subjects).toEqual([
    { kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io" },
    { kind: "Group", name: "team-a-devs", apiGroup: "rbac.authorization.k8s.io" },
  ]);
});

test("shared: no SecretStore, ExternalSecrets use the ClusterSecretStore; no binding without developers", () => {
  expect(mine("shr-").map((r) => r.type)).not.toContain("kubernetes:external-secrets.io/v1:SecretStore");
  expect(mine("shr-").map((r) => r.type)).not.toContain("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
  expect(engine.named("shr-es-db").inputs.spec.secretStoreRef).toEqual({ name: "vault-backend", kind: "ClusterSecretStore" });
});

test("templated: no per-tenant policy; the role uses the shared one", () => {
  expect(mine("tpl-").map((r) => r.type)).not.toContain("vault:index/policy:Policy");
  expect(engine.named("tpl-role").inputs.tokenPolicies).toEqual(["vault-eso-tenants"]);
});

test("every tenant object validates against the published schemas", async () => {
  const objects = k8sObjects(engine.resources.filter((r) => !r.name.startsWith("del-")));
  expect(objects).toHaveLength(15); // 6 isolated + 3 shared + 6 templated
  for (const o of objects) await validateK8sObject(o);
});

test("a namespaced store cannot point at a CA in another namespace", () => {
  expect(() =>
    tenantSecretStoreSpec({ server: "https://v", kvPath: "secret", authPath: "kubernetes", role: "r", serviceAccountName: "s", audiences: ["vault"], ca: { kind: "provider", type: "Secret", name: "ca", key: "ca.crt", namespace: "other" } }),
  ).toThrow(/another namespace/);
});

test("the ExternalSecret builder keeps every key under the subtree", () => {
  const m = externalSecretManifest(
    { name: "x", refreshInterval: "1h", data: [{ secretKey: "a", remoteRef: { key: "k/v" } }] },
    { namespace: "n", subtree: "s/t", storeRef: { name: "vault", kind: "SecretStore" }, labels: {} },
  );
  expect(m.spec!.data![0].remoteRef.key).toBe("s/t/k/v");
});

// The schema-friendly args (components/tenants/tenant-args.ts): modes as enum fields plus optional fields, nested
// shapes checked with the stack config's zod schemas. Each refusal names the field, the value and the fix, and
// nothing registers.
describe("TenantNamespace flattened args (component-package schema shapes)", () => {
  const refused: [string, Partial<TenantNamespaceArgs>, RegExp][] = [
    ["templated without policyName", { policy: { mode: "templated" } }, /policy\.policyName: required with policy\.mode "templated"\. Fix: /],
    ["perTenant with policyName", { policy: { mode: "perTenant", policyName: "x" } }, /policy\.policyName: only used with policy\.mode "templated"\. Fix: /],
    ["unknown policy mode", { policy: { mode: "shared" as never } }, /policy\.mode: "shared" is not one of "perTenant", "templated"\. Fix: /],
    ["shared without clusterStoreName", { store: { mode: "shared" } }, /store\.clusterStoreName: required with store\.mode "shared"\. Fix: /],
    ["shared with a SecretStore name", { store: { mode: "shared", clusterStoreName: "vault-backend", name: "vault" } }, /store\.name: only used with store\.mode "isolated"/],
    ["isolated with clusterStoreName", { store: { mode: "isolated", clusterStoreName: "vault-backend" } }, /store\.clusterStoreName: only used with store\.mode "shared"/],
    ["unknown Pod Security level", { podSecurity: "strict" as never }, /podSecurity: "strict" is not one of "restricted", "baseline", "privileged"\. Fix: /],
    ["ExternalSecret without data", { externalSecrets: [{ name: "db" }] }, /externalSecrets\[0\]: has neither data nor dataFrom\. Fix: /],
    ["dataFrom entry with extract and find", { externalSecrets: [{ name: "db", dataFrom: [{ extract: { key: "a" }, find: { path: "b" } }] }] }, /externalSecrets\[0\]\.dataFrom\[0\]: needs exactly one of "extract" or "find"\. Fix: /],
    ["escaping remote key", { externalSecrets: [{ name: "db", data: [{ secretKey: "p", remoteRef: { key: "../team-b/db" } }] }] }, /externalSecrets\[0\]\.data\[0\]\.remoteRef\.key: .*Fix: .*\(got "\.\.\/team-b\/db"\)/],
    ["PushSecret without data", { push: { secrets: [{ name: "gen", secretName: "generated", data: [] }] } }, /push\.secrets\[0\]\.data: a PushSecret needs at least one data entry\. Fix: /],
    ["writers on a malformed accessor", { writers: { alias: { mountAccessor: "oidc", name: "devs" } } }, /writers\.alias\.mountAccessor: .*Fix: .*\(got "oidc"\)/],
    ["a provider CA without name and key", { ca: { kind: "provider", type: "ConfigMap" } }, /ca\.name: required with ca\.kind "provider"; ca\.key: required/],
  ];
  test.each(refused)("refused before anything registers: %s", (_what, change, message) => {
    const before = engine.resources.length;
    expect(() => new TenantNamespace("bad-flat", { ...base, ...change } as TenantNamespaceArgs)).toThrow(message);
    expect(engine.resources.length).toBe(before);
  });

  test("defaults of the nested shapes are the stack config's (refreshInterval 1h, push.allowDelete false, developers none)", () => {
    const c = checkTenantArgs({
      policy: { mode: "perTenant" },
      store: { mode: "isolated" },
      externalSecrets: [{ name: "db", data: [{ secretKey: "p", remoteRef: { key: "db" } }] }],
      push: { secrets: [{ name: "gen", secretName: "generated", data: [{ secretKey: "t", remoteKey: "gen" }] }] },
      writers: { alias: { mountAccessor: "auth_oidc_1a2b3c4d", name: "devs" } },
    });
    expect(c.problems).toEqual([]);
    expect(c.externalSecrets[0].refreshInterval).toBe("1h");
    expect(c.push).toMatchObject({ allowDelete: false, secrets: [{ refreshInterval: "1h", updatePolicy: "Replace", deletionPolicy: "None" }] });
    expect(c.writers).toMatchObject({ allowDelete: false });
  });
});

test("storeDependsOn (a TenantNamespaceOptions field): only the SecretStore and the ExternalSecrets wait for it", async () => {
  const { ComponentResource } = await import("@pulumi/pulumi");
  const shared = new ComponentResource("test:index:Shared", "shared-dep", {});
  const seen: Record<string, unknown[]> = {};
  new TenantNamespace("deps", { ...base, name: "team-d", subtree: "acme/dev/apps/team-d" }, {
    storeDependsOn: [shared],
    transformations: [(a) => { seen[a.name] = ([] as unknown[]).concat(a.opts.dependsOn ?? []); return undefined; }],
  });
  await engine.settle();
  const waits = Object.entries(seen).filter(([, deps]) => deps.includes(shared)).map(([n]) => n).sort();
  expect(waits).toEqual(["deps-es-db", "deps-store"]);
  expect(Object.keys(seen)).toEqual(expect.arrayContaining(["deps-ns", "deps-sa", "deps-role", "deps-policy"]));
});
