import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EgressArgs, esoEgressPolicies } from "./network-policy";
import { isCidr } from "./network-config";
import { InputError } from "../config/errors";
import { deferredProblems, refuse } from "../config/component-inputs";

/** The cluster DNS pods ESO's pods may reach on UDP/TCP 53. */
export interface EsoDnsPods {
  /** Namespace of the cluster DNS pods. Default `kube-system`. */
  readonly namespace?: string;
  /** Labels of the cluster DNS pods (not empty). Default `{ k8s-app: kube-dns }`. */
  readonly podLabels?: Record<string, string>;
}

export interface EsoNetworkPoliciesArgs {
  /** ESO's namespace (where the policies go). */
  readonly namespace: string;
  /** ESO's Helm release name (its pods' `app.kubernetes.io/instance`). */
  readonly release: string;
  /** The Vault URL ESO uses (its host and port make the Vault rule). */
  readonly vaultServer: string;
  /** Where Vault is, when its URL names a host rather than an IP. Default: none (any address on Vault's port). */
  readonly vaultCidrs?: string[];
  /** Where the Kubernetes API is after Service DNAT. Default: none (any address on `apiServerPorts`). */
  readonly apiServerCidrs?: string[];
  /** The API server's ports (at least one). Default `[443, 6443]`. */
  readonly apiServerPorts?: number[];
  /** The cluster DNS pods. Default `kube-system` pods labelled `k8s-app: kube-dns`. */
  readonly dns?: EsoDnsPods;
}

/** The egress builder's args from the component's, or what is wrong (field, value, fix). Pure. */
export function egressArgs(a: EsoNetworkPoliciesArgs): { args: EgressArgs; problems: string[] } {
  const problems: string[] = [];
  const cidrs = (key: "vaultCidrs" | "apiServerCidrs") =>
    (a[key] ?? []).forEach((c, i) => {
      if (!isCidr(c)) problems.push(`${key}[${i}]: "${c}" is not a CIDR. Fix: e.g. "10.0.0.0/24" or "192.0.2.10/32"`);
    });
  cidrs("vaultCidrs");
  cidrs("apiServerCidrs");
  const ports = a.apiServerPorts ?? [443, 6443];
  if (ports.length === 0) problems.push(`apiServerPorts: empty. Fix: list the API server's ports, e.g. [443, 6443]`);
  ports.forEach((p, i) => {
    if (!Number.isInteger(p) || p < 1 || p > 65535) problems.push(`apiServerPorts[${i}]: ${JSON.stringify(p)} is not a port. Fix: an integer from 1 to 65535, e.g. 6443`);
  });
  const podLabels = a.dns?.podLabels ?? { "k8s-app": "kube-dns" };
  if (Object.keys(podLabels).length === 0) problems.push(`dns.podLabels: {} would allow port 53 to every pod in the DNS namespace. Fix: e.g. { k8s-app: kube-dns }`);
  try {
    const u = new URL(a.vaultServer);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error();
  } catch {
    problems.push(`vaultServer: ${JSON.stringify(a.vaultServer)} is not an http(s) URL. Fix: e.g. "https://vault.example.com:8200"`);
  }
  return {
    problems,
    args: {
      namespace: a.namespace,
      release: a.release,
      vaultServer: a.vaultServer,
      vaultCidrs: a.vaultCidrs ?? [],
      apiServerCidrs: a.apiServerCidrs ?? [],
      apiServerPorts: ports,
      dns: { namespace: a.dns?.namespace ?? "kube-system", podLabels },
    },
  };
}

/**
 * Egress NetworkPolicies for ESO's controller (Vault, Kubernetes API, DNS),
 * webhook and cert controller (Kubernetes API, DNS). Egress only: ingress
 * (the API server calling the webhook on 10250, metrics scrapes) is left
 * alone. Pass `dependsOn: [esoInstall]` so the namespace exists.
 */
export class EsoNetworkPolicies extends pulumi.ComponentResource {
  /** The NetworkPolicies' names. */
  public readonly names: string[];

  constructor(name: string, args: EsoNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    // Which resources exist follows from these args: an Output outside the Input fields is refused, never stringified.
    refuse("EsoNetworkPolicies", name, deferredProblems(args, []));
    const { args: egress, problems } = egressArgs(args);
    if (problems.length > 0) throw new InputError(`EsoNetworkPolicies ${name}: ${problems.join("; ")}`);
    super("vault-eso:index:EsoNetworkPolicies", name, {}, opts);
    const manifests = esoEgressPolicies(egress);
    for (const m of manifests) {
      new k8s.networking.v1.NetworkPolicy(`${name}-${m.metadata.name}`, { metadata: m.metadata, spec: m.spec as k8s.types.input.networking.v1.NetworkPolicySpec }, { parent: this });
    }
    this.names = manifests.map((m) => m.metadata.name);
    this.registerOutputs({ names: this.names });
  }
}
