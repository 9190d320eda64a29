/**
 * Contracts: what the Pulumi providers do with what the program registers for
 * the shipped stacks (Pulumi.dev.yaml, Pulumi.prod.yaml, prod with
 * tokenAuth.enabled), one recorded run each (scripts/lib/capture.ts):
 *
 * - pulumi/pulumi-kubernetes provider/pkg/metadata/overrides.go ReadyCondition,
 *   provider/pkg/await/await.go Creation, await/awaiters.go, await/condition
 *   custom.go + kubectl.go, provider/pkg/provider/helm_release.go: what
 *   `pulumi up` waits for (model: models/pulumi-kubernetes-await.ts).
 * - @pulumi/kubernetes-cert-manager 0.2.0 (pulumi/pulumi-kubernetes-cert-manager
 *   provider/pkg/provider/chart.go, pulumi/pulumi-go-helmbase base.go
 *   InitDefaults) and the cert-manager chart (cert-manager/cert-manager
 *   deploy/charts/cert-manager values.yaml, templates/_helpers.tpl
 *   cert-manager.crd-check, templates/crd-*.yaml): the CRD values VaultTrust
 *   sends (components/trust/vault-trust.ts, components/trust/cert-manager.ts
 *   certManagerHelmOptions) (model: models/cert-manager-chart.ts).
 * - hashicorp/terraform-provider-vault v5.8.0 internal/provider/meta.go
 *   setClient: where the Vault provider takes Vault's CA
 *   (model: models/vault-provider-tls.ts).
 * The list of what was checked is docs/contracts-pulumi.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { Captured, startRecording } from "../../scripts/lib/capture";
import { flattenConfig, readStackFile } from "../helpers/stack-file";
import { parse } from "yaml";
import * as fs from "fs";
import { loadStackConfig } from "../../components/config/stack-config";
import { buildPlatform } from "../../components/platform";
import { configWarnings } from "../../components/extras";
import { providerCaWarning } from "../../components/vault-backend/vault-provider-ca";
import { awaitPlan, conditionMet, DEFAULT_TIMEOUT_SECONDS, helmReleasePlan } from "./models/pulumi-kubernetes-await";
import { providerCaSource } from "./models/vault-provider-tls";
import { VaultTrust } from "../../components/trust/vault-trust";
import { CERT_MANAGER_CHART, CERT_MANAGER_MIN_CHART, compareChartVersions } from "../../components/trust/cert-manager";
import { ConfigError, parseStackConfig, PlatformConfig } from "../../components/config/config";
import { flat, validSections } from "../helpers/fixtures";
import { installMocks } from "../helpers/mocks";
import { chartCrds, releaseValues } from "./models/cert-manager-chart";

const STACKS = ["dev", "prod", "prod-token"] as const;
type Stack = (typeof STACKS)[number];
const runs = {} as Record<Stack, { captured: Captured[]; config: PlatformConfig }>;

function stackConfig(stack: Stack) {
  if (stack !== "prod-token") return readStackFile(stack);
  const doc = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, unknown> };
  doc.config["vault-eso:tokenAuth"] = { enabled: true, period: "7d", explicitMaxTtl: "30d", rotateBefore: "7d", schedule: "0 */12 * * *" };
  return flattenConfig(doc.config);
}

beforeAll(async () => {
  // buildPlatform prints prod's Vault CA warning (checked below): keep the test output quiet.
  const consoleWarn = console.warn;
  console.warn = () => undefined;
  for (const stack of STACKS) {
    const rec = startRecording("vault-eso", stack);
    const { config, secretKeys } = stackConfig(stack);
    pulumi.runtime.setAllConfig(config, secretKeys);
    const loaded = loadStackConfig();
    buildPlatform(loaded);
    await rec.settle();
    runs[stack] = { captured: [...rec.captured], config: loaded.config };
  }
  console.warn = consoleWarn;
});

const k8s = (stack: Stack) => runs[stack].captured.filter((c) => c.custom && c.type.startsWith("kubernetes:") && !c.type.startsWith("kubernetes:helm.sh/"));
const inputs = (c: Captured) => c.inputs as { apiVersion: string; kind: string; type?: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> } };

