import * as k8s from "@pulumi/kubernetes";
import { authDelegatorBinding } from "../policies/k8s/rbac";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { metricsReadPolicy } from "../policies/vault/builders";
import { renderPolicyHcl } from "../policies/vault/hcl";
import { esoAlertRules } from "./lib/monitoring";
import { MANAGED_BY_LABELS } from "./lib/options";
import { singleAudienceProblem, TokenReviewMode } from "./lib/kubernetes-auth";

export interface ObservabilityArgs {
  /** Prometheus reading Vault's `sys/metrics`. Default: off. */
  readonly vaultMetrics?: {
    /** Kubernetes auth mount path (pass `VaultBackend.authPath`). */
    readonly authPath: pulumi.Input<string>;
    /** Vault policy name. */
    readonly policy: string;
    /** Vault role name. */
    readonly role: string;
    /** Prometheus' namespace and service account. */
    readonly namespace: string;
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
    readonly apiAudiences?: readonly string[];
    /** Bind Prometheus' SA to `system:auth-delegator`. Default: true exactly with `tokenReview: "clientJwt"`. */
    readonly authDelegator?: boolean;
  };
  /** The PrometheusRule with ESO alerts. Default: off. */
  readonly alerts?: {
    /** Namespace of the rule (ESO's). */
    readonly namespace: pulumi.Input<string>;
    /** Labels your Prometheus selects rules by. */
    readonly labels: Readonly<Record<string, string>>;
    readonly maxLoginsPerMinute: number;
  };
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
  public readonly metricsRoleName?: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vault-eso:index:Observability", name, {}, opts);
    const m = args.vaultMetrics;
    if (m) {
      const audienceProblem = singleAudienceProblem(m.tokenReview, m.audience, m.apiAudiences);
      if (audienceProblem) throw new Error(`Observability ${name}: vaultMetrics.audience ${audienceProblem}`);
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
      const rule = pulumi.output(a.namespace).apply((namespace) => esoAlertRules({ namespace, labels: a.labels, maxLoginsPerMinute: a.maxLoginsPerMinute }));
      new k8s.apiextensions.CustomResource(
        `${name}-eso-alerts`,
        { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: rule.metadata, spec: rule.spec },
        { parent: this },
      );
    }
    this.registerOutputs({ metricsRoleName: this.metricsRoleName });
  }
}
