/**
 * Pure builders for Prometheus scraping Vault's own metrics and the Grafana
 * dashboard for them. No Pulumi resources.
 *
 * How Prometheus authenticates (the design): Vault's `/v1/sys/metrics` needs a
 * token unless the listener sets `telemetry { unauthenticated_metrics_access =
 * true }` (hashicorp/vault http/sys_metrics.go handleMetricsUnauthenticated is
 * only mounted then) — a server setting this program does not own, and one
 * that opens the metrics to anyone who reaches the port. So Prometheus uses a
 * Vault token of the existing metrics role (`read`,`list` on `sys/metrics`,
 * Kubernetes auth bound to Prometheus' service account, short TTL):
 * - a Vault Agent sidecar in the Prometheus pod logs in with a projected
 *   service-account token of the role's audience (command/agentproxyshared/
 *   auth/kubernetes: `role`, `token_path`), renews and re-logs-in, and writes
 *   the token to a file on an in-memory emptyDir;
 * - Prometheus reads it per scrape: `authorization.credentials_file`
 *   (prometheus/common config/http_config.go: credentials XOR
 *   credentials_file, type defaults to Bearer, "basic" refused).
 * The token never lands in a Kubernetes Secret or in Pulumi state and lives
 * for the role's TTL (default 15m). A prometheus-operator `ScrapeConfig` is
 * not used: its `authorization` is a `SafeAuthorization` (a Secret key only,
 * no file), which would put a long-lived token in a Secret.
 */
import type { ResourceRequirements } from "../config/config";

/** Vault Agent image of the sidecar: the Vault release the e2e workflow runs (.github/workflows/e2e.yml VAULT_VERSION). */
export const VAULT_AGENT_IMAGE = "hashicorp/vault:1.20.0";

/** Where the sidecar and Prometheus share files (both containers mount these). */
export const METRICS_PATHS = {
  /** Projected service-account token (audience = the metrics role's). */
  jwt: "/var/run/secrets/vault-metrics/token",
  /** The Vault token the agent writes and Prometheus sends. */
  token: "/vault/token/token",
  /** The agent's config (and Vault's CA) from the ConfigMap. */
  configDir: "/vault/config",
} as const;

export interface ScrapeJobArgs {
  /** Vault's URL as Prometheus reaches it, e.g. `https://vault.vault.svc:8200`. */
  readonly server: string;
  /** PEM CA present: Prometheus verifies Vault with `<configDir>/ca.crt`. */
  readonly hasCa: boolean;
  readonly interval: string;
}

/** One `scrape_configs` entry (Prometheus' own config format, as `additionalScrapeConfigs` takes it). */
export function vaultScrapeJob(a: ScrapeJobArgs): Record<string, unknown> {
  const url = new URL(a.server);
  const scheme = url.protocol.replace(":", "");
  const port = url.port || (scheme === "https" ? "443" : "80");
  return {
    job_name: "vault",
    scrape_interval: a.interval,
    metrics_path: "/v1/sys/metrics",
    params: { format: ["prometheus"] },
    scheme,
    authorization: { type: "Bearer", credentials_file: METRICS_PATHS.token },
    ...(scheme === "https" && a.hasCa ? { tls_config: { ca_file: `${METRICS_PATHS.configDir}/ca.crt`, server_name: url.hostname } } : {}),
    static_configs: [{ targets: [`${url.hostname}:${port}`], labels: { service: "vault" } }],
  };
}

export interface AgentConfigArgs {
  readonly address: string;
  /** Kubernetes auth mount path, e.g. `kubernetes`. */
  readonly authPath: string;
  readonly role: string;
  readonly hasCa: boolean;
  readonly vaultNamespace?: string;
}

/** Vault Agent config: Kubernetes auto-auth with the metrics role, token to a file sink; no template, no cache, no listener. */
export function vaultAgentConfig(a: AgentConfigArgs): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    "# Rendered by vault-eso: Prometheus' Vault Agent sidecar (docs/observability.md).",
    "exit_after_auth = false",
    "vault {",
    `  address = ${q(a.address)}`,
    ...(a.hasCa ? [`  ca_cert = ${q(`${METRICS_PATHS.configDir}/ca.crt`)}`] : []),
    ...(a.vaultNamespace ? [`  namespace = ${q(a.vaultNamespace)}`] : []),
    "}",
    "auto_auth {",
    '  method "kubernetes" {',
    `    mount_path = ${q(`auth/${a.authPath}`)}`,
    "    config = {",
    `      role       = ${q(a.role)}`,
    `      token_path = ${q(METRICS_PATHS.jwt)}`,
    "    }",
    "  }",
    '  sink "file" {',
    "    config = {",
    `      path = ${q(METRICS_PATHS.token)}`,
    "      mode = 0440",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}