/**
 * The resources whose creation `c` waits for: its own dependencies and its
 * ancestors' (pulumi/pulumi sdk/nodejs runtime/resource.ts prepareResource
 * awaits the parent's URN, and a component registers only once
 * runtime/dependsOn.ts getAllTransitivelyReferencedResourceURNs has awaited the
 * URN of every custom resource it depends on, which resolves when the engine
 * has created it).
 */
function waitsFor(stack: Stack, c: Captured): Set<string> {
  const byUrn = new Map(runs[stack].captured.map((x) => [x.urn, x]));
  const out = new Set<string>();
  for (let cur: Captured | undefined = c; cur; cur = cur.parent ? byUrn.get(cur.parent) : undefined) {
    for (const d of cur.dependencies) out.add(d);
  }
  return out;
}

/**
 * Conditions each kind's controller reports, from upstream: ESO
 * apis/externalsecrets/v1/secretstore_types.go `SecretStoreReady = "Ready"`
 * (SecretStore and ClusterSecretStore); cert-manager pkg/apis/certmanager/v1
 * `CertificateConditionReady`, `IssuerConditionReady`.
 */
const REPORTED_CONDITIONS: Record<string, readonly string[]> = {
  "external-secrets.io/v1/SecretStore": ["Ready"],
  "external-secrets.io/v1/ClusterSecretStore": ["Ready"],
  "cert-manager.io/v1/Certificate": ["Ready", "Issuing"],
  "cert-manager.io/v1/ClusterIssuer": ["Ready"],
};

/** Every Kubernetes kind the shipped stacks create, each reviewed in docs/contracts-pulumi.md. */
const REVIEWED_KINDS = new Set([
  "v1/Namespace", "v1/ServiceAccount", "v1/Secret", "v1/ConfigMap", "batch/v1/CronJob", "batch/v1/Job",
  "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding",
  "rbac.authorization.k8s.io/v1/ClusterRole", "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
  "networking.k8s.io/v1/NetworkPolicy", "monitoring.coreos.com/v1/PrometheusRule",
  "external-secrets.io/v1/ClusterSecretStore", "external-secrets.io/v1/SecretStore", "external-secrets.io/v1/ExternalSecret",
  "external-secrets.io/v1alpha1/PushSecret",
]);

describe("pulumi-kubernetes await/condition custom.go NewCustom + metadata/overrides.go ReadyCondition (focused inputs)", () => {
  test("waitFor syntax: condition=Type[=Status], jsonpath=, JSON arrays; anything else fails the resource", () => {
    const ann = (v: Record<string, string>) => ({ apiVersion: "example.io/v1", kind: "X", metadata: { annotations: v } });
    expect(awaitPlan(ann({ "pulumi.com/waitFor": "condition=Ready" })).expectations).toEqual([{ kind: "condition", type: "Ready", status: "True" }]);
    expect(awaitPlan(ann({ "pulumi.com/waitFor": "condition=Synced=False" })).expectations).toEqual([{ kind: "condition", type: "Synced", status: "False" }]);
    expect(awaitPlan(ann({ "pulumi.com/waitFor": '["condition=Ready","jsonpath={.status.phase}=Active"]' })).expectations).toHaveLength(2);
    expect(awaitPlan(ann({ "pulumi.com/waitFor": "Ready" })).error).toMatch(/prefix/);
    expect(awaitPlan(ann({ "pulumi.com/waitFor": "[]" })).error).toMatch(/at least one/);
    expect(awaitPlan(ann({ "pulumi.com/timeoutSeconds": "5m" })).timeoutSeconds).toBe(DEFAULT_TIMEOUT_SECONDS);
    expect(awaitPlan(ann({ "pulumi.com/timeoutSeconds": "120" })).timeoutSeconds).toBe(120);
    expect(awaitPlan(ann({ "pulumi.com/timeoutSeconds": "120" }), { customTimeoutSeconds: 30 }).timeoutSeconds).toBe(30);
    // A waitFor replaces the kind's built-in awaiter.
    const sat = { apiVersion: "v1", kind: "Secret", type: "kubernetes.io/service-account-token" };
    expect(awaitPlan(sat).waits).toBe("builtin");
    expect(awaitPlan({ ...sat, metadata: { annotations: { "pulumi.com/waitFor": "jsonpath={.data.token}" } } }).waits).toBe("waitFor");
  });

  test("kubectl.go checkCondition: a Ready condition for an older generation does not count", () => {
    const e = { type: "Ready", status: "True" };
    expect(conditionMet({ status: { conditions: [{ type: "ready", status: "true" }] } }, e)).toBe(true);
    expect(conditionMet({ metadata: { generation: 3 }, status: { conditions: [{ type: "Ready", status: "True", observedGeneration: 2 }] } }, e)).toBe(false);
    expect(conditionMet({ status: { conditions: [{ type: "Ready", status: "False" }] } }, e)).toBe(false);
  });
});

