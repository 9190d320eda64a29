/**
 * Config section `vault-eso:observability`: Prometheus scraping Vault's
 * `sys/metrics` (a Vault policy and a Kubernetes auth role for Prometheus'
 * service account), ESO's ServiceMonitor and Grafana dashboard (chart
 * values), and a PrometheusRule with ESO alerts. Pure.
 */
import { z } from "zod";
import { dnsLabel, dnsSubdomain, duration, vaultName, vaultPolicyName } from "./schema-helpers";

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
  for (const [k, v] of Object.entries(o.selectorLabels)) {
    if (v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      issue(["observability", "selectorLabels", k], `"${v}" is not a valid label value. Fix: e.g. "kube-prometheus-stack"`);
    }
  }
}
