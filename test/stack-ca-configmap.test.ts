/**
 * The platform in prod with an external Vault CA delivered by ConfigMap
 * (caProvider), the templated tenant policy with a push tenant, the default
 * audit device; and VaultTrust on a cluster that already runs cert-manager.
 */
import type { TenantNamespaceArgs } from "../components/tenants/tenant-namespace";
import { buildPlatform } from "../components/platform";
import { parseStackConfig } from "../components/config/config";
import { VaultTrust, vaultTrustProblems } from "../components/trust/vault-trust";
import { installMocks, MockEngine } from "./helpers/mocks";
import { k8sObjects, vaultPolicies } from "./helpers/program";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";
import { examplePem, flat, validSections } from "./helpers/fixtures";

let engine: MockEngine;

beforeAll(async () => {
  engine = installMocks("extras-cacm");
  const sections = {
    ...validSections(),
    environment: "prod",
    vault: { address: "https://vault.example.com:8200", caCert: examplePem() },
    tls: { caDelivery: "configMap" },
    tenancy: { org: "acme", cluster: "p1", policy: "templated" },
    tenants: [
      { name: "billing", push: { secrets: [{ name: "db", secretName: "db-generated", data: [{ secretKey: "password", remoteKey: "db", property: "password" }] }] } },
      { name: "search" },
    ],
  };
  const { config } = parseStackConfig(flat(sections), { secretKeys: new Set(), readFile: () => "" });
  buildPlatform({ config, secrets: {} });
  new VaultTrust("existing-cm", {
    install: false,
    certManagerNamespace: "cert-manager",
    caName: "other-ca",
    caDuration: "87600h",
    server: { namespace: "vault", secretName: "vault-tls", dnsNames: ["vault.vault.svc"], ipAddresses: [], duration: "2160h", renewBefore: "360h" },
  });
  await engine.settle();
});

test("the CA goes to a ConfigMap in ESO's namespace, referenced with its namespace by the ClusterSecretStore", () => {
  const cm = engine.named("vault-ca-eso").inputs;
  expect(cm.metadata).toMatchObject({ name: "vault-ca", namespace: "external-secrets" });
  expect(cm.data).toEqual({ "ca.crt": examplePem() });
  const vaultSpec = engine.ofType("kubernetes:external-secrets.io/v1:ClusterSecretStore")[0].inputs.spec.provider.vault;
  expect(vaultSpec.caProvider).toEqual({ type: "ConfigMap", name: "vault-ca", key: "ca.crt", namespace: "external-secrets" });
  expect(vaultSpec.caBundle).toBeUndefined();
});

test("every tenant namespace gets the same CA as a ConfigMap its SecretStore references", () => {
  for (const tenant of ["billing", "search"]) {
    expect(engine.named(`tenant-${tenant}-vault-ca`).inputs).toMatchObject({ metadata: { name: "vault-ca", namespace: tenant }, data: { "ca.crt": examplePem() } });
    const store = engine.named(`tenant-${tenant}-store`).inputs;
    expect(store.spec.provider.vault.caProvider).toEqual({ type: "ConfigMap", name: "vault-ca", key: "ca.crt" });
  }
});

test("templated mode: a push tenant gets its own push policy next to the shared templated one", async () => {
  expect(engine.named("tenant-billing-role").inputs.tokenPolicies).toEqual(["vault-eso-tenants", "tenant-billing-push"]);
  expect(engine.named("tenant-search-role").inputs.tokenPolicies).toEqual(["vault-eso-tenants"]);
  const push = vaultPolicies(engine.resources).find((p) => p.name === "tenant-billing-push")!;
  expect(Object.keys(await parsePolicyHcl(push.name, push.policy)).sort()).toEqual(["secret/data/acme/prod/clusters/p1/apps/billing/*", "secret/metadata/acme/prod/clusters/p1/apps/billing/*"]);
  // allowDelete is off: no delete anywhere.
  expect(push.policy).not.toContain("delete");
});

test("prod without an audit section: one file device writing to Vault's stdout", () => {
  const audits = engine.ofType("vault:index/audit:Audit").map((a) => a.inputs);
  expect(audits).toEqual([expect.objectContaining({ type: "file", path: "file", options: expect.objectContaining({ file_path: "stdout", log_raw: "false" }) })]);
});

