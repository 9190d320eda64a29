/**
 * Pure builders for monitoring: ESO chart values for its ServiceMonitor and
 * Grafana dashboard, and the PrometheusRule with ESO's alerts. Metric names
 * are ESO 2.9's (pkg/controllers/*\/*metrics, runtime/metrics): condition
 * gauges are 1 for the current status and 0 for the opposite one.
 */
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule" with { "resolution-mode": "import" };
import { MANAGED_BY_LABELS } from "../config/options";

/** Every ESO metric the alerts use, with its type: the PromQL check in the tests only accepts these. */
export const ESO_METRICS = {
  externalsecret_status_condition: "gauge",
  externalsecret_sync_calls_error: "counter",
  externalsecret_provider_api_calls_count: "counter",
  secretstore_status_condition: "gauge",
  clustersecretstore_status_condition: "gauge",
  pushsecret_status_condition: "gauge",
} as const;

/** kube-state-metrics metrics the token renewer's alerts use (internal/store/cronjob.go). */
export const KUBE_STATE_METRICS = {
  kube_cronjob_status_last_successful_time: "gauge",
} as const;

export interface MonitoringValuesArgs {
  readonly serviceMonitor: boolean;
  readonly grafanaDashboard: boolean;
  /** Labels Prometheus selects ServiceMonitors by. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Chart 2.9.0 values (`serviceMonitor.*`, `grafanaDashboard.enabled`); empty when both are off. */
export function esoMonitoringValues(a: MonitoringValuesArgs): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  if (a.serviceMonitor) {
    // failIfMissing: the config says the operator is there; if its CRD is not, the install fails instead of silently skipping.
    values.serviceMonitor = { enabled: true, renderMode: "failIfMissing", additionalLabels: { ...a.labels } };
  }
  if (a.grafanaDashboard) values.grafanaDashboard = { enabled: true };
  return values;
}

export type PrometheusRuleManifest = IPrometheusRule & { metadata: { name: string; namespace: string; labels: Record<string, string> } };

export interface AlertRulesArgs {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Vault logins per minute (all ESO pods) above which VaultLoginChurn fires. */
  readonly maxLoginsPerMinute: number;
  /** Token auth: the renewer CronJob, and seconds after its last success at which the token's TTL may run short (renewerAlertAfterSeconds). */
  readonly tokenRenewer?: TokenRenewerAlertOptions;
}

export interface TokenRenewerAlertOptions {
  /** Namespace of the renewer CronJob (`tokenAuth.namespace`). */
  readonly namespace: string;
  /** Name of the renewer CronJob (`vault-token-renewer`). */
  readonly cronJob: string;
  /** Seconds after the last successful run at which the alert fires (renewerAlertAfterSeconds). */
  readonly alertAfterSeconds: number;
}

/**
 * The token renewer's alerts, from kube-state-metrics' `kube_cronjob_status_last_successful_time` (the
 * CronJob's `status.lastSuccessfulTime`): fires before the token's remaining TTL drops under a schedule
 * gap, while a run can still save it (docs/token-auth.md, "Recovery").
 */
function tokenRenewerRules(t: TokenRenewerAlertOptions) {
  const sel = `namespace="${t.namespace}",cronjob="${t.cronJob}"`;
  const hours = Math.round((t.alertAfterSeconds / 3600) * 10) / 10;
  return {
    name: "vault-eso.token-renewer",
    rules: [
      {
        alert: "VaultTokenRenewalOverdue",
        expr: `time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${sel}}) > ${t.alertAfterSeconds}`,
        labels: { severity: "critical" },
        annotations: {
          summary: "ESO's Vault token has not been renewed for {{ $value | humanizeDuration }}",
          description: `The renewer CronJob ${t.namespace}/${t.cronJob} last succeeded more than ${hours}h ago: the token's remaining TTL may be under one schedule gap, so it can expire before the next run. Look at the last failed Job's log (a refused token, Vault unreachable, RBAC) and follow docs/token-auth.md, "Recovery", before it expires.`,
        },
      },
      {
        alert: "VaultTokenRenewerNeverSucceeded",
        expr: `absent(kube_cronjob_status_last_successful_time{${sel}}) == 1`,
        for: `${Math.max(60, t.alertAfterSeconds)}s`,
        labels: { severity: "critical" },
        annotations: {
          summary: `The Vault token renewer ${t.namespace}/${t.cronJob} has no successful run on record`,
          description: "kube-state-metrics reports no successful run of the renewer CronJob: either it never succeeded (the bootstrap token expires soon after `up`) or kube-state-metrics does not export CronJobs. See docs/token-auth.md, \"Recovery\".",
        },
      },
    ],
  };
}