export interface SidecarArgs {
  /** ConfigMap with `agent.hcl` (and `ca.crt`). */
  readonly configMap: string;
  /** Secret with the scrape job, and its key. */
  readonly scrapeSecret: { readonly name: string; readonly key: string };
  /** Audience of the projected token: the metrics role's. */
  readonly audience: string;
  readonly image?: string;
  readonly resources?: ResourceRequirements;
}

export const AGENT_RESOURCES: ResourceRequirements = { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } };

/** The restricted container securityContext of the sidecar. */
export const AGENT_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 65534,
  seccompProfile: { type: "RuntimeDefault" },
} as const;

/**
 * The Prometheus CR fields (monitoring.coreos.com/v1 `spec`) that run the
 * agent beside Prometheus and give Prometheus the scrape job: `containers`
 * (merged by name with the operator's), `volumes`, `volumeMounts` (of the
 * prometheus container) and `additionalScrapeConfigs`. With
 * kube-prometheus-stack they go under `prometheus.prometheusSpec`
 * (`additionalScrapeConfigsSecret: {enabled, name, key}` there).
 */
export function prometheusSpecForVaultMetrics(a: SidecarArgs): Record<string, unknown> {
  const tokenMount = { name: "vault-metrics-token", mountPath: "/vault/token" };
  const configMount = { name: "vault-metrics-config", mountPath: METRICS_PATHS.configDir, readOnly: true };
  return {
    containers: [
      {
        name: "vault-agent",
        image: a.image ?? VAULT_AGENT_IMAGE,
        command: ["vault", "agent", `-config=${METRICS_PATHS.configDir}/agent.hcl`],
        resources: a.resources ?? AGENT_RESOURCES,
        securityContext: { ...AGENT_SECURITY_CONTEXT, capabilities: { drop: ["ALL"] } },
        volumeMounts: [tokenMount, configMount, { name: "vault-metrics-jwt", mountPath: "/var/run/secrets/vault-metrics", readOnly: true }],
      },
    ],
    volumes: [
      // In memory: the token never touches the node's disk.
      { name: "vault-metrics-token", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
      { name: "vault-metrics-config", configMap: { name: a.configMap } },
      { name: "vault-metrics-jwt", projected: { sources: [{ serviceAccountToken: { audience: a.audience, expirationSeconds: 600, path: "token" } }] } },
    ],
    volumeMounts: [{ ...tokenMount, readOnly: true }, configMount],
    additionalScrapeConfigs: { name: a.scrapeSecret.name, key: a.scrapeSecret.key },
  };
}

/** Vault metric names the dashboard uses, with their Prometheus type (go-metrics prometheus sink: MeasureSince -> summary). */
export const VAULT_METRICS = {
  // vault/core.go, vault/core_metrics.go: SetGaugeWithLabels([]string{"core", "unsealed"}, 0|1)
  vault_core_unsealed: "gauge",
  // vault/request_handling.go handleRequest: MeasureSince([]string{"core", "handle_request"})
  vault_core_handle_request: "summary",
  vault_core_handle_request_count: "counter",
  // vault/expiration.go emitMetrics: SetGauge([]string{"expire", "num_leases"})
  vault_expire_num_leases: "gauge",
  // audit/broker.go LogRequest: IncrCounter([]string{"audit", "log_request_failure"}, 0|1)
  vault_audit_log_request_failure: "counter",
} as const;

/** A Grafana dashboard (schemaVersion 39 JSON model) on Vault's own metrics. */
export function vaultDashboard(): Record<string, unknown> {
  const ds = { type: "prometheus", uid: "${datasource}" };
  const panel = (id: number, title: string, type: string, expr: string, x: number, y: number, unit?: string) => ({
    id,
    title,
    type,
    datasource: ds,
    gridPos: { h: 8, w: 12, x, y },
    targets: [{ refId: "A", datasource: ds, expr }],
    ...(unit ? { fieldConfig: { defaults: { unit }, overrides: [] } } : {}),
  });
  return {
    title: "Vault (vault-eso)",
    uid: "vault-eso-vault",
    tags: ["vault", "vault-eso"],
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    templating: { list: [{ name: "datasource", type: "datasource", query: "prometheus", label: "Data source" }] },
    panels: [
      panel(1, "Unsealed nodes", "stat", 'sum(vault_core_unsealed{job="vault"})', 0, 0),
      panel(2, "Requests per second", "timeseries", 'sum(rate(vault_core_handle_request_count{job="vault"}[5m]))', 12, 0, "reqps"),
      panel(3, "Request latency p99 (ms)", "timeseries", 'max(vault_core_handle_request{job="vault",quantile="0.99"})', 0, 8, "ms"),
      panel(4, "Leases", "timeseries", 'sum(vault_expire_num_leases{job="vault"})', 12, 8),
      panel(5, "Audit log failures (Vault refuses requests no device can record)", "timeseries", 'sum(increase(vault_audit_log_request_failure{job="vault"}[5m]))', 0, 16),
    ],
  };
}

/** Label the Grafana sidecar of kube-prometheus-stack selects dashboard ConfigMaps by (grafana.sidecar.dashboards.label/labelValue defaults). */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;