test("observability and NetworkPolicies are off unless configured", () => {
  expect(engine.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")).toHaveLength(0);
  expect(engine.resources.filter((r) => r.inputs.kind === "PrometheusRule")).toHaveLength(0);
  const values = engine.ofType("kubernetes:helm.sh/v3:Release")[0].inputs.values;
  expect(values.serviceMonitor).toBeUndefined();
  expect(values.grafanaDashboard).toBeUndefined();
});

test("on a cluster that already runs cert-manager, VaultTrust only issues (no chart, no namespace)", () => {
  expect(engine.ofType("kubernetes-cert-manager:index:CertManager")).toHaveLength(0);
  const mine = engine.resources.filter((r) => r.name.startsWith("existing-cm-"));
  expect(mine.filter((r) => r.type === "kubernetes:core/v1:Namespace")).toHaveLength(0);
  expect(mine.filter((r) => r.inputs.kind === "Certificate" || r.inputs.kind === "ClusterIssuer")).toHaveLength(4);
});

test("every Kubernetes object validates; every policy parses", async () => {
  for (const o of k8sObjects(engine.resources)) await validateK8sObject(o);
  for (const p of vaultPolicies(engine.resources)) await parsePolicyHcl(p.name, p.policy);
});

/** The smallest TenantNamespace args; each refusal test changes only what it is about. */
const tenantArgs = (name: string) =>
  ({
    name,
    subtree: `acme/${name}`,
    kvPath: "secret",
    authPath: "kubernetes",
    audience: "vault",
    tokenReview: "reviewerServiceAccount",
    vaultServer: "https://v",
    policy: { mode: "perTenant" },
    tokenTtlSeconds: 60,
    tokenMaxTtlSeconds: 60,
  }) as const;

test("TenantNamespace refuses push with the shared store (the component guards it too, not only the config)", async () => {
  const { TenantNamespace } = await import("../components/tenants/tenant-namespace.js");
  const args: TenantNamespaceArgs = { ...tenantArgs("team-x"), store: { mode: "shared", clusterStoreName: "vault-backend" }, push: { allowDelete: false, secrets: [] } };
  expect(() => new TenantNamespace("bad-push", args)).toThrow(/push needs the isolated store mode/);
});

test("TenantNamespace refuses a deleting PushSecret without the delete grant", async () => {
  const { TenantNamespace } = await import("../components/tenants/tenant-namespace.js");
  const secret = { name: "p", secretName: "s", refreshInterval: "1h", updatePolicy: "Replace" as const, deletionPolicy: "Delete" as const, data: [{ secretKey: "k", remoteKey: "k" }] };
  const args: TenantNamespaceArgs = { ...tenantArgs("team-y"), store: { mode: "isolated" }, push: { allowDelete: false, secrets: [secret] } };
  expect(() => new TenantNamespace("bad-delete", args)).toThrow(/needs push.allowDelete/);
});

test("VaultTrust's flattened args are checked before anything registers (field, value, fix)", () => {
  const server = { namespace: "vault", secretName: "vault-tls", dnsNames: ["vault.vault.svc"], ipAddresses: [], duration: "2160h", renewBefore: "360h" };
  const base = { certManagerNamespace: "cert-manager", caName: "ca", caDuration: "87600h", server };
  expect(vaultTrustProblems(base)).toEqual([]);
  expect(vaultTrustProblems({ ...base, server: { ...server, dnsNames: [] } })).toEqual([expect.stringMatching(/^server\.dnsNames: empty, and so is server\.ipAddresses.*Fix: /)]);
  expect(vaultTrustProblems({ ...base, caDuration: "3650d" })).toEqual([expect.stringMatching(/^caDuration: "3650d" is not a Go duration.*Fix: e\.g\. "2160h"/)]);
  expect(vaultTrustProblems({ ...base, server: { ...server, renewBefore: "2160h" } })).toEqual([expect.stringMatching(/^server\.renewBefore: "2160h" must be shorter than server\.duration.*Fix: /)]);
  expect(vaultTrustProblems({ ...base, caDuration: "720h" })).toEqual([expect.stringMatching(/^caDuration: "720h" is shorter than server\.duration.*Fix: /)]);
  const before = engine.resources.length;
  expect(() => new VaultTrust("bad-trust", { ...base, caDuration: "720h" })).toThrow(/^VaultTrust bad-trust: caDuration: /);
  expect(engine.resources.length).toBe(before);
});
