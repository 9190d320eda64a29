/**
 * Wiring for TLS trust, observability, audit and NetworkPolicies, called
 * from `buildPlatform`. Each function takes the validated config and the
 * platform pieces it needs; the decisions live in pure functions here so
 * tests read them directly.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type * as vault from "@pulumi/vault";
import { auditWarnings } from "./vault-backend/audit-config";
import { podSecurityFinding } from "./tenants/tenancy-config";
import { providerCaWarning } from "./vault-backend/vault-provider-ca";
import type { PlatformConfig } from "./config/config";
import type { VaultCaTrust } from "./eso/eso";
import { esoMonitoringValues, type TokenRenewerAlertOptions } from "./observability/monitoring";
import { RENEWER_CRONJOB_NAME, renewerAlertAfterSeconds } from "./token-renewer/renewer-builders";
import { pushDeletionWarnings } from "./tenants/push-config";
import { MANAGED_BY_LABELS } from "./config/options";
import { parseDuration } from "./config/duration";
import type { EsoInstall } from "./eso/eso-install";
import { EsoNetworkPolicies } from "./network/eso-network-policies";
import { Observability } from "./observability/observability";
import { VaultAudit } from "./vault-backend/vault-audit";
import type { VaultBackend } from "./vault-backend/vault-backend";
import { VaultTrust } from "./trust/vault-trust";
import { adoptionPlan, adoptTransformations } from "./vault-backend/adopt";
import { ESO_CHART, toVaultCaTrust } from "./eso/eso";
import { exampleCaWarning, kubernetesAuthWarnings, singleAudienceRoleAudience } from "./vault-backend/kubernetes-auth";
import { scoped, type BuildScope } from "./scope";

export { CA_KEY, trustPlan } from "./stores/store-plan";
export type { TrustPlan } from "./stores/store-plan";
import { CA_KEY, trustPlan } from "./stores/store-plan";

export interface Trust {
  /** CA trust of the ClusterSecretStore. */
  readonly clusterCa?: VaultCaTrust;
  /** CA trust of tenant SecretStores when inline (`caBundle`). */
  readonly tenantCa?: VaultCaTrust;
  /** A ConfigMap each tenant namespace gets, referenced by its SecretStore's `caProvider`. */
  readonly tenantCaConfigMap?: { readonly name: string; readonly key: string; readonly pem: pulumi.Input<string> };
  /** What the ClusterSecretStore must wait for. */
  readonly dependsOn: pulumi.Resource[];
  readonly vaultTrust?: VaultTrust;
}

/** TLS trust for every store: external CA (inline or ConfigMap) or cert-manager's in-cluster CA. */
export function buildTrust(config: PlatformConfig, eso: EsoInstall, scope?: BuildScope): Trust {
  const plan = trustPlan(config);
  switch (plan.mode) {
    case "systemRoots":
      return { dependsOn: [] };
    case "caBundle": {
      const ca: VaultCaTrust = { kind: "bundle", pem: plan.pem };
      return { clusterCa: ca, tenantCa: ca, dependsOn: [] };
    }
    case "configMap": {
      const cm = new k8s.core.v1.ConfigMap("vault-ca-eso", {
        metadata: { name: plan.configMapName, namespace: eso.namespace, labels: { ...MANAGED_BY_LABELS } },
        data: { [CA_KEY]: plan.pem },
      }, scoped(scope));
      return {
        clusterCa: { kind: "provider", type: "ConfigMap", name: plan.configMapName, key: CA_KEY, namespace: config.eso.namespace },
        tenantCaConfigMap: { name: plan.configMapName, key: CA_KEY, pem: plan.pem },
        dependsOn: [cm],
      };
    }
    case "certManager": {
      const cm = config.tls.certManager;
      const trust = new VaultTrust("vault-tls", {
        install: cm.install,
        chartVersion: cm.chartVersion,
        certManagerNamespace: cm.namespace,
        caName: cm.caName,
        caDuration: cm.caDuration,
        server: cm.server,
      }, scoped(scope));
      return {
        clusterCa: toVaultCaTrust(trust.clusterCa as pulumi.Unwrap<typeof trust.clusterCa>),
        tenantCaConfigMap: { name: plan.configMapName, key: CA_KEY, pem: trust.caPem },
        dependsOn: [trust],
        vaultTrust: trust,
      };
    }
  }
}

/** With token auth: the renewer CronJob the token-TTL alert watches, and when it fires. */
export function tokenRenewerAlert(config: PlatformConfig): TokenRenewerAlertOptions | undefined {
  const t = config.tokenAuth;
  if (!t.enabled) return undefined;
  return { namespace: t.namespace, cronJob: RENEWER_CRONJOB_NAME, alertAfterSeconds: renewerAlertAfterSeconds({ periodSeconds: t.periodSeconds, rotateBeforeSeconds: t.rotateBeforeSeconds, schedule: t.schedule }) };
}

/** Chart values for ESO's ServiceMonitor and Grafana dashboard. */
export function esoExtraValues(config: PlatformConfig): Record<string, unknown> {
  const o = config.observability;
  return esoMonitoringValues({
    serviceMonitor: o.prometheusOperator,
    grafanaDashboard: o.prometheusOperator && (o.grafanaDashboard ?? true),
    labels: o.selectorLabels,
  });
}

