/**
 * `node -r ts-node/register/transpile-only scripts/ci-vault-env.ts <stack>` (a CI step, before the job
 * holds a Vault token): checks `Pulumi.<stack>.yaml`'s `vault-eso:vault.address` against the job's
 * VAULT_ADDR and hands Vault's CA (caCert, or the file caCertFile names inside the repository) to
 * vault-action (step output `base64`) and to the Pulumi Vault provider (VAULT_CACERT_BYTES) and
 * `npm run verify` (VAULT_CACERT, a file). Only validated, re-encoded certificates are written, each
 * environment-file entry with a random delimiter (scripts/lib/ci-env.ts). Exits 1 naming the key and
 * the fix, writing nothing, on any other input. Needs GITHUB_ENV, GITHUB_OUTPUT, RUNNER_TEMP, VAULT_ADDR.
 */
import * as fs from "fs";
import * as path from "path";
import { envFileEntry, stackVaultCa } from "./lib/ci-env";
import { readStackFile } from "./lib/stack-file";

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (this runs as a GitHub Actions step: docs/ci.md)`);
  return v;
}

/** Reads a file the stack file names, refusing one outside the project directory (symlinks resolved). */
function confinedRead(projectDir: string, file: string): string {
  const root = fs.realpathSync(projectDir);
  let real: string;
  try {
    real = fs.realpathSync(path.resolve(root, file));
  } catch {
    throw new Error(`vault-eso:vault.caCertFile ${JSON.stringify(file)} does not exist in the repository. Fix: commit the CA file, or use vault.caCert`);
  }
  if (!real.startsWith(root + path.sep)) throw new Error(`vault-eso:vault.caCertFile ${JSON.stringify(file)} is outside the repository. Fix: name a file inside it`);
  return fs.readFileSync(real, "utf8");
}

function main(): void {
  const stack = process.argv[2] ?? "";
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stack)) throw new Error(`usage: scripts/ci-vault-env.ts <stack> (got ${JSON.stringify(stack)})`);
  const [envFile, outputFile, temp, vaultAddr] = [need("GITHUB_ENV"), need("GITHUB_OUTPUT"), need("RUNNER_TEMP"), need("VAULT_ADDR")];
  const projectDir = process.cwd();
  const raw = readStackFile(stack, projectDir).config["vault-eso:vault"];
  const vault = raw === undefined ? {} : (JSON.parse(raw) as Record<string, unknown>);
  const pem = stackVaultCa(stack, vault, vaultAddr, (f) => confinedRead(projectDir, f));
  if (pem === undefined) {
    process.stdout.write(`Pulumi.${stack}.yaml names no Vault CA: vault-action and the provider use the system's CAs\n`);
    return;
  }
  const caFile = path.join(temp, "vault-ca.pem");
  fs.writeFileSync(caFile, pem);
  // vault-action's caCertificate takes the PEM base64-encoded (hashicorp/vault-action src/action.js): one line, base64 alphabet only.
  fs.appendFileSync(outputFile, `base64=${Buffer.from(pem).toString("base64")}\n`);
  fs.appendFileSync(envFile, envFileEntry("VAULT_CACERT_BYTES", pem.trimEnd()) + envFileEntry("VAULT_CACERT", caFile));
  process.stdout.write(`Vault CA from Pulumi.${stack}.yaml: ${pem.split("-----BEGIN CERTIFICATE-----").length - 1} certificate(s); VAULT_CACERT_BYTES, VAULT_CACERT and the base64 output set\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`ci-vault-env: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
