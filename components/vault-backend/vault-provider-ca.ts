/**
 * How the Pulumi Vault provider gets the CA that signs Vault's certificate.
 * Pure: the environment is passed in.
 *
 * The provider (terraform-provider-vault v5.8.0, which @pulumi/vault 7.8.0
 * pins; internal/provider/meta.go `setClient`) reads a CA from its
 * `caCertFile` (else VAULT_CACERT), its `caCertDir` (else VAULT_CAPATH), and
 * from the environment variable VAULT_CACERT_BYTES (a PEM; there is no
 * provider field for it). Both `caCertFile` and `caCertDir` are paths, so the
 * program cannot hand an inline `vault.caCert` to the provider: it would have
 * to write the PEM to a file at evaluation time and store that machine's path
 * in the provider's state. The provider runs with the environment of
 * `pulumi up`, as the program does, so the program can see what it will find.
 */

export type ProviderEnv = Readonly<Record<string, string | undefined>>;

/** The certificates of a PEM bundle, whitespace removed, to compare bundles. */
function certificates(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1].replace(/\s+/g, ""));
}

/**
 * A warning for `pulumi up` when the inline `vault.caCert` will not reach the
 * provider, or undefined when the provider gets a CA another way.
 */
export function providerCaWarning(caCertPem: string, env: ProviderEnv): string | undefined {
  const fix = 'export VAULT_CACERT_BYTES="$(pulumi config get --path vault-eso:vault.caCert)" before pulumi preview/up, or give the same PEM as vault.caCertFile';
  // VAULT_CACERT (a file) and VAULT_CAPATH (a directory) are the user's explicit choice; a file wins over the bytes.
  if (env.VAULT_CACERT || env.VAULT_CAPATH) return undefined;
  const bytes = env.VAULT_CACERT_BYTES;
  if (!bytes) {
    return `vault.caCert reaches the stores, but the Pulumi Vault provider takes no inline CA (only a file path or VAULT_CACERT_BYTES), so pulumi up would not trust Vault's certificate. Fix: ${fix}.`;
  }
  const given = new Set(certificates(bytes));
  if (!certificates(caCertPem).every((c) => given.has(c))) {
    return `VAULT_CACERT_BYTES does not hold the certificates of vault.caCert: the Pulumi Vault provider and ESO would trust different CAs. Fix: ${fix}.`;
  }
  return undefined;
}
