/**
 * The whole platform under a generated config with every extra on:
 * cert-manager-issued TLS, a push tenant, monitoring, audit, NetworkPolicies.
 */
import { buildPlatform } from "../components/platform";
import { parseStackConfig } from "../components/config/config";
import { installMocks, MOCK_CA_PEM, MockEngine } from "./helpers/mocks";
import { k8sObjects, vaultPolicies } from "./helpers/program";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";
import { flat, validSections } from "./helpers/fixtures";

let engine: MockEngine;

const sections = {
  ...validSections(),
  vault: { address: "https://127.0.0.1:8200", serverForEso: "https://vault.vault.svc:8200" },
  tls: { certManager: { enabled: true, server: { namespace: "vault", dnsNames: ["vault.vault.svc", "vault.vault.svc.cluster.local"] } } },
  tenancy: { org: "acme", cluster: "kind" },
  tenants: [
    {
      name: "team-a",
      externalSecrets: [{ name: "db", data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }] }],
      push: {
        allowDelete: true,
        secrets: [
          { name: "db-pass", secretName: "db-generated", deletionPolicy: "Delete", data: [{ secretKey: "password", remoteKey: "db/generated", property: "password" }] },
          { name: "api-key", secretName: "api", updatePolicy: "IfNotExists", data: [{ secretKey: "key", remoteKey: "api" }] },
        ],
      },
    },
    { name: "team-b", externalSecrets: [{ name: "app", dataFrom: [{ extract: { key: "app" } }] }] },
  ],
  observability: { prometheusOperator: true, selectorLabels: { release: "kube-prometheus-stack" }, vaultMetrics: { enabled: true } },
  audit: { devices: [{ type: "file", filePath: "/vault/audit/audit.log" }, { type: "socket", address: "fluentd.logging.svc:24224" }] },
  networkPolicies: { enabled: true },
};

beforeAll(async () => {
  engine = installMocks("extras-cm");
  const { config } = parseStackConfig(flat(sections), { secretKeys: new Set(), readFile: () => "" });
  buildPlatform({ config, secrets: {} });
  await engine.settle();
});

const crs = (kind: string) => engine.resources.filter((r) => r.inputs.kind === kind && !r.read);

test("cert-manager is installed with the pinned chart and CRDs, then the trust chain is issued", () => {
  const cm = engine.ofType("kubernetes-cert-manager:index:CertManager");
  expect(cm).toHaveLength(1);
  expect(cm[0].inputs).toMatchObject({ helmOptions: { name: "cert-manager", namespace: "cert-manager", version: "v1.21.1", repositoryOpts: { repo: "https://charts.jetstack.io" }, values: { crds: { enabled: true, keep: true } } } });
  expect(cm[0].inputs.installCRDs).toBeUndefined();
  expect(crs("ClusterIssuer").map((r) => r.inputs.metadata.name).sort()).toEqual(["vault-eso-ca", "vault-eso-ca-selfsigned"]);
  expect(crs("Certificate").map((r) => `${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`).sort()).toEqual(["cert-manager/vault-eso-ca", "vault/vault-server"]);
  const server = crs("Certificate").find((r) => r.inputs.metadata.name === "vault-server")!.inputs;
  expect(server.spec.dnsNames).toEqual(["vault.vault.svc", "vault.vault.svc.cluster.local"]);
});

test("the ClusterSecretStore trusts the CA Secret's ca.crt through caProvider (with its namespace)", () => {
  const vaultSpec = engine.ofType("kubernetes:external-secrets.io/v1:ClusterSecretStore")[0].inputs.spec.provider.vault;
  expect(vaultSpec.server).toBe("https://vault.vault.svc:8200");
  expect(vaultSpec.caProvider).toEqual({ type: "Secret", name: "vault-eso-ca", key: "ca.crt", namespace: "cert-manager" });
  expect(vaultSpec.caBundle).toBeUndefined();
});

test("each tenant SecretStore trusts a ConfigMap copy of the issued CA in its own namespace", () => {
  const read = engine.resources.filter((r) => r.read);
  expect(read.map((r) => r.type)).toEqual(["kubernetes:core/v1:Secret"]);
  const stores = engine.ofType("kubernetes:external-secrets.io/v1:SecretStore");
  expect(stores).toHaveLength(2);
  for (const s of stores) {
    expect(s.inputs.spec.provider.vault.caProvider).toEqual({ type: "ConfigMap", name: "vault-ca", key: "ca.crt" });
    const cm = engine.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.inputs.metadata.namespace === s.inputs.metadata.namespace)!;
    expect(cm.inputs.metadata.name).toBe("vault-ca");
    expect(cm.inputs.data).toEqual({ "ca.crt": MOCK_CA_PEM });
  }
});

test("ESO's chart gets the ServiceMonitor (with Prometheus' labels) and the dashboard", () => {
  const values = engine.ofType("kubernetes:helm.sh/v3:Release")[0].inputs.values;
  expect(values.serviceMonitor).toEqual({ enabled: true, renderMode: "failIfMissing", additionalLabels: { release: "kube-prometheus-stack" } });
  expect(values.grafanaDashboard).toEqual({ enabled: true });
  // The hardened values are still there.
  expect(values.webhook.failurePolicy).toBe("Fail");
  expect(values.vault).toEqual({ enableTokenCache: true });
});