/** Things that are allowed but deserve a line in `pulumi up`'s output. */
export function configWarnings(config: PlatformConfig): string[] {
  const k = config.kubernetesAuth;
  const out = [
    ...auditWarnings(config.audit.devices, config.environment),
    ...[podSecurityFinding(config.tenancy.podSecurity, config.environment, config.tenancy.acknowledgeWeakPodSecurity)].filter((f) => f?.severity === "warning").map((f) => f!.message),
    ...pushDeletionWarnings(config.tenants),
    // Only when the user chose disableLocalCaJwt: the default never lands on the system roots (config.ts refuses that).
    ...(k.disableLocalCaJwtSet ? kubernetesAuthWarnings({ vaultRunsIn: k.vaultRunsIn, tokenReview: k.tokenReview, hasCaCert: !!k.caCertPem, disableLocalCaJwt: k.disableLocalCaJwt }) : []),
  ];
  const example = exampleCaWarning(k.caCertPem, k.caCertFile ? `kubernetesAuth.caCertFile (${k.caCertFile})` : "kubernetesAuth.caCert");
  if (example) out.push(example);
  if (config.vault.caCertPem && !config.vault.caCertFile && config.vault.address.startsWith("https:")) {
    // The Vault provider runs with the environment of `pulumi up`, as this program does.
    const w = providerCaWarning(config.vault.caCertPem, process.env);
    if (w) out.push(w);
  }
  const n = config.networkPolicies;
  if (n.enabled && n.apiServerCidrs.length === 0) {
    out.push(
      "networkPolicies: without apiServerCidrs ESO may open TCP " + n.apiServerPorts.join("/") + " to any address (the Kubernetes API rule). Set vault-eso:networkPolicies.apiServerCidrs to the control plane's addresses (kubectl get endpoints kubernetes).",
    );
  }
  return out;
}

export interface Extras {
  readonly audit: VaultAudit;
  readonly observability?: Observability;
  readonly networkPolicies?: EsoNetworkPolicies;
}

/** Audit devices, monitoring, NetworkPolicies: each depends only on what it uses. */
export function buildExtras(config: PlatformConfig, p: { backend: VaultBackend; eso: EsoInstall; vaultProvider: vault.Provider }, scope?: BuildScope): Extras {
  for (const w of configWarnings(config)) pulumi.log.warn(w);
  const adopt = adoptTransformations(adoptionPlan(config));
  const audit = new VaultAudit("vault-audit", { devices: config.audit.devices && [...config.audit.devices] }, scoped(scope, { providers: { vault: p.vaultProvider }, transformations: adopt }));

  const o = config.observability;
  const alertsOn = o.prometheusOperator && (o.alerts.enabled ?? true);
  let observability: Observability | undefined;
  if (o.vaultMetrics.enabled || alertsOn) {
    const m = o.vaultMetrics;
    observability = new Observability(
      "observability",
      {
        vaultMetrics: m.enabled
          ? {
              authPath: p.backend.authPath,
              policy: m.policy,
              role: m.role,
              namespace: m.namespace,
              serviceAccountName: m.serviceAccountName,
              // Prometheus presents a one-audience projected token: in clientJwt mode that audience must be the API server's.
              audience: singleAudienceRoleAudience(config.kubernetesAuth.tokenReview, config.kubernetesAuth.audience, config.kubernetesAuth.apiAudiences, m.audience),
              tokenTtlSeconds: parseTtl(m.tokenTtl),
              tokenReview: config.kubernetesAuth.tokenReview,
              apiAudiences: [...config.kubernetesAuth.apiAudiences],
              scrape: {
                server: m.server ?? config.vault.serverForEso,
                caPem: config.vault.caCertPem,
                interval: m.scrapeInterval,
                agentImage: m.agentImage,
                vaultNamespace: config.vault.namespace,
                authMountPath: config.kubernetesAuth.path,
              },
              dashboardNamespace: m.dashboard ? (m.dashboardNamespace ?? m.namespace) : undefined,
            }
          : undefined,
        alerts: alertsOn ? { namespace: p.eso.namespace, labels: o.selectorLabels, maxLoginsPerMinute: o.alerts.maxLoginsPerMinute, tokenRenewer: tokenRenewerAlert(config) } : undefined,
      },
      // Only what it uses: the auth config for the role (as ESO's role); the rule's namespace arrives with
      // `p.eso.namespace`; its CRD comes with the Prometheus operator, not with ESO's chart.
      scoped(scope, { providers: { vault: p.vaultProvider }, dependsOn: [p.backend.authConfig], transformations: adopt }),
    );
  }

  let networkPolicies: EsoNetworkPolicies | undefined;
  const n = config.networkPolicies;
  if (n.enabled) {
    networkPolicies = new EsoNetworkPolicies(
      "eso-egress",
      {
        namespace: config.eso.namespace,
        release: ESO_CHART.name,
        vaultServer: config.vault.serverForEso,
        vaultCidrs: n.vaultCidrs,
        apiServerCidrs: n.apiServerCidrs,
        apiServerPorts: n.apiServerPorts,
        dns: n.dns,
      },
      scoped(scope, { dependsOn: [p.eso] }),
    );
  }
  return { audit, observability, networkPolicies };
}

function parseTtl(v: string): number {
  const s = parseDuration(v);
  if (s === undefined) throw new Error(`invalid duration ${v} (the config contract should have rejected it)`);
  return s;
}