describe.each(STACKS)("pulumi-kubernetes await.go Creation / awaiters.go / helm_release.go: what `pulumi up` waits for in %s", (stack) => {
  test("every Kubernetes kind the stack creates is one docs/contracts-pulumi.md reviews", () => {
    const kinds = new Set(k8s(stack).map((c) => `${inputs(c).apiVersion}/${inputs(c).kind}`));
    expect([...kinds].filter((k) => !REVIEWED_KINDS.has(k))).toEqual([]);
  });

  test("every annotation parses, waits only for a condition its controller reports, nothing skips await, default timeouts", () => {
    for (const c of k8s(stack)) {
      const o = inputs(c);
      const plan = awaitPlan(o);
      expect({ name: o.metadata.name, error: plan.error }).toEqual({ name: o.metadata.name, error: undefined });
      expect(o.metadata.annotations?.["pulumi.com/skipAwait"]).toBeUndefined();
      expect(plan.timeoutSeconds).toBe(DEFAULT_TIMEOUT_SECONDS);
      for (const e of plan.expectations) {
        expect(e.kind).toBe("condition");
        if (e.kind === "condition") expect(REPORTED_CONDITIONS[`${o.apiVersion}/${o.kind}`] ?? []).toContain(e.type);
      }
    }
  });

  test("every store waits for Ready=True and is created after the ESO Helm release, which waits for the chart's workloads", () => {
    // ESO's release (Reloader's, in prod, waits for nothing of ESO's and no store waits for it).
    const release = runs[stack].captured.filter((c) => c.type === "kubernetes:helm.sh/v3:Release" && c.inputs.chart === "external-secrets");
    expect(release).toHaveLength(1);
    expect(helmReleasePlan(release[0].inputs)).toEqual({ wait: true, waitForJobs: false, atomic: true, timeoutSeconds: 600 });
    const stores = k8s(stack).filter((c) => /SecretStore$/.test(inputs(c).kind));
    expect(stores.length).toBeGreaterThan(0);
    for (const s of stores) {
      expect(awaitPlan(inputs(s)).expectations).toEqual([{ kind: "condition", type: "Ready", status: "True" }]);
      expect(waitsFor(stack, s)).toContain(release[0].urn);
    }
  });

  test("every store waits for what ESO's login needs: its Vault role, and with client-JWT review the auth-delegator binding of the account it logs in as", () => {
    const all = runs[stack].captured;
    const clientJwt = runs[stack].config.kubernetesAuth.tokenReview === "clientJwt";
    const release = all.find((c) => c.type === "kubernetes:helm.sh/v3:Release")!;
    for (const s of k8s(stack).filter((c) => /SecretStore$/.test(inputs(c).kind))) {
      const o = s.inputs as { kind: string; metadata: { name: string; namespace?: string }; spec: { provider: { vault: { auth: { kubernetes?: { role: string; serviceAccountRef?: { name: string; namespace?: string } } } } } } };
      const kube = o.spec.provider.vault.auth.kubernetes;
      if (!kube) continue; // token auth: the renewer's Secret (checked in stack-token-auth)
      const role = all.find((c) => c.type === "vault:kubernetes/authBackendRole:AuthBackendRole" && c.inputs.roleName === kube.role);
      expect(role).toBeDefined();
      expect(waitsFor(stack, s)).toContain(role!.urn);
      if (!clientJwt) continue;
      // vault-plugin-auth-kubernetes token_review.go: the client's JWT is the TokenReview bearer; the API server
      // authorizes tokenreviews.create for it only through system:auth-delegator.
      const ref = kube.serviceAccountRef;
      const saNs = ref?.namespace ?? o.metadata.namespace ?? runs[stack].config.eso.namespace;
      const saName = ref?.name ?? runs[stack].config.eso.serviceAccountName;
      const binding = all.find(
        (c) =>
          c.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding" &&
          (c.inputs as { roleRef: { name: string } }).roleRef.name === "system:auth-delegator" &&
          (c.inputs as { subjects: Array<{ kind: string; name: string; namespace?: string }> }).subjects.some((x) => x.kind === "ServiceAccount" && x.name === saName && x.namespace === saNs),
      );
      if (binding) expect({ store: o.metadata.name, waits: waitsFor(stack, s).has(binding.urn) }).toEqual({ store: o.metadata.name, waits: true });
      else {
        // ESO's own account: the chart binds it (values systemAuthDelegator), and the store waits for the release.
        expect(saName).toBe(runs[stack].config.eso.serviceAccountName);
        expect((release.inputs.values as { systemAuthDelegator?: boolean }).systemAuthDelegator).toBe(true);
        expect(waitsFor(stack, s)).toContain(release.urn);
      }
    }
  });

  test("a Job (built-in awaiter: Complete=True, Failed=True fails the update) ends by its own deadline within the await timeout", () => {
    for (const j of k8s(stack).filter((c) => inputs(c).kind === "Job")) {
      const plan = awaitPlan(inputs(j));
      expect(plan.waits).toBe("builtin");
      const deadline = (j.inputs as { spec: { activeDeadlineSeconds?: number } }).spec.activeDeadlineSeconds;
      expect(deadline).toBeDefined();
      expect(deadline!).toBeLessThan(plan.timeoutSeconds);
    }
  });

  test("a service-account-token Secret keeps the built-in wait for its token and is created after its ServiceAccount", () => {
    const sas = k8s(stack).filter((c) => inputs(c).kind === "ServiceAccount");
    for (const s of k8s(stack).filter((c) => inputs(c).type === "kubernetes.io/service-account-token")) {
      const o = inputs(s);
      expect(awaitPlan(o).waits).toBe("builtin");
      const saName = o.metadata.annotations?.["kubernetes.io/service-account.name"];
      // kubernetes/kubernetes pkg/controller/serviceaccount/tokens_controller.go syncSecret deletes a token Secret whose account does not exist.
      const sa = sas.find((x) => inputs(x).metadata.name === saName && inputs(x).metadata.namespace === o.metadata.namespace);
      expect(sa).toBeDefined();
      expect(waitsFor(stack, s)).toContain(sa!.urn);
    }
  });
});

