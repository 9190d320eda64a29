/**
 * Config section `vault-eso:observability`: Prometheus scraping Vault's
 * `sys/metrics` (a Vault policy and a Kubernetes auth role for Prometheus'
 * service account), ESO's ServiceMonitor and Grafana dashboard (chart
 * values), and a PrometheusRule with ESO alerts. Pure.
 */
import { z } from "zod";
import { dnsLabel, dnsSubdomain, duration, url, vaultName, vaultPolicyName } from "../config/schema-helpers";

export const observabilitySchema = z
  .strictObject({
    prometheusOperator: z
      .boolean()
      .default(false)
      .describe("The cluster runs the Prometheus operator (monitoring.coreos.com CRDs): ESO's ServiceMonitor and Grafana dashboard (chart values) and the PrometheusRule are created."),
    selectorLabels: z.record(z.string(), z.string()).default({}).describe("Labels your Prometheus selects ServiceMonitors and PrometheusRules by, e.g. `release: kube-prometheus-stack`."),
    grafanaDashboard: z.boolean().optional().meta({ description: "ESO's Grafana dashboard ConfigMap (for Grafana's sidecar).", defaultText: "on with the operator" }),
    alerts: z
      .strictObject({
        enabled: z.boolean().optional().meta({ description: "The PrometheusRule with the ESO alerts; needs the operator.", defaultText: "on with the operator" }),
        maxLoginsPerMinute: z.number().positive().default(60).describe("Vault logins per minute, summed over ESO, above which `VaultLoginChurn` fires."),
      })
      .prefault({})
      .describe("The PrometheusRule `vault-eso-alerts`."),
    vaultMetrics: z
      .strictObject({
        enabled: z.boolean().default(false).describe("A Vault policy and Kubernetes auth role for Prometheus to read `sys/metrics`."),
        policy: vaultPolicyName("observability.vaultMetrics.policy").default("prometheus-metrics").describe("The policy (`read`, `list` on `sys/metrics`)."),
        role: vaultName("observability.vaultMetrics.role").default("prometheus").describe("The Kubernetes auth role Prometheus logs in with."),
        namespace: dnsLabel("observability.vaultMetrics.namespace").default("monitoring").describe("Prometheus' namespace."),
        serviceAccountName: dnsSubdomain("observability.vaultMetrics.serviceAccountName").default("prometheus-k8s").describe("Prometheus' service account."),
        audience: z
          .string()
          .min(1)
          .optional()
          .meta({
            description: "The one audience of Prometheus' projected token, required by the role; with `clientJwt` it must be one of the API audiences.",
            defaultText: "`kubernetesAuth.audience`; with `clientJwt` the first of `apiAudiences`",
          }),
        tokenTtl: duration("observability.vaultMetrics.tokenTtl", 3600).default("15m").describe("TTL (and max TTL) of Prometheus' Vault token."),
        server: url("observability.vaultMetrics.server")
          .optional()
          .meta({ description: "Vault's URL as Prometheus reaches it.", defaultText: "`vault.serverForEso` (else `vault.address`)" }),
        scrapeInterval: z
          .string()
          .regex(/^(\d+(ms|s|m|h))+$/, { error: 'observability.vaultMetrics.scrapeInterval must be a Prometheus duration like "30s" or "1m". Fix: e.g. "30s"' })
          .default("30s")
          .describe("Prometheus scrape interval of the Vault job."),
        agentImage: z
          .string()
          .regex(/^[^\s@]+(@sha256:[0-9a-f]{64})?$/, { error: 'observability.vaultMetrics.agentImage must be an image reference like "hashicorp/vault:1.20.0". Fix: pin a tag or digest' })
          .optional()
          .meta({ description: "The Vault Agent image of Prometheus' sidecar (logs in with the metrics role, writes the token to an in-memory file).", defaultText: "`hashicorp/vault:1.20.0`" }),
        dashboard: z.boolean().default(true).describe("The Vault Grafana dashboard ConfigMap (label `grafana_dashboard: \"1\"`)."),
        dashboardNamespace: dnsLabel("observability.vaultMetrics.dashboardNamespace")
          .optional()
          .meta({ description: "Namespace of the dashboard ConfigMap (where your Grafana sidecar looks).", defaultText: "`vaultMetrics.namespace`" }),
      })
      .prefault({})
      .describe("Prometheus reading Vault's `sys/metrics`."),
  })
  .describe("Metrics, dashboards and alerts; see docs/operations.md#observability.");

export type ObservabilityConfig = z.infer<typeof observabilitySchema>;

export function checkObservability(o: ObservabilityConfig, issue: (path: (string | number)[], message: string) => void): void {
  if (!o.prometheusOperator) {
    if (o.grafanaDashboard) {
      issue(["observability", "grafanaDashboard"], "is shipped with the Prometheus operator setup (it charts the metrics the ServiceMonitor collects). Fix: set observability.prometheusOperator: true, or remove grafanaDashboard");
    }
    if (o.alerts.enabled) {
      issue(["observability", "alerts", "enabled"], "a PrometheusRule needs the Prometheus operator's CRDs (monitoring.coreos.com/v1). Fix: set observability.prometheusOperator: true once the operator runs in the cluster");
    }
  }
  const imageProblem = o.vaultMetrics.agentImage !== undefined ? pinnedImageProblem(o.vaultMetrics.agentImage) : undefined;
  if (imageProblem) issue(["observability", "vaultMetrics", "agentImage"], `"${o.vaultMetrics.agentImage}" ${imageProblem}. Fix: e.g. "hashicorp/vault:1.20.0", or a digest "hashicorp/vault@sha256:<64 hex>"`);
  for (const [k, v] of Object.entries(o.selectorLabels)) {
    if (v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      issue(["observability", "selectorLabels", k], `"${v}" is not a valid label value. Fix: e.g. "kube-prometheus-stack"`);
    }
  }
}

/**
 * Why an image reference is not pinned, or undefined: a digest (`@sha256:<64 hex>`) pins it; a tag pins
 * it only as an exact release (`1.20.0`, `v1.20.0`, `1.20.0-ent`): `latest`, `1`, `1.20` or a branch name
 * move, so each node may pull another image (a registry push reaches the metrics sidecar's Vault token).
 */
export function pinnedImageProblem(ref: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return undefined;
  const last = ref.split("/").pop()!;
  const colon = last.lastIndexOf(":");
  if (colon < 0) return "has no tag or digest, so each node may run another Vault version";
  const tag = last.slice(colon + 1);
  if (!/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(tag)) return `uses the moving tag "${tag}", so each node may run another image`;
  return undefined;
}
