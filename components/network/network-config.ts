/**
 * Config section `vault-eso:networkPolicies`: optional egress NetworkPolicies
 * for ESO's pods. Pure: the schema and the checks.
 */
import { isIP } from "net";
import { z } from "zod";
import { dnsLabel } from "../config/schema-helpers";

const port = z.number().int().min(1).max(65535);

export const networkSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Egress NetworkPolicies for ESO's pods (needs a CNI that enforces them)."),
    apiServerCidrs: z
      .array(z.string())
      .default([])
      .describe("Where the Kubernetes API is after Service DNAT (the endpoints of `kubectl get endpoints kubernetes`). Empty: any address on `apiServerPorts` (warned)."),
    apiServerPorts: z.array(port).min(1).default([443, 6443]).describe("The API server's ports."),
    vaultCidrs: z.array(z.string()).default([]).describe("Where Vault is, when its URL names a host rather than an IP. Empty: any address on Vault's port."),
    dns: z
      .strictObject({
        namespace: dnsLabel("networkPolicies.dns.namespace").default("kube-system").describe("Namespace of the cluster DNS pods."),
        podLabels: z.record(z.string(), z.string()).default({ "k8s-app": "kube-dns" }).describe("Labels of the cluster DNS pods (UDP/TCP 53)."),
      })
      .prefault({})
      .describe("The cluster DNS pods."),
  })
  .describe("Egress-only NetworkPolicies in ESO's namespace; see docs/operations.md#networkpolicies.");

export type NetworkConfig = z.infer<typeof networkSchema>;

/** Whether `s` is an IPv4/IPv6 CIDR like "10.0.0.0/8". */
export function isCidr(s: string): boolean {
  const [ip, bits, ...rest] = s.split("/");
  if (rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const v = isIP(ip);
  return v !== 0 && Number(bits) <= (v === 4 ? 32 : 128);
}

export function checkNetwork(n: NetworkConfig, issue: (path: (string | number)[], message: string) => void): void {
  const cidrs = (key: "apiServerCidrs" | "vaultCidrs") =>
    n[key].forEach((c, i) => {
      if (!isCidr(c)) issue(["networkPolicies", key, i], `"${c}" is not a CIDR. Fix: e.g. "10.0.0.0/24" or "192.0.2.10/32"`);
    });
  cidrs("apiServerCidrs");
  cidrs("vaultCidrs");
  if (!n.enabled && (n.apiServerCidrs.length > 0 || n.vaultCidrs.length > 0)) {
    issue(["networkPolicies", "enabled"], "CIDRs are given but the policies are off. Fix: set networkPolicies.enabled: true, or remove the CIDRs");
  }
  if (Object.keys(n.dns.podLabels).length === 0) {
    issue(["networkPolicies", "dns", "podLabels"], "an empty selector would allow port 53 to every pod in the DNS namespace. Fix: e.g. { k8s-app: kube-dns }");
  }
}