const VAULT = 'provider="HashiCorp/Vault"';

/** The alerts: each names what broke and where to look. */
export function esoAlertRules(a: AlertRulesArgs): PrometheusRuleManifest {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "vault-eso-alerts", namespace: a.namespace, labels: { ...MANAGED_BY_LABELS, ...a.labels } },
    spec: {
      groups: [
        {
          name: "vault-eso.sync",
          rules: [
            {
              alert: "ExternalSecretNotReady",
              expr: 'max by (namespace, name) (externalsecret_status_condition{condition="Ready",status="False"}) == 1',
              for: "10m",
              labels: { severity: "warning" },
              annotations: {
                summary: "ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} is not Ready",
                description: "ESO has not synced this ExternalSecret for 10 minutes: its Kubernetes Secret is stale or missing. `kubectl -n {{ $labels.namespace }} describe externalsecret {{ $labels.name }}` shows the reason (missing key, denied by the Vault policy, store not ready).",
              },
            },
            {
              alert: "ExternalSecretSyncErrors",
              expr: "sum by (namespace, name) (increase(externalsecret_sync_calls_error[15m])) > 0",
              for: "15m",
              labels: { severity: "warning" },
              annotations: {
                summary: "ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} keeps failing to sync",
                description: "Sync calls have failed for 30 minutes in a row. Check the ExternalSecret's events and ESO's controller logs.",
              },
            },
            {
              alert: "PushSecretNotReady",
              expr: 'max by (namespace, name) (pushsecret_status_condition{condition="Ready",status="False"}) == 1',
              for: "10m",
              labels: { severity: "warning" },
              annotations: {
                summary: "PushSecret {{ $labels.namespace }}/{{ $labels.name }} cannot write to Vault",
                description: "The PushSecret has not been Ready for 10 minutes (Vault denied the write, the target is owned by someone else, or the source Secret is missing).",
              },
            },
          ],
        },
        {
          name: "vault-eso.stores",
          rules: [
            {
              alert: "SecretStoreNotReady",
              expr: 'max by (namespace, name) (secretstore_status_condition{condition="Ready",status="False"}) == 1',
              for: "5m",
              labels: { severity: "critical" },
              annotations: {
                summary: "SecretStore {{ $labels.namespace }}/{{ $labels.name }} fails validation",
                description: "ESO cannot validate this store against Vault (login refused, role or audience mismatch, TLS trust, Vault unreachable): no ExternalSecret using it syncs.",
              },
            },
            {
              alert: "ClusterSecretStoreNotReady",
              expr: 'max by (name) (clustersecretstore_status_condition{condition="Ready",status="False"}) == 1',
              for: "5m",
              labels: { severity: "critical" },
              annotations: {
                summary: "ClusterSecretStore {{ $labels.name }} fails validation",
                description: "ESO cannot validate the cluster-wide store against Vault: no ExternalSecret using it syncs.",
              },
            },
          ],
        },
        {
          name: "vault-eso.vault-auth",
          rules: [
            {
              alert: "VaultLoginErrors",
              expr: `sum(rate(externalsecret_provider_api_calls_count{${VAULT},call="Login",status="error"}[5m])) > 0`,
              for: "10m",
              labels: { severity: "critical" },
              annotations: {
                summary: "ESO's Vault logins are failing",
                description: "Vault has refused ESO's Kubernetes-auth logins for 10 minutes (role bindings, audience, token reviewer, or Vault's audit device blocking requests). Vault's audit log shows the denied logins.",
              },
            },
            {
              alert: "VaultLoginChurn",
              expr: `sum(rate(externalsecret_provider_api_calls_count{${VAULT},call="Login"}[10m])) * 60 > ${a.maxLoginsPerMinute}`,
              for: "15m",
              labels: { severity: "warning" },
              annotations: {
                summary: "ESO logs in to Vault more than {{ $value | humanize }} times a minute",
                description: `More than ${a.maxLoginsPerMinute} logins a minute: each creates a Vault token and lease. Check that the chart's vault.enableTokenCache is on and that stores are not re-validated in a loop.`,
              },
            },
          ],
        },
        ...(a.tokenRenewer ? [tokenRenewerRules(a.tokenRenewer)] : []),
      ],
    },
  };
}
/** @deprecated Renamed to `TokenRenewerAlertOptions` (a name ending in `Args` doubles in generated SDKs). */
export type TokenRenewerAlertArgs = TokenRenewerAlertOptions;