/** `configWarnings` under an environment holding exactly `env`'s CA variables (the provider inherits the environment of `pulumi up`). */
function warningsWith(config: PlatformConfig, env: Record<string, string | undefined>): string[] {
  const saved = { ...process.env };
  try {
    for (const k of ["VAULT_CACERT", "VAULT_CAPATH", "VAULT_CACERT_BYTES"]) delete process.env[k];
    for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
    return configWarnings(config);
  } finally {
    process.env = saved;
  }
}

describe("terraform-provider-vault meta.go setClient (v5.8.0, pinned by @pulumi/vault 7.8.0): CA sources, against prod", () => {
  const provider = () => runs.prod.captured.find((c) => c.type === "pulumi:providers:vault")!.inputs as Record<string, unknown>;

  test("prod's inline vault.caCert never reaches the provider: it only has path fields, and the program leaves them unset", () => {
    expect(provider().caCertFile).toBeUndefined();
    expect(provider().caCertDir).toBeUndefined();
    expect(JSON.stringify(provider())).not.toContain("BEGIN CERTIFICATE");
    expect(providerCaSource(provider(), {})).toEqual({ kind: "system" });
  });

  test("without a CA in the environment the program warns, and the fix it names makes the provider trust vault.caCert", () => {
    const config = runs.prod.config;
    const w = warningsWith(config, {}).find((x) => x.includes("vault.caCert"));
    expect(w).toMatch(/export VAULT_CACERT_BYTES="\$\(pulumi config get --path vault-eso:vault\.caCert\)"/);
    const env = { VAULT_CACERT_BYTES: config.vault.caCertPem };
    expect(providerCaSource(provider(), env)).toEqual({ kind: "bytes", pem: config.vault.caCertPem });
    expect(warningsWith(config, env).some((x) => x.includes("vault.caCert"))).toBe(false);
  });

  test("a file (caCertFile or VAULT_CACERT) wins over the bytes (go-rootcerts LoadCACerts order); the program does not second-guess it", () => {
    expect(providerCaSource({}, { VAULT_CACERT: "/etc/ca.pem", VAULT_CACERT_BYTES: "x" })).toEqual({ kind: "file", path: "/etc/ca.pem" });
    expect(providerCaSource({ caCertFile: "vault-ca.pem" }, { VAULT_CACERT_BYTES: "x" })).toEqual({ kind: "file", path: "vault-ca.pem" });
    expect(warningsWith(runs.prod.config, { VAULT_CACERT: "/etc/ca.pem" }).some((x) => x.includes("vault.caCert"))).toBe(false);
  });

  test("VAULT_CACERT_BYTES holding another CA is called out", () => {
    const other = "-----BEGIN CERTIFICATE-----\nMIIBaW5vdGhlcg==\n-----END CERTIFICATE-----\n";
    expect(warningsWith(runs.prod.config, { VAULT_CACERT_BYTES: other })).toEqual(expect.arrayContaining([expect.stringContaining("trust different CAs")]));
    expect(providerCaWarning(runs.prod.config.vault.caCertPem!, { VAULT_CACERT_BYTES: `${other}${runs.prod.config.vault.caCertPem}` })).toBeUndefined();
  });
});

