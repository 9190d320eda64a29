/**
 * Model of where the Pulumi Vault provider takes the CA for Vault's
 * certificate (written from the sources, not copied):
 * hashicorp/terraform-provider-vault v5.8.0 (the `upstream` submodule of
 * pulumi/pulumi-vault v7.8.0) internal/provider/meta.go `setClient`:
 * CACert = `ca_cert_file` else $VAULT_CACERT, CAPath = `ca_cert_dir` else
 * $VAULT_CAPATH, CACertBytes = $VAULT_CACERT_BYTES (no provider field;
 * `GetResourceDataStr` takes a field when non-empty, else the variable), then
 * hashicorp/vault/api client.go `ConfigureTLS` -> hashicorp/go-rootcerts
 * v1.0.2 `LoadCACerts`: a file first, else the PEM bytes, else the directory,
 * else the system roots.
 */
export type CaSource =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "bytes"; readonly pem: string }
  | { readonly kind: "dir"; readonly path: string }
  | { readonly kind: "system" };

export function providerCaSource(inputs: { caCertFile?: unknown; caCertDir?: unknown }, env: Readonly<Record<string, string | undefined>>): CaSource {
  const str = (field: unknown, variable: string) => (typeof field === "string" && field !== "" ? field : env[variable] || "");
  const file = str(inputs.caCertFile, "VAULT_CACERT");
  const dir = str(inputs.caCertDir, "VAULT_CAPATH");
  const bytes = env.VAULT_CACERT_BYTES || "";
  if (file) return { kind: "file", path: file };
  if (bytes) return { kind: "bytes", pem: bytes };
  if (dir) return { kind: "dir", path: dir };
  return { kind: "system" };
}
