/**
 * What a CI job takes from a stack file before it holds credentials (scripts/ci-vault-env.ts): the
 * Vault address the provider will send its token to, and Vault's CA. A stack file is PR-controlled
 * input, so nothing of it reaches the runner's environment files unvalidated:
 *
 * - the CA must be PEM CERTIFICATE blocks and nothing else; each block must parse as an X.509
 *   certificate (node:crypto X509Certificate), and what is written is re-encoded from the DER, so
 *   no byte of the stack file's text is copied into $GITHUB_ENV;
 * - $GITHUB_ENV gets it as a heredoc with a delimiter that is random per write and checked absent
 *   from the value. The runner (actions/runner src/Runner.Worker/FileCommandManager.cs
 *   SetEnvFileCommand.ProcessCommand) ends a `NAME<<DELIM` value at the first line equal to DELIM and
 *   reads every later `NAME=VALUE` line as a new variable: a fixed delimiter in the value would let
 *   the lines after it set e.g. NODE_OPTIONS for every later step;
 * - the stack's `vault.address` must be the Vault the job's token is for (the job's VAULT_ADDR): the
 *   Pulumi Vault provider sends its token to the address in the stack file.
 * Pure: the CLI does the file I/O.
 */
import { randomBytes, X509Certificate } from "crypto";
import { caBundleProblem, certificateBlocks } from "../../components/config/ca-pem";

/**
 * The certificates of `text` as canonical PEM (re-encoded from each certificate's DER), or an error
 * naming `where` and the fix. The bundle is judged by the program's one CA reader
 * (components/config/ca-pem.ts: CERTIFICATE blocks and whitespace only, each an X.509 certificate);
 * never quotes the text it refuses.
 */
export function certificatePem(text: string, where: string): string {
  const normalized = text.replace(/\r\n/g, "\n");
  const problem = normalized.trim() === "" ? "is empty. Fix: paste the CA certificate in PEM form" : caBundleProblem(normalized);
  if (problem) throw new Error(`${where} ${problem}`);
  const pem = certificateBlocks(normalized).map((block) => {
    const b64 = new X509Certificate(block).raw.toString("base64");
    return ["-----BEGIN CERTIFICATE-----", ...(b64.match(/.{1,64}/g) ?? []), "-----END CERTIFICATE-----"].join("\n");
  });
  return `${pem.join("\n")}\n`;
}

/** A random heredoc delimiter (as @actions/core's file commands make one: `ghadelimiter_<random>`). */
export function randomDelimiter(): string {
  return `ghadelimiter_${randomBytes(16).toString("hex")}`;
}

/** One `$GITHUB_ENV`/`$GITHUB_OUTPUT` entry: `NAME<<DELIM\nvalue\nDELIM\n`; throws when the value could end it early. */
export function envFileEntry(name: string, value: string, delimiter = randomDelimiter()): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`environment file entry: "${name}" is not a variable name`);
  if (value.includes(delimiter) || /[\r\n]/.test(delimiter) || delimiter === "") throw new Error(`environment file entry ${name}: the value contains its delimiter`);
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** `https://vault:8200/` and `https://vault:8200` are one address; anything else differs. */
function sameAddress(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

export interface StackVault {
  readonly address?: unknown;
  readonly caCert?: unknown;
  readonly caCertFile?: unknown;
}

/**
 * Checks the stack's Vault section against the job's Vault address and returns the CA PEM to trust
 * (undefined: Vault's certificate chains to a public CA). `readFile` reads `caCertFile` confined to
 * the project directory (the CLI's job).
 */
export function stackVaultCa(stack: string, vault: StackVault, jobVaultAddr: string, readFile: (file: string) => string): string | undefined {
  const key = `Pulumi.${stack}.yaml vault-eso:vault`;
  if (typeof vault.address !== "string" || !sameAddress(vault.address, jobVaultAddr)) {
    throw new Error(
      `${key}.address is not the Vault this job's token is for (the job's VAULT_ADDR, ${jobVaultAddr}): the Vault provider would send the token to the stack file's address. Fix: set ${key}.address to ${jobVaultAddr}, or change the environment's VAULT_ADDR variable (docs/ci.md)`,
    );
  }
  if (vault.caCert !== undefined && vault.caCertFile !== undefined) throw new Error(`${key}: both caCert and caCertFile are set. Fix: keep one`);
  if (typeof vault.caCert === "string") return certificatePem(vault.caCert, `${key}.caCert`);
  if (typeof vault.caCertFile === "string") return certificatePem(readFile(vault.caCertFile), `${key}.caCertFile (${vault.caCertFile})`);
  if (vault.caCert !== undefined || vault.caCertFile !== undefined) throw new Error(`${key}: caCert/caCertFile must be a string`);
  return undefined;
}