/** The CertManager component VaultTrust registers (its own mock run: the shipped stacks do not enable cert-manager). */
async function registeredInputs(): Promise<Record<string, unknown>> {
  const engine = installMocks("cert-manager-contract");
  new VaultTrust("t", {
    certManagerNamespace: "cert-manager",
    caName: "vault-eso-ca",
    caDuration: "87600h",
    server: { namespace: "vault", secretName: "vault-server-tls", dnsNames: ["vault.vault.svc"], ipAddresses: [], duration: "2160h", renewBefore: "360h" },
  });
  await engine.settle();
  const cm = engine.ofType("kubernetes-cert-manager:index:CertManager");
  expect(cm).toHaveLength(1);
  return cm[0].inputs;
}

describe("cert-manager chart templates/_helpers.tpl crd-check + templates/crd-*.yaml, via pulumi-go-helmbase InitDefaults", () => {
  test("what VaultTrust registers installs the CRDs, keeps them on uninstall, renders, and avoids the deprecated installCRDs", async () => {
    const outcome = chartCrds(releaseValues(await registeredInputs()));
    expect(outcome.renderError).toBeUndefined();
    expect(outcome.crdsInstalled).toBe(true);
    expect(outcome.crdsKept).toBe(true);
    expect(outcome.deprecatedInstallCRDs).toBe(false);
  });

  test("the model refuses what a half migration would send (installCRDs together with crds.enabled)", () => {
    expect(chartCrds(releaseValues({ installCRDs: true, helmOptions: { values: { crds: { enabled: true } } } })).renderError).toMatch(/cannot be enabled at the same time/);
    // The typed field wins over the same key in helmOptions.values.
    expect(releaseValues({ helmOptions: { values: { installCRDs: true } } }).installCRDs).toBeUndefined();
    // The chart default installs nothing.
    expect(chartCrds(releaseValues({})).crdsInstalled).toBe(false);
  });

  test(`the pinned chart (${CERT_MANAGER_CHART.version}) has crds.enabled; an older chartVersion override is refused in config`, () => {
    expect(compareChartVersions(CERT_MANAGER_CHART.version, CERT_MANAGER_MIN_CHART)).toBeGreaterThanOrEqual(0);
    const s = {
      ...validSections(),
      vault: { address: "https://127.0.0.1:8200", serverForEso: "https://vault.vault.svc:8200" },
      tls: { certManager: { enabled: true, chartVersion: "v1.14.5", server: { dnsNames: ["vault.vault.svc"] } } },
    };
    expect(() => parseStackConfig(flat(s), { secretKeys: new Set(), readFile: () => "" })).toThrow(ConfigError);
    expect(() => parseStackConfig(flat(s), { secretKeys: new Set(), readFile: () => "" })).toThrow(/tls\.certManager\.chartVersion = "v1\.14\.5": is older than v1\.15\.0/);
    s.tls.certManager.chartVersion = "v1.15.0";
    expect(() => parseStackConfig(flat(s), { secretKeys: new Set(), readFile: () => "" })).not.toThrow();
  });
});
