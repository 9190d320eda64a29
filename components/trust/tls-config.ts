/**
 * Config section `vault-eso:tls`: how ESO's stores come to trust Vault's
 * certificate. Pure: the zod schema and its cross-checks; `config.ts`
 * composes them.
 *
 * Two ways, chosen here:
 * - an external Vault with its own CA (`vault.caCert` / `vault.caCertFile`),
 *   delivered to every store either inline (`caBundle`, base64) or as a
 *   ConfigMap the stores reference (`caProvider`);
 * - in-cluster trust issued by cert-manager (`tls.certManager`): a
 *   self-signed root, a CA ClusterIssuer and a Certificate for Vault's
 *   server name; stores trust the CA through `caProvider`.
 */
import { z } from "zod";
import { isIP } from "net";
import { dnsLabel, dnsSubdomain } from "../config/schema-helpers";
import { CERT_MANAGER_CHART, CERT_MANAGER_MIN_CHART, compareChartVersions } from "./cert-manager";

export const CA_DELIVERIES = ["caBundle", "configMap"] as const;
export type CaDelivery = (typeof CA_DELIVERIES)[number];

/** Go duration as cert-manager takes it ("2160h", "720h30m"); no days. */
const CERT_DURATION = /^(\d+h)?(\d+m)?(\d+s)?$/;
const certDuration = (what: string) =>
  z.string().superRefine((v, ctx) => {
    if (v === "" || !CERT_DURATION.test(v)) {
      ctx.addIssue({ code: "custom", message: `${what} must be a Go duration in hours/minutes/seconds like "2160h" (cert-manager has no "d" unit). Fix: e.g. "2160h" for 90 days` });
    }
  }).meta({ typeName: "Go duration (h/m/s)" });

/** Hours in a cert-manager duration (for the renewBefore < duration check). */
export function certDurationSeconds(v: string): number | undefined {
  const m = CERT_DURATION.exec(v);
  if (!m || v === "") return undefined;
  const n = (s: string | undefined, unit: string) => (s ? Number(s.replace(unit, "")) : 0);
  return n(m[1], "h") * 3600 + n(m[2], "m") * 60 + n(m[3], "s");
}

const certManagerSection = z
  .strictObject({
    enabled: z.boolean().default(false).describe("In-cluster trust issued by cert-manager (for a Vault running in the cluster); ESO's URL must be https and covered by the server names."),
    install: z.boolean().default(true).describe("Install cert-manager (`@pulumi/kubernetes-cert-manager`); `false` when the cluster already runs it."),
    namespace: dnsLabel("tls.certManager.namespace").default("cert-manager").describe("cert-manager's namespace (its cluster resource namespace): the CA Secret lives here."),
    chartVersion: z
      .string()
      .regex(/^v\d+\.\d+\.\d+$/, { error: 'tls.certManager.chartVersion must be an exact chart version like "v1.21.1". Fix: pin one' })
      .meta({ typeName: "`vX.Y.Z`" })
      .default(CERT_MANAGER_CHART.version)
      .describe("The pinned cert-manager chart; at least `v1.15.0` (CRDs through `crds.enabled`/`crds.keep`, kept on uninstall)."),
    caName: dnsSubdomain("tls.certManager.caName")
      .default("vault-eso-ca")
      .describe("Name of the CA Certificate, its Secret and the CA ClusterIssuer (`<caName>-selfsigned` for the root issuer)."),
    caDuration: certDuration("tls.certManager.caDuration").default("87600h").describe("Lifetime of the CA; at least the server certificate's."),
    server: z
      .strictObject({
        namespace: dnsLabel("tls.certManager.server.namespace").default("vault").describe("Where Vault runs (must exist): its serving Secret is created there for Vault to mount."),
        secretName: dnsSubdomain("tls.certManager.server.secretName").default("vault-server-tls").describe("The serving Secret (`tls.crt`, `tls.key`, `ca.crt`) for Vault's listener."),
        dnsNames: z.array(z.string()).default([]).describe("DNS names of the certificate; with `ipAddresses`, at least one name, covering the host of `vault.serverForEso`."),
        ipAddresses: z.array(z.string()).default([]).describe("IP addresses of the certificate."),
        duration: certDuration("tls.certManager.server.duration").default("2160h").describe("Lifetime of the server certificate."),
        renewBefore: certDuration("tls.certManager.server.renewBefore").default("360h").describe("Renew this long before expiry; less than `duration`."),
      })
      .prefault({})
      .describe("Vault's serving certificate."),
  })
  .describe("A cert-manager CA chain that issues Vault's certificate and that every store trusts.");

export const tlsSchema = z
  .strictObject({
    caDelivery: z
      .enum(CA_DELIVERIES)
      .default("caBundle")
      .describe("How `vault.caCert`/`caCertFile` reaches the stores: inline `caBundle`, or a ConfigMap per namespace (`caProvider`; needs a CA)."),
    caConfigMapName: dnsSubdomain("tls.caConfigMapName").default("vault-ca").describe("The ConfigMap (key `ca.crt`) holding Vault's CA in ESO's and each tenant's namespace."),
    certManager: certManagerSection.prefault({}),
  })
  .describe("How ESO trusts Vault's certificate; see docs/operations.md#tls.");

