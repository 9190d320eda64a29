/**
 * Config section `vault-eso:observability`: Prometheus scraping Vault's
 * `sys/metrics` (a Vault policy and a Kubernetes auth role for Prometheus'
 * service account), ESO's ServiceMonitor and Grafana dashboard (chart
 * values), and a PrometheusRule with ESO alerts. Pure.
 */
import { z } from "zod";
import { dnsLabel, dnsSubdomain, duration, url, vaultName, vaultPolicyName } from "./schema-helpers";

export const observabilitySchema = z.strictObject({
  /** The cluster runs the Prometheus operator (monitoring.coreos.com CRDs): ServiceMonitor, dashboard and PrometheusRule are created. */
  prometheusOperator: z.boolean().default(false),
  /** Labels your Prometheus selects ServiceMonitors and PrometheusRules by (e.g. `release: kube-prometheus-stack`). */
  selectorLabels: z.record(z.string(), z.string()).default({}),
  /** ESO's Grafana dashboard ConfigMap (for the Grafana sidecar). Default: on with the Prometheus operator. */
  grafanaDashboard: z.boolean().optional(),
  /** The PrometheusRule with ESO alerts. Default: on with the Prometheus operator. */
  alerts: z
    .strictObject({
      enabled: z.boolean().optional(),
      /** Vault logins per minute, summed over ESO, above which "login churn" fires. */
      maxLoginsPerMinute: z.number().positive().default(60),
    })
    .prefault({}),
  /** Prometheus reading Vault's `sys/metrics`. */
  vaultMetrics: z
    .strictObject({
      enabled: z.boolean().default(false),
      policy: vaultPolicyName("observability.vaultMetrics.policy").default("prometheus-metrics"),
      role: vaultName("observability.vaultMetrics.role").default("prometheus"),
      /** Prometheus' namespace and service account. */
      namespace: dnsLabel("observability.vaultMetrics.namespace").default("monitoring"),
      serviceAccountName: dnsSubdomain("observability.vaultMetrics.serviceAccountName").default("prometheus-k8s"),
      /** JWT audience the role requires. Default: kubernetesAuth.audience. */
      audience: z.string().min(1).optional(),
      tokenTtl: duration("observability.vaultMetrics.tokenTtl", 3600).default("15m"),
      /** Vault's URL as Prometheus reaches it. Default: vault.serverForEso (else vault.address). */
      server: url("observability.vaultMetrics.server").optional(),
      /** Prometheus scrape interval of the Vault job. */
      scrapeInterval: z.string().regex(/^(\d+(ms|s|m|h))+$/, { error: 'observability.vaultMetrics.scrapeInterval must be a Prometheus duration like "30s" or "1m". Fix: e.g. "30s"' }).default("30s"),
      /** The Vault Agent image of Prometheus' sidecar. Default: VAULT_AGENT_IMAGE (components/lib/vault-metrics.ts). */
      agentImage: z.string().regex(/^[^\s:@]+(:[\w][\w.-]{0,127})?(@sha256:[0-9a-f]{64})?$/, { error: 'observability.vaultMetrics.agentImage must be an image reference like "hashicorp/vault:1.20.0". Fix: pin a tag or digest' }).optional(),
      /** The Vault Grafana dashboard ConfigMap (label grafana_dashboard: "1"). Default: on. */
      dashboard: z.boolean().default(true),
      /** Namespace of the dashboard ConfigMap (where your Grafana sidecar looks). Default: vaultMetrics.namespace. */
      dashboardNamespace: dnsLabel("observability.vaultMetrics.dashboardNamespace").optional(),
    })
    .prefault({}),
});

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
  if (o.vaultMetrics.agentImage !== undefined && !/[:@]/.test(o.vaultMetrics.agentImage.split("/").pop()!)) {
    issue(["observability", "vaultMetrics", "agentImage"], `"${o.vaultMetrics.agentImage}" has no tag or digest, so each node may run another Vault version. Fix: e.g. "hashicorp/vault:1.20.0"`);
  }
  for (const [k, v] of Object.entries(o.selectorLabels)) {
    if (v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      issue(["observability", "selectorLabels", k], `"${v}" is not a valid label value. Fix: e.g. "kube-prometheus-stack"`);
    }
  }
}
