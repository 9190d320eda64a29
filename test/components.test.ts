/** Each component on its own under the mock engine. */
import { installMocks, secretInput, valueOf } from "./helpers/mocks";
import { VaultBackend } from "../components/vault-backend/vault-backend";
import { EsoInstall } from "../components/eso/eso-install";
import { ClusterStore } from "../components/stores/cluster-store";
import { ReloaderInstall } from "../components/reloader/reloader-install";
import { EsoNetworkPolicies, egressArgs } from "../components/network/eso-network-policies";
import { networkSchema } from "../components/network/network-config";
import { VaultAudit, type AuditDeviceOptions } from "../components/vault-backend/vault-audit";
import { USER_DATA_OPTIONS } from "../components/config/options";
import { InputError } from "../components/config/errors";
import { k8sObjects } from "./helpers/program";
import { K8sObject, validateK8sObject } from "./helpers/schemas";

const engine = installMocks("components");
const esoIdentity = { namespace: "external-secrets", serviceAccountName: "external-secrets", role: "eso", policy: "eso-read", scope: "eso", audience: "vault", tokenTtlSeconds: 900, tokenMaxTtlSeconds: 3600 };

describe("VaultBackend", () => {
  let backend: VaultBackend;
  beforeAll(async () => {
    backend = new VaultBackend("vb", { kvPath: "kv", kubernetesHost: "https://k8s:6443", vaultRunsIn: "cluster", tokenReview: { mode: "reviewerServiceAccount" }, eso: esoIdentity });
    await engine.settle();
  });

  test("KV v2 mount at the configured path, protected and retained on delete", () => {
    const mount = engine.named("vb-kv").inputs;
    expect(mount).toMatchObject({ path: "kv", type: "kv", options: { version: "2" } });
    expect(USER_DATA_OPTIONS).toEqual({ protect: true, retainOnDelete: true });
    // Mocks do not show options; the resource object records `protect` itself.
    expect((backend.kvMount as unknown as { __protect?: boolean }).__protect).toBe(true);
  });

  test("kubernetes auth mount + config; the policy and role are wired by name", async () => {
    expect(engine.named("vb-k8s-auth").inputs).toMatchObject({ type: "kubernetes", path: "kubernetes" });
    expect(engine.named("vb-k8s-auth-config").inputs).toMatchObject({ backend: "kubernetes", kubernetesHost: "https://k8s:6443", disableLocalCaJwt: false });
    expect(engine.named("vb-eso-policy").inputs.name).toBe("eso-read");
    expect(engine.named("vb-eso-role").inputs).toMatchObject({ backend: "kubernetes", tokenPolicies: ["eso-read"], audience: "vault", aliasNameSource: "serviceaccount_uid" });
    expect(await new Promise((r) => backend.esoPolicyHcl.apply(r))).toContain('path "kv/metadata/eso/*"');
  });

  test("reviewer objects are created in their own namespace and validate", async () => {
    const names = engine.resources.filter((r) => r.name.startsWith("vb-reviewer")).map((r) => r.name).sort();
    expect(names).toEqual(["vb-reviewer", "vb-reviewer-auth-delegator", "vb-reviewer-ns", "vb-reviewer-token"]);
    expect(engine.named("vb-reviewer").inputs.automountServiceAccountToken).toBe(false);
    for (const o of k8sObjects(engine.resources.filter((r) => r.name.startsWith("vb-")))) await validateK8sObject(o);
  });
});

describe("VaultBackend with a bring-your-own reviewer JWT", () => {
  test("a bring-your-own reviewer JWT reaches Vault as a secret", async () => {
    const b = new VaultBackend("probe", {
      kubernetesHost: "https://k:6443",
      vaultRunsIn: "cluster",
      tokenReview: { mode: "reviewerServiceAccount", jwt: "eyJ.x" },
      eso: { namespace: "e", serviceAccountName: "e", role: "r", policy: "p", scope: "s", audience: "vault", tokenTtlSeconds: 60, tokenMaxTtlSeconds: 120 },
    });
    await engine.settle();
    const cfg = engine.named("probe-k8s-auth-config");
    expect(secretInput(cfg.inputs.tokenReviewerJwt)).toBe("eyJ.x");
    // Bring-your-own JWT: no reviewer objects are created for this backend.
    expect(engine.resources.filter((r) => r.name.startsWith("probe-reviewer"))).toHaveLength(0);
    expect(await valueOf(b.esoPolicyName)).toBe("p");
  });
});

describe("EsoInstall", () => {
  let eso: EsoInstall;
  beforeAll(async () => {
    eso = new EsoInstall("ei", { namespace: "eso-system", replicas: 2, systemAuthDelegator: true });
    await engine.settle();
  });

  test("a restricted namespace and a pinned Helm release in it", () => {
    const ns = engine.named("ei-ns").inputs;
    expect(ns.metadata.name).toBe("eso-system");
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const rel = engine.named("ei-chart").inputs;
    expect(rel).toMatchObject({ name: "external-secrets", chart: "external-secrets", version: "2.9.0", namespace: "eso-system", atomic: true });
    expect(rel.repositoryOpts).toEqual({ repo: "https://charts.external-secrets.io" });
    expect(rel.values).toMatchObject({ replicaCount: 2, leaderElect: true, systemAuthDelegator: true });
    expect(eso.serviceAccountName).toBe("external-secrets");
  });
});

