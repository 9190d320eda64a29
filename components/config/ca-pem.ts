/**
 * The one reader of CA bundles: everything that takes a CA (vault.caCert /
 * caCertFile, kubernetesAuth.caCert / caCertFile, a tenant stack's
 * vault.caCertFile, the CA a platform publishes in its tenant contract, which
 * becomes every store's `caBundle` and the tenants' CA ConfigMaps) goes
 * through `caBundleProblem`. Pure.
 *
 * A CA bundle is public and is copied into many places (stores, ConfigMaps,
 * the tenant contract, `out/<stack>/outputs.json`), so it may hold only
 * CERTIFICATE blocks and whitespace. Anything else (a PRIVATE KEY block, a
 * stray line between blocks) is refused, naming the block's type and its
 * place, never echoing its text.
 */
import { X509Certificate } from "crypto";

/** One PEM block as RFC 7468 writes it: `-----BEGIN <label>-----` ... `-----END <label>-----`. */
const BLOCK = /-----BEGIN ([^-\r\n]{0,64})-----([\s\S]*?)-----END ([^-\r\n]{0,64})-----/g;
/** A label we may repeat in a message (RFC 7468 labels are upper-case words). */
const PRINTABLE_LABEL = /^[A-Z0-9 ]{1,40}$/;

function labelOf(label: string): string {
  return PRINTABLE_LABEL.test(label) ? `"${label}"` : "an unnamed or malformed";
}

/** The certificate blocks of a bundle `caBundleProblem` accepted, in order. */
export function certificateBlocks(text: string): string[] {
  return [...text.matchAll(BLOCK)].filter((m) => m[1] === "CERTIFICATE" && m[3] === "CERTIFICATE").map((m) => m[0]);
}

/**
 * Why `text` is not a bundle of CA certificates, or undefined. The message
 * starts lower-case so the caller can prefix what it is ("the file ...",
 * "the Vault CA certificate ...") and ends with the fix; it never contains
 * text from the bundle beyond a block's type label.
 */
export function caBundleProblem(text: string): string | undefined {
  let at = 0;
  let n = 0;
  const fix = "Fix: keep only the CA's certificate(s) (-----BEGIN CERTIFICATE----- blocks); a CA bundle is published to every store, the tenants' ConfigMaps and the tenant contract";
  for (const m of text.matchAll(BLOCK)) {
    n++;
    const between = text.slice(at, m.index);
    if (between.trim() !== "") return `has text outside the PEM blocks (before block #${n}, ${between.trim().length} characters, not shown). ${fix}`;
    at = m.index + m[0].length;
    if (m[1] !== m[3]) return `has a PEM block (#${n}) whose BEGIN and END labels differ. ${fix}`;
    if (m[1] !== "CERTIFICATE") {
      const key = /PRIVATE KEY/.test(m[1]) ? " (a private key: treat it as leaked and rotate it)" : "";
      return `holds ${labelOf(m[1])} PEM block (#${n})${key}, not a CERTIFICATE. ${fix}`;
    }
    try {
      new X509Certificate(m[0]);
    } catch (e) {
      return `has a certificate (#${n}) that does not parse (${(e as Error).message}). Fix: use the CA's PEM certificate, not a truncated copy`;
    }
  }
  if (n === 0) return 'is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block). Fix: paste the CA certificate in PEM form';
  const tail = text.slice(at);
  if (tail.trim() !== "") return `has text outside the PEM blocks (after block #${n}, ${tail.trim().length} characters, not shown). ${fix}`;
  return undefined;
}