test("Prometheus may read sys/metrics with a short-lived token bound to its service account", async () => {
  const policy = vaultPolicies(engine.resources).find((p) => p.name === "prometheus-metrics")!;
  expect(Object.keys(await parsePolicyHcl(policy.name, policy.policy))).toEqual(["sys/metrics"]);
  const role = engine.named("observability-metrics-role").inputs;
  expect(role).toMatchObject({ roleName: "prometheus", boundServiceAccountNames: ["prometheus-k8s"], boundServiceAccountNamespaces: ["monitoring"], audience: "https://kubernetes.default.svc.cluster.local", tokenTtl: 900, tokenMaxTtl: 900, tokenPolicies: ["prometheus-metrics"] });
  // clientJwt token review: Prometheus' one-audience projected token is also the TokenReview bearer, so the
  // role's audience is the API server's (test/contracts/kubernetes-auth.test.ts), and it needs auth-delegator.
  expect(engine.named("observability-metrics-auth-delegator").inputs.subjects).toEqual([{ kind: "ServiceAccount", name: "prometheus-k8s", namespace: "monitoring" }]);
});

test("the PrometheusRule lives in ESO's namespace with Prometheus' selector labels", () => {
  const rule = crs("PrometheusRule");
  expect(rule).toHaveLength(1);
  expect(rule[0].inputs.metadata).toMatchObject({ namespace: "external-secrets", labels: { release: "kube-prometheus-stack" } });
});

test("audit devices: a file and a socket", () => {
  const audits = engine.ofType("vault:index/audit:Audit").map((a) => a.inputs);
  expect(audits).toEqual([
    expect.objectContaining({ type: "file", path: "file", options: expect.objectContaining({ file_path: "/vault/audit/audit.log", log_raw: "false" }) }),
    expect.objectContaining({ type: "socket", path: "socket", options: expect.objectContaining({ address: "fluentd.logging.svc:24224", socket_type: "tcp" }) }),
  ]);
});

test("egress NetworkPolicies for ESO's three deployments; the controller may reach Vault's port", () => {
  const nps = engine.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((n) => n.inputs);
  expect(nps.map((n) => n.metadata.name).sort()).toEqual(["eso-cert-controller-egress", "eso-controller-egress", "eso-webhook-egress"]);
  for (const n of nps) expect(n.spec.policyTypes).toEqual(["Egress"]);
  const controller = nps.find((n) => n.metadata.name === "eso-controller-egress")!;
  expect(controller.spec.egress[2]).toEqual({ ports: [{ protocol: "TCP", port: 8200 }] });
});

test("push tenant: an extra push policy on its own subtree; the other tenant stays read-only", async () => {
  const roleA = engine.named("tenant-team-a-role").inputs;
  expect(roleA.tokenPolicies).toEqual(["tenant-team-a", "tenant-team-a-push"]);
  expect(engine.named("tenant-team-b-role").inputs.tokenPolicies).toEqual(["tenant-team-b"]);
  const pushHcl = vaultPolicies(engine.resources).find((p) => p.name === "tenant-team-a-push")!.policy;
  expect(await parsePolicyHcl("push", pushHcl)).toEqual({
    "secret/data/acme/dev/clusters/kind/apps/team-a/*": [{ capabilities: ["create", "read", "update", "delete"] }],
    "secret/metadata/acme/dev/clusters/kind/apps/team-a/*": [{ capabilities: ["create", "read", "update", "list", "delete"] }],
  });
});

test("isolation still holds with push: every tenant policy stays inside its tenant's subtree", async () => {
  for (const p of vaultPolicies(engine.resources).filter((x) => x.name.startsWith("tenant-"))) {
    const tenant = p.name.replace(/^tenant-/, "").replace(/-push$/, "");
    const paths = Object.keys(await parsePolicyHcl(p.name, p.policy));
    for (const path of paths) expect(path).toMatch(new RegExp(`^secret/(data|metadata)/acme/dev/clusters/kind/apps/${tenant}/\\*$`));
  }
  // Only the push tenant can write anything.
  const writers = [];
  for (const p of vaultPolicies(engine.resources)) {
    const parsed = await parsePolicyHcl(p.name, p.policy);
    if (Object.values(parsed).some((r) => r[0].capabilities.some((c) => ["create", "update", "delete"].includes(c)))) writers.push(p.name);
  }
  expect(writers).toEqual(["tenant-team-a-push"]);
});

test("PushSecrets: to the tenant's own SecretStore, keys under its subtree", () => {
  const pushes = engine.ofType("kubernetes:external-secrets.io/v1alpha1:PushSecret").map((p) => p.inputs);
  expect(pushes.map((p) => p.metadata.name).sort()).toEqual(["api-key", "db-pass"]);
  for (const p of pushes) {
    expect(p.metadata.namespace).toBe("team-a");
    expect(p.spec.secretStoreRefs).toEqual([{ name: "vault", kind: "SecretStore" }]);
    for (const d of p.spec.data) expect(d.match.remoteRef.remoteKey).toMatch(/^acme\/dev\/clusters\/kind\/apps\/team-a\//);
  }
  expect(pushes.find((p) => p.metadata.name === "api-key")!.spec).toMatchObject({ updatePolicy: "IfNotExists", deletionPolicy: "None" });
});

test("every Kubernetes object validates against its published schema; every policy parses", async () => {
  const objects = k8sObjects(engine.resources);
  const groups = new Set(objects.map((o) => o.apiVersion));
  for (const g of ["cert-manager.io/v1", "monitoring.coreos.com/v1", "networking.k8s.io/v1", "external-secrets.io/v1alpha1"]) expect(groups.has(g)).toBe(true);
  for (const o of objects) await validateK8sObject(o);
  for (const p of vaultPolicies(engine.resources)) await parsePolicyHcl(p.name, p.policy);
});

test("cert-manager's namespace enforces the restricted Pod Security profile", () => {
  const ns = engine.named("vault-tls-cert-manager-ns").inputs;
  expect(ns.metadata.name).toBe("cert-manager");
  expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
});
