/** Pulumi.prod.yaml's TLS, audit, monitoring and NetworkPolicy settings, through the real program. */
import { MockEngine } from "./helpers/mocks";
import { k8sObjects, runProgram, vaultPolicies } from "./helpers/program";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";
import { examplePem } from "./helpers/fixtures";

let engine: MockEngine;

beforeAll(async () => {
  ({ engine } = await runProgram("prod"));
});

test("two audit devices: a file and syslog, secrets HMAC'd", () => {
  const audits = engine.ofType("vault:index/audit:Audit").map((a) => a.inputs);
  expect(audits.map((a) => `${a.type}:${a.path}`)).toEqual(["file:file", "syslog:syslog"]);
  expect(audits[0].options).toMatchObject({ file_path: "/var/log/vault/audit.log", mode: "0600", log_raw: "false" });
  expect(audits[1].options).toMatchObject({ facility: "AUTH", tag: "vault-audit", log_raw: "false" });
});

test("every store trusts the Vault CA inline", () => {
  const stores = [...engine.ofType("kubernetes:external-secrets.io/v1:ClusterSecretStore"), ...engine.ofType("kubernetes:external-secrets.io/v1:SecretStore")];
  expect(stores).toHaveLength(4);
  for (const s of stores) expect(Buffer.from(s.inputs.spec.provider.vault.caBundle, "base64").toString()).toBe(examplePem());
});

test("Prometheus (seed 004's service account) reads sys/metrics; reviewer mode needs no auth-delegator for it", async () => {
  const role = engine.named("observability-metrics-role").inputs;
  expect(role).toMatchObject({ roleName: "prometheus", boundServiceAccountNames: ["kube-prometheus-stack-prometheus"], boundServiceAccountNamespaces: ["kube-prom-stack"], tokenTtl: 900 });
  expect(engine.resources.filter((r) => r.name === "observability-metrics-auth-delegator")).toHaveLength(0);
  const p = vaultPolicies(engine.resources).find((x) => x.name === "prometheus-metrics")!;
  expect((await parsePolicyHcl(p.name, p.policy))["sys/metrics"][0].capabilities).toEqual(["read", "list"]);
});

test("ServiceMonitor, dashboard, PrometheusRule and NetworkPolicies are all there and valid", async () => {
  const values = engine.ofType("kubernetes:helm.sh/v3:Release")[0].inputs.values;
  expect(values.serviceMonitor.additionalLabels).toEqual({ release: "kube-prometheus-stack" });
  expect(values.grafanaDashboard).toEqual({ enabled: true });
  const objects = k8sObjects(engine.resources);
  expect(objects.filter((o) => o.kind === "PrometheusRule")).toHaveLength(1);
  expect(objects.filter((o) => o.kind === "NetworkPolicy")).toHaveLength(3);
  for (const o of objects) await validateK8sObject(o);
});

test("the controller's API rule is limited to the configured control-plane address", () => {
  const controller = engine.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").find((n) => n.inputs.metadata.name === "eso-controller-egress")!.inputs;
  expect(controller.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: "203.0.113.10/32" } }], ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 6443 }] });
  // Vault is named by host in prod: its port only.
  expect(controller.spec.egress[2]).toEqual({ ports: [{ protocol: "TCP", port: 8200 }] });
});
