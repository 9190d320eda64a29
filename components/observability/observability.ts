import * as k8s from "@pulumi/kubernetes";
import { authDelegatorBinding } from "../../policies/k8s/rbac";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { metricsReadPolicy } from "../../policies/vault/builders";
import { renderPolicyHcl } from "../../policies/vault/hcl";
import { esoAlertRules, type TokenRenewerAlertOptions } from "./monitoring";
import { MANAGED_BY_LABELS } from "../config/options";
import { InputError } from "../config/errors";
import { singleAudienceProblem, TokenReviewMode } from "../vault-backend/kubernetes-auth";
import { stringify } from "yaml";
import { GRAFANA_DASHBOARD_LABEL, prometheusSpecForVaultMetrics, vaultAgentConfig, vaultDashboard, vaultScrapeJob } from "./vault-metrics";
import { deferredProblems, refuse } from "../config/component-inputs";

/** How Prometheus scrapes Vault (docs/observability.md). */
export interface VaultMetricsScrape {
  /** Vault's URL as Prometheus reaches it. */
  readonly server: string;
  /** Vault's CA (PEM), if not in the system roots. Default: none (system roots). */
  readonly caPem?: string;
  /** Scrape interval. Default "30s". */
  readonly interval?: string;
  /** The Vault Agent sidecar's image. Default: the pinned `VAULT_AGENT_IMAGE` (components/observability/vault-metrics.ts). */
  readonly agentImage?: string;
  /** Vault Enterprise namespace. Default: none. */
  readonly vaultNamespace?: string;
  /** Kubernetes auth mount path as a plain string (the agent's config is a file). Default "kubernetes". */
  readonly authMountPath?: string;
}

/** Prometheus reading Vault's `sys/metrics`. */
export interface VaultMetricsOptions {
  /** Kubernetes auth mount path (pass `VaultBackend.authPath`). */
  readonly authPath: pulumi.Input<string>;
  /** Vault policy name. */
  readonly policy: string;
  /** Vault role name. */
  readonly role: string;
  /** Prometheus' namespace. */
  readonly namespace: string;
  /** Prometheus' service account. */
  readonly serviceAccountName: string;
  /**
   * JWT audience the role requires: the one audience of the projected token
   * Prometheus presents. With `clientJwt` review it must be one of
   * `apiAudiences` (that token is also the bearer of Vault's TokenReview).
   */
  readonly audience: string;
  /** Token TTL (and max TTL) in seconds. */
  readonly tokenTtlSeconds: number;
  /** Who reviews logins (`VaultBackend.tokenReviewMode`). */
  readonly tokenReview: TokenReviewMode;
  /** The API server's audiences. Default `["https://kubernetes.default.svc.cluster.local"]`. */
  readonly apiAudiences?: string[];
  /** Bind Prometheus' SA to `system:auth-delegator`. Default: true exactly with `tokenReview: "clientJwt"`. */
  readonly authDelegator?: boolean;
  /**
   * How Prometheus scrapes Vault (docs/observability.md): a Secret with the
   * scrape job (`vault.yaml`, for `additionalScrapeConfigs`) and a ConfigMap
   * with the Vault Agent sidecar's config (`agent.hcl`, and Vault's CA as
   * `ca.crt`), both in `namespace`. Default: none.
   */
  readonly scrape?: VaultMetricsScrape;
  /** A Grafana dashboard ConfigMap on Vault's metrics, in this namespace. Default: none. */
  readonly dashboardNamespace?: string;
}

/** The PrometheusRule with ESO alerts. */
export interface EsoAlertsOptions {
  /** Namespace of the rule (ESO's). */
  readonly namespace: pulumi.Input<string>;
  /** Labels your Prometheus selects rules by. */
  readonly labels: Record<string, string>;
  /** Vault logins per minute above which the login-churn alert fires. */
  readonly maxLoginsPerMinute: number;
  /** Token auth: alert before the token's TTL runs short (needs kube-state-metrics). Default: none. */
  readonly tokenRenewer?: TokenRenewerAlertOptions;
}

export interface ObservabilityArgs {
  /** Prometheus reading Vault's `sys/metrics`. Default: off. */
  readonly vaultMetrics?: VaultMetricsOptions;
  /** The PrometheusRule with ESO alerts. Default: off. */
  readonly alerts?: EsoAlertsOptions;
}

/**
 * Monitoring for the platform: a Vault policy (`read`,`list` on
 * `sys/metrics`) and a Kubernetes auth role for Prometheus' service account,
 * and a PrometheusRule (`monitoring.coreos.com/v1`) alerting on ExternalSecrets
 * and stores that are not Ready, sync errors, and Vault login failures and churn.
 */
