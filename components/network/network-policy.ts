/**
 * Pure builders for ESO's egress NetworkPolicies (`networking.k8s.io/v1`).
 *
 * Egress only: `policyTypes: [Egress]` leaves ingress untouched, so the API
 * server still reaches the webhook (port 10250) and Prometheus the metrics
 * ports, whatever addresses they come from.
 *
 * - controller: Vault (its URL's port; an ipBlock when the URL or config
 *   gives addresses), the Kubernetes API, cluster DNS.
 * - webhook, cert-controller: the Kubernetes API and cluster DNS only.
 *
 * NetworkPolicy matches addresses, not DNS names: a Vault named by host
 * can only be limited to its port unless `vaultCidrs` says where it is.
 */
import { isIP } from "net";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy" with { "resolution-mode": "import" };
import type { INetworkPolicyEgressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule" with { "resolution-mode": "import" };
import { MANAGED_BY_LABELS } from "../config/options";

export type NetworkPolicyManifest = INetworkPolicy & { metadata: { name: string; namespace: string; labels: Record<string, string> } };

/** The chart's pod selector labels (release and chart are both named `external-secrets`). */
export function esoPodSelectors(release: string): Record<"controller" | "webhook" | "certController", Record<string, string>> {
  return {
    controller: { "app.kubernetes.io/name": "external-secrets", "app.kubernetes.io/instance": release },
    webhook: { "app.kubernetes.io/name": "external-secrets-webhook", "app.kubernetes.io/instance": release },
    certController: { "app.kubernetes.io/name": "external-secrets-cert-controller", "app.kubernetes.io/instance": release },
  };
}

export interface EgressArgs {
  readonly namespace: string;
  readonly release: string;
  /** The Vault URL ESO uses. */
  readonly vaultServer: string;
  readonly vaultCidrs: readonly string[];
  readonly apiServerCidrs: readonly string[];
  readonly apiServerPorts: readonly number[];
  readonly dns: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}

/** Vault's host and port from its URL (default port by scheme). */
export function vaultEndpoint(server: string): { host: string; port: number; ip: boolean } {
  const u = new URL(server);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  return { host, port, ip: isIP(host) !== 0 };
}

function cidrOf(ip: string): string {
  return isIP(ip) === 6 ? `${ip}/128` : `${ip}/32`;
}

function tcp(ports: readonly number[]) {
  return ports.map((port) => ({ protocol: "TCP" as const, port }));
}

function dnsRule(d: EgressArgs["dns"]): INetworkPolicyEgressRule {
  return {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": d.namespace } }, podSelector: { matchLabels: { ...d.podLabels } } }],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  };
}

function apiRule(a: EgressArgs): INetworkPolicyEgressRule {
  const rule: INetworkPolicyEgressRule = { ports: tcp(a.apiServerPorts) };
  if (a.apiServerCidrs.length) rule.to = a.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } }));
  return rule;
}

function vaultRule(a: EgressArgs): INetworkPolicyEgressRule {
  const v = vaultEndpoint(a.vaultServer);
  const cidrs = a.vaultCidrs.length ? [...a.vaultCidrs] : v.ip ? [cidrOf(v.host)] : [];
  const rule: INetworkPolicyEgressRule = { ports: tcp([v.port]) };
  if (cidrs.length) rule.to = cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  return rule;
}

export function esoEgressPolicies(a: EgressArgs): NetworkPolicyManifest[] {
  const sel = esoPodSelectors(a.release);
  const policy = (name: string, podLabels: Record<string, string>, egress: INetworkPolicyEgressRule[]): NetworkPolicyManifest => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: a.namespace, labels: { ...MANAGED_BY_LABELS } },
    spec: { podSelector: { matchLabels: podLabels }, policyTypes: ["Egress"], egress },
  });
  return [
    policy("eso-controller-egress", sel.controller, [dnsRule(a.dns), apiRule(a), vaultRule(a)]),
    policy("eso-webhook-egress", sel.webhook, [dnsRule(a.dns), apiRule(a)]),
    policy("eso-cert-controller-egress", sel.certController, [dnsRule(a.dns), apiRule(a)]),
  ];
}