export type TlsConfig = z.infer<typeof tlsSchema>;

/** A DNS name a certificate may carry (wildcards only as the whole first label). */
function dnsNameProblem(name: string): string | undefined {
  const rest = name.startsWith("*.") ? name.slice(2) : name;
  if (name.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(rest)) {
    return `"${name}" is not a DNS name (lower-case labels separated by dots). Fix: e.g. "vault.vault.svc"`;
  }
  return undefined;
}

export interface TlsCheckContext {
  readonly environment: "dev" | "prod";
  /** Whether `vault.caCert`/`caCertFile` is set. */
  readonly hasCaCert: boolean;
  /** The URL ESO uses to reach Vault (`vault.serverForEso` or `vault.address`). */
  readonly serverForEso: string;
  readonly skipTlsVerify: boolean;
}

/** Cross-key rules of the TLS section. */
export function checkTls(t: TlsConfig, c: TlsCheckContext, issue: (path: (string | number)[], message: string) => void): void {
  const cm = t.certManager;
  if (t.caDelivery === "configMap" && !c.hasCaCert && !cm.enabled) {
    issue(["tls", "caDelivery"], 'a ConfigMap delivery needs a CA to deliver. Fix: give vault.caCert or vault.caCertFile, or remove tls.caDelivery');
  }
  if (!cm.enabled) return;
  if (t.caDelivery === "configMap") {
    // cert-manager's CA always reaches the stores through caProvider: the setting would be silently ignored.
    issue(["tls", "caDelivery"], "is only for vault.caCert; with tls.certManager the stores always trust the cert-manager CA through caProvider. Fix: remove tls.caDelivery");
  }
  if (c.skipTlsVerify) {
    issue(["vault", "skipTlsVerify"], "contradicts tls.certManager, which exists so that ESO verifies Vault. Fix: remove vault.skipTlsVerify");
  }
  let url: URL | undefined;
  try {
    url = new URL(c.serverForEso);
  } catch {
    url = undefined; // reported by the URL's own check
  }
  if (url && url.protocol !== "https:") {
    issue(["vault", "serverForEso"], 'cert-manager issues Vault a TLS certificate, so ESO must use https. Fix: use "https://<one of tls.certManager.server.dnsNames>:8200"');
  }
  if (cm.install && (compareChartVersions(cm.chartVersion, CERT_MANAGER_MIN_CHART) ?? 0) < 0) {
    issue(["tls", "certManager", "chartVersion"], `is older than ${CERT_MANAGER_MIN_CHART}, the first chart with crds.enabled/crds.keep, which the program uses to install cert-manager's CRDs. Fix: use ${CERT_MANAGER_MIN_CHART} or later (default ${CERT_MANAGER_CHART.version})`);
  }
  const { dnsNames, ipAddresses } = cm.server;
  if (dnsNames.length === 0 && ipAddresses.length === 0) {
    issue(["tls", "certManager", "server", "dnsNames"], 'cert-manager cannot issue Vault a certificate without a name. Fix: list the names ESO uses, e.g. ["vault.vault.svc", "vault.vault.svc.cluster.local"]');
  }
  dnsNames.forEach((n, i) => {
    const p = dnsNameProblem(n);
    if (p) issue(["tls", "certManager", "server", "dnsNames", i], p);
  });
  ipAddresses.forEach((ip, i) => {
    if (isIP(ip) === 0) issue(["tls", "certManager", "server", "ipAddresses", i], `"${ip}" is not an IP address. Fix: e.g. "10.0.0.10", or put names in dnsNames`);
  });
  if (url && (dnsNames.length > 0 || ipAddresses.length > 0)) {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const covered = isIP(host) !== 0 ? ipAddresses.includes(host) : dnsNames.some((n) => n === host || (n.startsWith("*.") && host.endsWith(n.slice(1)) && !host.slice(0, -n.length + 1).includes(".")));
    if (!covered) {
      issue(["tls", "certManager", "server", "dnsNames"], `does not cover "${host}", the host ESO connects to (vault.serverForEso), so ESO would reject Vault's certificate. Fix: add "${host}" to tls.certManager.server.${isIP(host) ? "ipAddresses" : "dnsNames"}`);
    }
  }
  const dur = certDurationSeconds(cm.server.duration);
  const before = certDurationSeconds(cm.server.renewBefore);
  if (dur !== undefined && before !== undefined && before >= dur) {
    issue(["tls", "certManager", "server", "renewBefore"], `(${cm.server.renewBefore}) must be shorter than the certificate's duration (${cm.server.duration}). Fix: e.g. renewBefore "360h" for a "2160h" certificate`);
  }
  const caDur = certDurationSeconds(cm.caDuration);
  if (caDur !== undefined && dur !== undefined && dur > caDur) {
    issue(["tls", "certManager", "caDuration"], `(${cm.caDuration}) is shorter than the server certificate's duration (${cm.server.duration}): the CA would expire first. Fix: lengthen tls.certManager.caDuration`);
  }
}