describe("ClusterStore", () => {
  beforeAll(async () => {
    new ClusterStore("cs", {
      name: "vault",
      server: "https://vault.example.com:8200",
      mountPath: "secret",
      auth: { kind: "kubernetes", mountPath: "kubernetes", role: "eso", serviceAccount: { name: "external-secrets", namespace: "external-secrets" }, audience: "vault", tokenReview: "reviewerServiceAccount" },
      conditions: { namespaces: ["team-a"] },
    });
    await engine.settle();
  });

  test("a v1 ClusterSecretStore that makes pulumi up wait for Ready", async () => {
    const store = engine.named("cs-store").inputs;
    expect(store.apiVersion).toBe("external-secrets.io/v1");
    expect(store.metadata.annotations).toEqual({ "pulumi.com/waitFor": "condition=Ready" });
    expect(store.spec.provider.vault.path).toBe("secret");
    expect(store.spec.conditions).toEqual([{ namespaces: ["team-a"] }]);
    await validateK8sObject(store as K8sObject);
  });
});

test("ReloaderInstall: the schema's resources shape (ContainerResources) without a CPU request is refused, nothing registers", () => {
  const before = engine.resources.length;
  expect(() => new ReloaderInstall("bad-reloader", { watchNamespaces: ["team-a"], resources: { requests: { memory: "64Mi" }, limits: { memory: "128Mi" } } })).toThrow(
    /ReloaderInstall bad-reloader: resources\.requests\.cpu: missing\. Fix: set a quantity such as "10m"/,
  );
  expect(engine.resources.length).toBe(before);
});

test("EsoInstall and ClusterStore refuse bad args before anything registers, as InputError (cmd/run prints the message alone)", () => {
  const before = engine.resources.length;
  expect(() => new EsoInstall("no-cpu", { resources: { requests: { memory: "128Mi" }, limits: { memory: "256Mi" } } })).toThrow(InputError);
  expect(() => new EsoInstall("no-cpu-2", { resources: { requests: { memory: "128Mi" }, limits: { memory: "256Mi" } } })).toThrow(/EsoInstall no-cpu-2: resources\.requests\.cpu is required\. Fix: /);
  expect(() => new ClusterStore("bad-auth", { server: "https://v", mountPath: "secret", auth: { kind: "token" } })).toThrow(InputError);
  expect(engine.resources.length).toBe(before);
});

test("VaultAudit: one flattened device shape, checked like the config's audit.devices (field, value, fix); nothing registers", () => {
  const before = engine.resources.length;
  const refused: [AuditDeviceOptions, RegExp][] = [
    [{ type: "file", filePath: "stdout", address: "collector:9090" }, /devices\[0\]: "address" not used here \(another mode's field, or a typo\)\. Fix: drop it/],
    [{ type: "file", filePath: "/vault/audit.log", mode: "600" }, /devices\[0\]\.mode: the audit file mode must be octal like "0600"\. Fix: e\.g\. "0600" \(got "600"\)/],
    [{ type: "kafka" as never }, /devices\[0\]\.type: an audit device needs a type: "file", "socket" or "syslog"\. Fix: /],
  ];
  for (const [device, message] of refused) expect(() => new VaultAudit("bad-audit", { devices: [device] })).toThrow(message);
  expect(engine.resources.length).toBe(before);
});

test("EsoNetworkPolicies: optional fields with the config's defaults; bad CIDRs, ports, DNS selector and URL refused (field, value, fix); nothing registers", () => {
  const before = engine.resources.length;
  const base = { namespace: "external-secrets", release: "external-secrets", vaultServer: "https://vault.example.com:8200" };
  expect(() => new EsoNetworkPolicies("bad-egress", { ...base, vaultCidrs: ["10.0.0.0"], apiServerPorts: [0], dns: { podLabels: {} }, vaultServer: "vault:8200" })).toThrow(
    /vaultCidrs\[0\]: "10\.0\.0\.0" is not a CIDR\. Fix: .*apiServerPorts\[0\]: 0 is not a port\. Fix: .*dns\.podLabels: .*Fix: .*vaultServer: "vault:8200" is not an http\(s\) URL\. Fix: /,
  );
  expect(() => new EsoNetworkPolicies("bad-ports", { ...base, apiServerPorts: [] })).toThrow(/apiServerPorts: empty\. Fix: /);
  expect(engine.resources.length).toBe(before);
  const np = new EsoNetworkPolicies("defaults-egress", base);
  expect(np.names).toEqual(["eso-controller-egress", "eso-webhook-egress", "eso-cert-controller-egress"]);
  // The component's defaults are the stack config's (networkPolicies with nothing but enabled: true).
  const d = networkSchema.parse({ enabled: true });
  expect(egressArgs(base).args).toEqual({ ...base, vaultCidrs: d.vaultCidrs, apiServerCidrs: d.apiServerCidrs, apiServerPorts: d.apiServerPorts, dns: d.dns });
});
