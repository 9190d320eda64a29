/**
 * Pure builders for the in-cluster trust chain cert-manager issues for Vault:
 *
 *   ClusterIssuer <caName>-selfsigned (selfSigned)
 *     -> Certificate <caName> (isCA, Secret <caName> in cert-manager's namespace)
 *       -> ClusterIssuer <caName> (ca: secretName <caName>)
 *         -> Certificate vault-server (Secret in Vault's namespace: tls.crt, tls.key, ca.crt)
 *
 * A ClusterIssuer reads its CA Secret from cert-manager's "cluster resource
 * namespace" (its own namespace by default), so the CA Certificate lives
 * there. Stores trust the CA via `caProvider` pointing at that Secret's
 * `ca.crt` (the ClusterSecretStore) or at a ConfigMap copy (SecretStores).
 * Typed against the published cert-manager models; no Pulumi resources.
 */
import type { ICertificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate" with { "resolution-mode": "import" };
import type { IClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer" with { "resolution-mode": "import" };
import { MANAGED_BY_LABELS } from "../config/options";
import { InputError } from "../config/errors";

export const CERT_MANAGER_API = "cert-manager.io/v1";

/** cert-manager's Helm chart, pinned here (v1.21.1: July 2026); `tls.certManager.chartVersion` overrides it. */
export const CERT_MANAGER_CHART = { name: "cert-manager", repo: "https://charts.jetstack.io", version: "v1.21.1" } as const;

/**
 * The chart's CRD values. Since v1.15 the chart installs its CRDs when
 * `crds.enabled` and annotates them `helm.sh/resource-policy: keep` when
 * `crds.keep`; `installCRDs` is deprecated, and the chart fails to render when
 * it is set together with `crds.enabled` (deploy/charts/cert-manager
 * templates/_helpers.tpl `cert-manager.crd-check`). Keep the CRDs: removing
 * them would garbage-collect every Certificate and Issuer.
 */
export const CERT_MANAGER_CRD_VALUES = { crds: { enabled: true, keep: true } } as const;

/** The first chart version with `crds.enabled`/`crds.keep`. */
export const CERT_MANAGER_MIN_CHART = "v1.15.0";

/** `helmOptions` for `@pulumi/kubernetes-cert-manager`'s CertManager: the pinned chart, its CRDs through `values`. */
export function certManagerHelmOptions(namespace: string, version: string) {
  return {
    name: "cert-manager",
    namespace,
    chart: CERT_MANAGER_CHART.name,
    repositoryOpts: { repo: CERT_MANAGER_CHART.repo },
    version,
    // The component copies its typed fields over these values (pulumi/pulumi-go-helmbase
    // base.go InitDefaults); it has no typed `crds`, so `crds` reaches the chart as given.
    values: { crds: { ...CERT_MANAGER_CRD_VALUES.crds } },
    atomic: true,
    cleanupOnFail: true,
    timeout: 600,
  };
}

/** Compares "v1.2.3" versions; undefined when either is not of that form. */
export function compareChartVersions(a: string, b: string): number | undefined {
  const parse = (v: string) => /^v(\d+)\.(\d+)\.(\d+)$/.exec(v)?.slice(1).map(Number);
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

type Named<T> = T & { metadata: { name: string; labels: Record<string, string>; namespace?: string; annotations?: Record<string, string> } };

export interface TrustChainArgs {
  /** cert-manager's namespace (its cluster resource namespace): the CA Secret lives here. */
  readonly certManagerNamespace: string;
  readonly caName: string;
  readonly caDuration: string;
  readonly server: {
    readonly namespace: string;
    readonly secretName: string;
    readonly dnsNames: readonly string[];
    readonly ipAddresses: readonly string[];
    readonly duration: string;
    readonly renewBefore: string;
  };
}

export interface TrustChain {
  readonly selfSignedIssuer: Named<IClusterIssuer>;
  readonly caCertificate: Named<ICertificate>;
  readonly caIssuer: Named<IClusterIssuer>;
  readonly serverCertificate: Named<ICertificate>;
  /** Where the CA certificate can be read: Secret `name` in `namespace`, key `ca.crt`. */
  readonly caSecret: { readonly name: string; readonly namespace: string; readonly key: "ca.crt" };
}

const WAIT_READY = { "pulumi.com/waitFor": "condition=Ready" };

export function trustChain(a: TrustChainArgs): TrustChain {
  if (a.server.dnsNames.length === 0 && a.server.ipAddresses.length === 0) {
    throw new InputError("cert-manager cannot issue Vault a certificate without a DNS name or IP address");
  }
  const labels = { ...MANAGED_BY_LABELS, "app.kubernetes.io/component": "vault-tls" };
  const selfSignedName = `${a.caName}-selfsigned`;
  const selfSignedIssuer: Named<IClusterIssuer> = {
    apiVersion: CERT_MANAGER_API,
    kind: "ClusterIssuer",
    metadata: { name: selfSignedName, labels },
    spec: { selfSigned: {} },
  };
  const caCertificate: Named<ICertificate> = {
    apiVersion: CERT_MANAGER_API,
    kind: "Certificate",
    metadata: { name: a.caName, namespace: a.certManagerNamespace, labels, annotations: WAIT_READY },
    spec: {
      isCA: true,
      // X.509 limits a common name to 64 characters.
      commonName: a.caName.slice(0, 64),
      secretName: a.caName,
      duration: a.caDuration,
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Never" },
      issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: selfSignedName },
    },
  };
  const caIssuer: Named<IClusterIssuer> = {
    apiVersion: CERT_MANAGER_API,
    kind: "ClusterIssuer",
    metadata: { name: a.caName, labels },
    spec: { ca: { secretName: a.caName } },
  };
  const s = a.server;
  const serverCertificate: Named<ICertificate> = {
    apiVersion: CERT_MANAGER_API,
    kind: "Certificate",
    metadata: { name: "vault-server", namespace: s.namespace, labels, annotations: WAIT_READY },
    spec: {
      secretName: s.secretName,
      // No commonName: clients match the SANs, and a CN is capped at 64 characters.
      ...(s.dnsNames.length ? { dnsNames: [...s.dnsNames] } : {}),
      ...(s.ipAddresses.length ? { ipAddresses: [...s.ipAddresses] } : {}),
      duration: s.duration,
      renewBefore: s.renewBefore,
      usages: ["server auth", "digital signature", "key encipherment"],
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: a.caName },
    },
  };
  return { selfSignedIssuer, caCertificate, caIssuer, serverCertificate, caSecret: { name: a.caName, namespace: a.certManagerNamespace, key: "ca.crt" } };
}
