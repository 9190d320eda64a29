/**
 * Contract: the cert-manager chart's CRD values as the program sends them
 * (components/vault-trust.ts VaultTrust, components/lib/cert-manager.ts
 * certManagerHelmOptions) through @pulumi/kubernetes-cert-manager 0.2.0
 * (pulumi/pulumi-kubernetes-cert-manager provider/pkg/provider/chart.go,
 * pulumi/pulumi-go-helmbase base.go InitDefaults) to the chart
 * (cert-manager/cert-manager deploy/charts/cert-manager values.yaml,
 * templates/_helpers.tpl cert-manager.crd-check, templates/crd-*.yaml).
 */
import { installMocks } from "../helpers/mocks";
import { VaultTrust } from "../../components/vault-trust";
import { CERT_MANAGER_CHART, CERT_MANAGER_MIN_CHART, compareChartVersions } from "../../components/lib/cert-manager";
import { ConfigError, parseStackConfig } from "../../components/lib/config";
import { flat, validSections } from "../helpers/fixtures";
import { chartCrds, releaseValues } from "./models/cert-manager-chart";

const engine = installMocks("cert-manager-contract");

async function registeredInputs(): Promise<Record<string, unknown>> {
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