export class Observability extends pulumi.ComponentResource {
  /** The metrics policy's HCL; undefined when off. */
  public readonly metricsPolicyHcl?: string;
  /** The metrics role's name; undefined when off. */
  public readonly metricsRoleName?: pulumi.Output<string>;
  /** The metrics policy's name (undefined without vaultMetrics). */
  public readonly metricsPolicyName?: pulumi.Output<string>;
  /** The Prometheus CR `spec` fields that run the Vault Agent sidecar and load the scrape job (kube-prometheus-stack: `prometheus.prometheusSpec`); undefined without `scrape`. */
  public readonly prometheusSpec?: Record<string, any>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    // Which resources exist follows from these args: an Output outside the Input fields is refused, never stringified.
    refuse("Observability", name, deferredProblems(args, ["vaultMetrics.authPath", "alerts.namespace"]));
    const m = args.vaultMetrics;
    // Refused before super(): nothing registers on bad input, and the CLI shows only the message.
    const audienceProblem = m ? singleAudienceProblem(m.tokenReview, m.audience, m.apiAudiences) : undefined;
    if (audienceProblem) throw new InputError(`Observability ${name}: vaultMetrics.audience ${audienceProblem}`);
    super("vault-eso:index:Observability", name, {}, opts);
    if (m) {
      const authDelegator = m.authDelegator ?? m.tokenReview === "clientJwt";
      const model = metricsReadPolicy(m.policy);
      this.metricsPolicyHcl = renderPolicyHcl(model);
      const policy = new vault.Policy(`${name}-metrics-policy`, { name: model.name, policy: this.metricsPolicyHcl }, { parent: this });
      const role = new vault.kubernetes.AuthBackendRole(
        `${name}-metrics-role`,
        {
          backend: m.authPath,
          roleName: m.role,
          boundServiceAccountNames: [m.serviceAccountName],
          boundServiceAccountNamespaces: [m.namespace],
          audience: m.audience,
          aliasNameSource: "serviceaccount_uid",
          tokenPolicies: [policy.name],
          tokenTtl: m.tokenTtlSeconds,
          tokenMaxTtl: m.tokenTtlSeconds,
        },
        { parent: this },
      );
      this.metricsRoleName = role.roleName;
      this.metricsPolicyName = policy.name;
      if (m.scrape) {
        const sc = m.scrape;
        const labels = { ...MANAGED_BY_LABELS };
        new k8s.core.v1.ConfigMap(
          `${name}-vault-agent`,
          {
            metadata: { name: "vault-metrics-agent", namespace: m.namespace, labels },
            data: {
              "agent.hcl": vaultAgentConfig({ address: sc.server, authPath: sc.authMountPath ?? "kubernetes", role: m.role, hasCa: !!sc.caPem, vaultNamespace: sc.vaultNamespace }),
              ...(sc.caPem ? { "ca.crt": sc.caPem } : {}),
            },
          },
          { parent: this },
        );
        // Not a credential (the token is read from a file at scrape time); a Secret because additionalScrapeConfigs takes one.
        new k8s.core.v1.Secret(
          `${name}-vault-scrape`,
          { metadata: { name: "vault-metrics-scrape", namespace: m.namespace, labels }, type: "Opaque", stringData: { "vault.yaml": stringify([vaultScrapeJob({ server: sc.server, hasCa: !!sc.caPem, interval: sc.interval ?? "30s" })]) } },
          { parent: this },
        );
        this.prometheusSpec = prometheusSpecForVaultMetrics({ configMap: "vault-metrics-agent", scrapeSecret: { name: "vault-metrics-scrape", key: "vault.yaml" }, audience: m.audience, image: sc.agentImage });
      }
      if (m.dashboardNamespace) {
        new k8s.core.v1.ConfigMap(
          `${name}-vault-dashboard`,
          { metadata: { name: "vault-eso-vault-dashboard", namespace: m.dashboardNamespace, labels: { ...MANAGED_BY_LABELS, ...GRAFANA_DASHBOARD_LABEL } }, data: { "vault.json": JSON.stringify(vaultDashboard(), null, 2) } },
          { parent: this },
        );
      }
      if (authDelegator) {
        new k8s.rbac.v1.ClusterRoleBinding(
          `${name}-metrics-auth-delegator`,
          authDelegatorBinding(`vault-eso-auth-delegator-${m.namespace}-${m.serviceAccountName}`.slice(0, 253), { name: m.serviceAccountName, namespace: m.namespace }, MANAGED_BY_LABELS),
          { parent: this },
        );
      }
    }
    if (args.alerts) {
      const a = args.alerts;
      const rule = pulumi.output(a.namespace).apply((namespace) => esoAlertRules({ namespace, labels: a.labels, maxLoginsPerMinute: a.maxLoginsPerMinute, tokenRenewer: a.tokenRenewer }));
      new k8s.apiextensions.CustomResource(
        `${name}-eso-alerts`,
        { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: rule.metadata, spec: rule.spec },
        { parent: this },
      );
    }
    this.registerOutputs({ metricsRoleName: this.metricsRoleName });
  }
}
/** @deprecated Renamed to `VaultMetricsOptions` (a name ending in `Args` doubles in generated SDKs). */
export type VaultMetricsArgs = VaultMetricsOptions;
/** @deprecated Renamed to `EsoAlertsOptions` (a name ending in `Args` doubles in generated SDKs). */
export type EsoAlertsArgs = EsoAlertsOptions;
