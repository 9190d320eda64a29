import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EgressArgs, esoEgressPolicies } from "./lib/network-policy";

export type EsoNetworkPoliciesArgs = EgressArgs;

/**
 * Egress NetworkPolicies for ESO's controller (Vault, Kubernetes API, DNS),
 * webhook and cert controller (Kubernetes API, DNS). Egress only: ingress
 * (the API server calling the webhook on 10250, metrics scrapes) is left
 * alone. Pass `dependsOn: [esoInstall]` so the namespace exists.
 */
export class EsoNetworkPolicies extends pulumi.ComponentResource {
  public readonly names: string[];

  constructor(name: string, args: EsoNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vault-eso:index:EsoNetworkPolicies", name, {}, opts);
    const manifests = esoEgressPolicies(args);
    for (const m of manifests) {
      new k8s.networking.v1.NetworkPolicy(`${name}-${m.metadata.name}`, { metadata: m.metadata, spec: m.spec as k8s.types.input.networking.v1.NetworkPolicySpec }, { parent: this });
    }
    this.names = manifests.map((m) => m.metadata.name);
    this.registerOutputs({ names: this.names });
  }
}
