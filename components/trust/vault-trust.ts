import * as k8s from "@pulumi/kubernetes";
import { CertManager } from "@pulumi/kubernetes-cert-manager";
import * as pulumi from "@pulumi/pulumi";
import { CERT_MANAGER_CHART, certManagerHelmOptions, trustChain } from "./cert-manager";
import type { VaultCaTrustOptions } from "../eso/eso";
import { MANAGED_BY_LABELS, RESTRICTED_POD_SECURITY } from "../config/options";
import { InputError } from "../config/errors";
import { certDurationSeconds } from "./tls-config";
import { deferredProblems, refuse } from "../config/component-inputs";

/** What is wrong with VaultTrust's args (field, value, fix): no name to issue for, malformed or inverted durations. Pure. */
export function vaultTrustProblems(a: VaultTrustArgs): string[] {
  const problems: string[] = [];
  if (a.server.dnsNames.length === 0 && a.server.ipAddresses.length === 0) {
    problems.push(`server.dnsNames: empty, and so is server.ipAddresses: cert-manager cannot issue a certificate without a name. Fix: e.g. ["vault.vault.svc"]`);
  }
  const seconds = (field: string, v: string) => {
    const s = certDurationSeconds(v);
    if (s === undefined) problems.push(`${field}: ${JSON.stringify(v)} is not a Go duration in hours/minutes/seconds (cert-manager has no "d" unit). Fix: e.g. "2160h"`);
    return s;
  };
  const ca = seconds("caDuration", a.caDuration);
  const dur = seconds("server.duration", a.server.duration);
  const before = seconds("server.renewBefore", a.server.renewBefore);
  if (dur !== undefined && before !== undefined && before >= dur) {
    problems.push(`server.renewBefore: "${a.server.renewBefore}" must be shorter than server.duration ("${a.server.duration}"). Fix: e.g. "360h" for "2160h"`);
  }
  if (ca !== undefined && dur !== undefined && ca < dur) {
    problems.push(`caDuration: "${a.caDuration}" is shorter than server.duration ("${a.server.duration}"): the CA would expire first. Fix: lengthen it, e.g. "87600h"`);
  }
  return problems;
}

/** Vault's serving certificate, issued by the CA ClusterIssuer. */
export interface VaultServerCertificate {
  /** Where Vault runs (must exist): its serving Secret is created there for Vault to mount. */
  readonly namespace: string;
  /** The serving Secret (`tls.crt`, `tls.key`, `ca.crt`) for Vault's listener. */
  readonly secretName: string;
  /** DNS names of the certificate; with `ipAddresses`, at least one name, covering the host ESO connects to. */
  readonly dnsNames: string[];
  /** IP addresses of the certificate. */
  readonly ipAddresses: string[];
  /** Lifetime of the server certificate (cert-manager duration, e.g. `2160h`). */
  readonly duration: string;
  /** Renew this long before expiry (e.g. `360h`); less than `duration`. */
  readonly renewBefore: string;
}

export interface VaultTrustArgs {
  /** cert-manager's namespace (its cluster resource namespace): the CA Secret lives here. */
  readonly certManagerNamespace: string;
  /** Name of the CA Certificate, its Secret and the CA ClusterIssuer (`<caName>-selfsigned` for the root issuer). */
  readonly caName: string;
  /** Lifetime of the CA (cert-manager duration, e.g. `87600h`); at least the server certificate's. */
  readonly caDuration: string;
  /** Vault's serving certificate. */
  readonly server: VaultServerCertificate;
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
  public readonly clusterCa: VaultCaTrustOptions;
  /** The CA certificate (PEM; public), once cert-manager has issued it. */
  public readonly caPem: pulumi.Output<string>;
  /**
   * The name of Vault's serving Certificate (in `server.namespace`), once Ready. To wait for Vault's TLS, pass the
   * component itself as `dependsOn` (as the program does).
   */
  public readonly serverCertificateName: pulumi.Output<string>;

  constructor(name: string, args: VaultTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    // Which resources exist follows from these args: an Output outside the Input fields is refused, never stringified.
    refuse("VaultTrust", name, deferredProblems(args, []));
    const problems = vaultTrustProblems(args);
    if (problems.length > 0) throw new InputError(`VaultTrust ${name}: ${problems.join("; ")}`);
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
    const serverCertificate = cr("server-certificate", chain.serverCertificate, [caIssuer, ...deps]);
    this.serverCertificateName = serverCertificate.metadata.name;

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
