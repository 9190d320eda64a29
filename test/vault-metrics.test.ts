/**
 * Vault's own metrics (issue 15): the scrape job Prometheus loads, the Vault
 * Agent sidecar that gives it a short-lived token, the Prometheus CR fields,
 * and the Grafana dashboard, on focused inputs. The prod stack's emitted
 * objects are checked in test/stack-prod.test.ts (its one program run).
 */
import { GRAFANA_DASHBOARD_LABEL, METRICS_PATHS, prometheusSpecForVaultMetrics, VAULT_METRICS, vaultAgentConfig, vaultDashboard, vaultScrapeJob } from "../components/observability/vault-metrics";
import { parseHcl1 } from "../policies/vault/hcl1";
import { hclAt } from "./helpers/hcl-at";
import { restrictedViolations } from "../policies/guard/rules/kubernetes";
import { scrapeJobProblems, tokenFileOf } from "./contracts/models/prometheus-scrape";
import { promqlProblems } from "./helpers/promql";
import { validateK8sObject } from "./helpers/schemas";

describe("prometheus/prometheus config/config.go + prometheus/common config/http_config.go: the Vault scrape job", () => {
  test("loads strictly: /v1/sys/metrics?format=prometheus, Bearer from a file (never inline), CA and server name over https", () => {
    const job = vaultScrapeJob({ server: "https://vault.example.com:8200", hasCa: true, interval: "30s" });
    expect(scrapeJobProblems(job)).toEqual([]);
    expect(job).toEqual(
      expect.objectContaining({
        metrics_path: "/v1/sys/metrics",
        params: { format: ["prometheus"] },
        scheme: "https",
        authorization: { type: "Bearer", credentials_file: METRICS_PATHS.token },
        tls_config: { ca_file: "/vault/config/ca.crt", server_name: "vault.example.com" },
        static_configs: [{ targets: ["vault.example.com:8200"], labels: { service: "vault" } }],
      }),
    );
    expect(JSON.stringify(job)).not.toMatch(/"credentials":/);
    // default ports, plain http (dev) without tls_config
    expect(vaultScrapeJob({ server: "http://vault.vault.svc", hasCa: false, interval: "1m" })).toEqual(expect.objectContaining({ scheme: "http", static_configs: [{ targets: ["vault.vault.svc:80"], labels: { service: "vault" } }] }));
    expect(vaultScrapeJob({ server: "https://vault", hasCa: false, interval: "1m" }).tls_config).toBeUndefined();
  });
  test("the model refuses what Prometheus refuses: an unknown field, both credentials, basic as a type", () => {
    expect(scrapeJobProblems({ job_name: "v", bearer_tokn_file: "x" })).toEqual(["field bearer_tokn_file not found in scrape_config"]);
    expect(scrapeJobProblems({ job_name: "v", authorization: { credentials: "hvs.x", credentials_file: "/f" } })).toEqual(["at most one of authorization credentials & credentials_file must be configured"]);
    expect(scrapeJobProblems({ job_name: "v", authorization: { type: "Basic", credentials_file: "/f" } })).toHaveLength(1);
  });
});

describe("hashicorp/vault command/agentproxyshared/auth/kubernetes NewKubernetesAuthMethod (role, token_path) + sink file: the agent config", () => {
  test("parses as HCL v1; logs in on auth/<mount> with the metrics role and the projected token; writes the token where Prometheus reads it", () => {
    const hcl = parseHcl1(vaultAgentConfig({ address: "https://vault.example.com:8200", authPath: "kubernetes", role: "prometheus", hasCa: true }));
    expect(hclAt(hcl, ["auto_auth", "method", "kubernetes", "mount_path"])).toEqual(["auth/kubernetes"]);
    expect(hclAt(hcl, ["auto_auth", "method", "kubernetes", "config"])).toEqual([{ role: "prometheus", token_path: METRICS_PATHS.jwt }]);
    expect(hclAt(hcl, ["auto_auth", "sink", "file", "config"])).toEqual([expect.objectContaining({ path: METRICS_PATHS.token })]);
    expect(hclAt(hcl, ["vault", "ca_cert"])).toEqual(["/vault/config/ca.crt"]);
    expect(tokenFileOf(vaultScrapeJob({ server: "https://v:8200", hasCa: true, interval: "30s" }))).toBe(METRICS_PATHS.token);
  });
});

describe("prometheus-operator monitoring.coreos.com/v1 Prometheus: the sidecar fields", () => {
  const spec = prometheusSpecForVaultMetrics({ configMap: "vault-metrics-agent", scrapeSecret: { name: "vault-metrics-scrape", key: "vault.yaml" }, audience: "vault" });
  test("validate against the published Prometheus CRD schema", async () => {
    await validateK8sObject({ apiVersion: "monitoring.coreos.com/v1", kind: "Prometheus", metadata: { name: "k8s", namespace: "monitoring" }, spec } as never);
  });
  test("the sidecar is restricted; the token is in memory; Prometheus mounts the token and the CA where the job reads them; the JWT carries the role's audience", () => {
    const s = spec as { containers: Array<Record<string, any>>; volumes: Array<Record<string, any>>; volumeMounts: Array<Record<string, any>> };
    expect(restrictedViolations({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: s.containers, volumes: s.volumes })).toEqual([]);
    expect(s.volumes.find((v) => v.name === "vault-metrics-token")?.emptyDir.medium).toBe("Memory");
    const dirOf = (p: string) => p.slice(0, p.lastIndexOf("/"));
    expect(s.volumeMounts.map((m) => m.mountPath)).toEqual(expect.arrayContaining([dirOf(METRICS_PATHS.token), METRICS_PATHS.configDir]));
    expect(s.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(expect.arrayContaining([dirOf(METRICS_PATHS.token), dirOf(METRICS_PATHS.jwt), METRICS_PATHS.configDir]));
    expect(s.volumes.find((v) => v.name === "vault-metrics-jwt")?.projected.sources[0].serviceAccountToken).toEqual({ audience: "vault", expirationSeconds: 600, path: "token" });
  });
});

describe("hashicorp/vault metric names (core.go core/unsealed, request_handling.go core/handle_request, expiration.go expire/num_leases, audit log_request_failure): the dashboard", () => {
  test("every panel queries Vault's real metric names with valid PromQL; ids unique", () => {
    const d = vaultDashboard() as { panels: Array<{ id: number; targets: Array<{ expr: string }> }> };
    const known = new Set(Object.keys(VAULT_METRICS));
    // A panel plots a value: the helper's alert-only rule (a threshold comparison at the end) does not apply.
    const problems = (e: string) => promqlProblems(e, known).filter((p) => !p.startsWith("an alert expression should end in a comparison"));
    for (const p of d.panels) for (const t of p.targets) expect({ expr: t.expr, problems: problems(t.expr) }).toEqual({ expr: t.expr, problems: [] });
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    // The check has teeth: a misspelt metric is caught.
    expect(problems("sum(vault_core_unseal)")).not.toEqual([]);
    expect(GRAFANA_DASHBOARD_LABEL).toEqual({ grafana_dashboard: "1" });
  });
});
