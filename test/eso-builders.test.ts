/** The pure ESO builders: chart values and store specs, checked and schema-validated without the mock engine. */
import { clusterSecretStoreSpec, ESO_API, ESO_CHART, esoChartValues, vaultProviderSpec, VaultProviderArgs } from "../components/eso/eso";
import { validateK8sObject } from "./helpers/schemas";
import { examplePem } from "./helpers/fixtures";

const resources = { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } };

describe("chart values", () => {
  const ha = esoChartValues({ serviceAccountName: "external-secrets", replicas: 2, leaderElect: true, resources, systemAuthDelegator: false });
  const single = esoChartValues({ serviceAccountName: "eso", replicas: 1, leaderElect: false, resources, systemAuthDelegator: true, concurrent: 3 });

  test("CRDs installed, token cache on, metrics service on", () => {
    for (const v of [ha, single]) {
      expect(v.installCRDs).toBe(true);
      expect(v.vault).toEqual({ enableTokenCache: true });
      expect(v.metrics).toEqual({ service: { enabled: true } });
    }
  });

  test("replicas, leader election and disruption budget follow the sizing", () => {
    expect(ha).toMatchObject({ replicaCount: 2, leaderElect: true, podDisruptionBudget: { enabled: true } });
    expect(single).toMatchObject({ replicaCount: 1, leaderElect: false, podDisruptionBudget: { enabled: false }, concurrent: 3 });
    expect("concurrent" in ha).toBe(false);
  });

  test("systemAuthDelegator follows the token review mode; the service account is named", () => {
    expect(ha.systemAuthDelegator).toBe(false);
    expect(single.systemAuthDelegator).toBe(true);
    expect(single.serviceAccount).toEqual({ create: true, name: "eso" });
  });

  test("the chart's hardened securityContext is left as the chart ships it", () => {
    for (const v of [ha, single]) {
      for (const part of [v, v.webhook as Record<string, unknown>, v.certController as Record<string, unknown>]) {
        expect(part).not.toHaveProperty("securityContext");
        expect(part).not.toHaveProperty("podSecurityContext");
      }
    }
  });

  test("the chart is pinned to an exact version from the official repository", () => {
    expect(ESO_CHART.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(ESO_CHART.repo).toBe("https://charts.external-secrets.io");
  });
});

describe("store specs", () => {
  const k8sAuth: VaultProviderArgs = {
    server: "https://vault.example.com:8200",
    mountPath: "secret",
    auth: { kind: "kubernetes", mountPath: "kubernetes", role: "eso", serviceAccount: { name: "external-secrets", namespace: "external-secrets" }, audiences: ["vault"] },
  };

  test("path is the mount only, version v2, kubernetes auth with serviceAccountRef and audiences", () => {
    expect(vaultProviderSpec(k8sAuth)).toEqual({
      vault: {
        server: "https://vault.example.com:8200",
        path: "secret",
        version: "v2",
        auth: { kubernetes: { mountPath: "kubernetes", role: "eso", serviceAccountRef: { name: "external-secrets", namespace: "external-secrets", audiences: ["vault"] } } },
      },
    });
  });

  test("a mount with data/ (ESO would read data/data/...) is refused", () => {
    expect(() => vaultProviderSpec({ ...k8sAuth, mountPath: "secret/data" })).toThrow(/data\/" itself/);
  });

  test("caBundle is the base64 of the PEM; caProvider is passed through", () => {
    const pem = examplePem();
    const withBundle = vaultProviderSpec({ ...k8sAuth, ca: { kind: "bundle", pem } });
    expect(Buffer.from(withBundle.vault.caBundle!, "base64").toString("utf8")).toBe(pem);
    const withProvider = vaultProviderSpec({ ...k8sAuth, ca: { kind: "provider", type: "Secret", name: "vault-ca", key: "ca.crt", namespace: "external-secrets" } });
    expect(withProvider.vault.caProvider).toEqual({ type: "Secret", name: "vault-ca", key: "ca.crt", namespace: "external-secrets" });
    expect(withProvider.vault.caBundle).toBeUndefined();
  });

  test("token auth refers to the Secret by name, key and namespace", () => {
    const spec = vaultProviderSpec({ ...k8sAuth, auth: { kind: "token", secretRef: { name: "vault-token", key: "token", namespace: "external-secrets-credentials" } } });
    expect(spec.vault.auth).toEqual({ tokenSecretRef: { name: "vault-token", key: "token", namespace: "external-secrets-credentials" } });
  });

  test("conditions: one entry per kind of condition, none when none are given", () => {
    expect(clusterSecretStoreSpec(k8sAuth).conditions).toBeUndefined();
    expect(clusterSecretStoreSpec(k8sAuth, { namespaces: ["a", "b"], namespaceSelector: { team: "x" } }).conditions).toEqual([
      { namespaces: ["a", "b"] },
      { namespaceSelector: { matchLabels: { team: "x" } } },
    ]);
  });

  test("the built ClusterSecretStore validates against ESO's v1 schema in every variant", async () => {
    const variants = [
      clusterSecretStoreSpec(k8sAuth, { namespaces: ["team-a"] }),
      clusterSecretStoreSpec({ ...k8sAuth, ca: { kind: "bundle", pem: examplePem() } }, { namespaceSelector: { a: "b" } }),
      clusterSecretStoreSpec({ ...k8sAuth, auth: { kind: "token", secretRef: { name: "t", key: "token", namespace: "c" } } }),
    ];
    for (const spec of variants) {
      await validateK8sObject({ apiVersion: ESO_API.stores, kind: "ClusterSecretStore", metadata: { name: "vault-backend" }, spec });
    }
  });

  test("the validator layer itself rejects what the API server would (so the test above can fail)", async () => {
    const spec = clusterSecretStoreSpec(k8sAuth) as any;
    const broken = structuredClone(spec);
    broken.provider.vault.version = "v3";
    await expect(validateK8sObject({ apiVersion: ESO_API.stores, kind: "ClusterSecretStore", metadata: { name: "s" }, spec: broken })).rejects.toThrow(/version/);
    await expect(validateK8sObject({ apiVersion: "external-secrets.io/v1beta1", kind: "ClusterSecretStore", metadata: { name: "s" }, spec })).rejects.toThrow(/not served/);
    await expect(validateK8sObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: "Team_A" } })).rejects.toThrow(/not a valid Namespace name/);
    const noRole = structuredClone(spec);
    delete noRole.provider.vault.auth.kubernetes.role;
    await expect(validateK8sObject({ apiVersion: ESO_API.stores, kind: "ClusterSecretStore", metadata: { name: "s" }, spec: noRole })).rejects.toThrow(/role/);
  });
});
