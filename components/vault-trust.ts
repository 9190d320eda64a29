import * as k8s from "@pulumi/kubernetes";
import { CertManager } from "@pulumi/kubernetes-cert-manager";
import * as pulumi from "@pulumi/pulumi";
import { CERT_MANAGER_CHART, certManagerHelmOptions, trustChain, TrustChainArgs } from "./lib/cert-manager";
import type { VaultCaTrust } from "./lib/eso";
import { MANAGED_BY_LABELS, RESTRICTED_POD_SECURITY } from "./lib/options";
import { InputError } from "./lib/errors";

export interface VaultTrustArgs extends TrustChainArgs {
  /** Install cert-manager (Helm chart) first. Default true; false when the cluster already runs it. */
  readonly install?: boolean;
  /** cert-manager chart version, when installing. Default: the pinned `CERT_MANAGER_CHART.version`. */
  readonly chartVersion?: string;
}

/**
 * In-cluster TLS for Vault, issued by cert-manager: optionally installs
 * cert-manager (`@pulumi/kubernetes-cert-manager`), then a self-signed root,
 * a CA ClusterIssuer and Vault's serving Certificate (Secret in Vault's
 * namespace for the Vault server to mount). Exposes how stores trust the CA:
 * `clusterCa` (the CA Secret, for the ClusterSecretStore) and `caPem` (the CA
 * certificate, read back after issuance, for ConfigMaps in tenant namespaces).
 */
export class VaultTrust extends pulumi.ComponentResource {
  /** `caProvider` for the ClusterSecretStore: the CA Secret's `ca.crt` in cert-manager's namespace. */
  public readonly clusterCa: VaultCaTrust;
  /** The CA certificate (PEM; public), once cert-manager has issued it. */
  public readonly caPem: pulumi.Output<string>;
  /** Vault's serving certificate, ready (pass as `dependsOn` to what needs Vault's TLS). */
  public readonly serverCertificate: k8s.apiextensions.CustomResource;

  constructor(name: string, args: VaultTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vault-eso:index:VaultTrust", name, {}, opts);
    const chain = trustChain(args);
    const deps: pulumi.Resource[] = [];
    if (args.install ?? true) {
      const ns = new k8s.core.v1.Namespace(
        `${name}-cert-manager-ns`,
        // cert-manager's chart runs every pod under the restricted profile (non-root, no capabilities, RuntimeDefault seccomp).
        { metadata: { name: args.certManagerNamespace, labels: { ...MANAGED_BY_LABELS, ...RESTRICTED_POD_SECURITY } } },
        { parent: this },
      );
      deps.push(
        new CertManager(
          `${name}-cert-manager`,
          // No `installCRDs` (deprecated; fails together with crds.enabled): the CRDs come from `crds` in the values.
          { helmOptions: { ...certManagerHelmOptions(args.certManagerNamespace, args.chartVersion ?? CERT_MANAGER_CHART.version), namespace: ns.metadata.name } },
          { parent: this },
        ),
      );
    }
    const cr = (role: string, obj: { apiVersion: string; kind: string; metadata: object; spec?: unknown }, dependsOn: pulumi.Resource[]) =>
      new k8s.apiextensions.CustomResource(`${name}-${role}`, { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata, spec: obj.spec }, { parent: this, dependsOn });

    const selfSigned = cr("selfsigned-issuer", chain.selfSignedIssuer, deps);
    const caCert = cr("ca-certificate", chain.caCertificate, [selfSigned, ...deps]);
    const caIssuer = cr("ca-issuer", chain.caIssuer, [caCert, ...deps]);
    this.serverCertificate = cr("server-certificate", chain.serverCertificate, [caIssuer, ...deps]);

    this.clusterCa = { kind: "provider", type: "Secret", ...chain.caSecret };
    // Read the CA back once issued. The id waits for the Certificate's own id, so a
    // preview (where it is unknown) does not try to read a Secret that does not exist yet.
    const secretId = pulumi.all([caCert.id]).apply(() => `${chain.caSecret.namespace}/${chain.caSecret.name}`);
    const caSecret = k8s.core.v1.Secret.get(`${name}-ca-secret`, secretId, { parent: this, dependsOn: [caCert] });
    // The CA certificate is public (only tls.key is not): unsecret it so ConfigMap diffs stay readable.
    this.caPem = pulumi.unsecret(
      caSecret.data.apply((d) => {
        const b64 = d?.[chain.caSecret.key];
        if (!b64) throw new InputError(`Secret ${chain.caSecret.namespace}/${chain.caSecret.name} has no ${chain.caSecret.key}: cert-manager has not issued the CA`);
        return Buffer.from(b64, "base64").toString("utf8");
      }),
    );
    this.registerOutputs({ clusterCa: this.clusterCa, caPem: this.caPem });
  }
}
