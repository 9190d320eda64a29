/**
 * Stack-file values on their way to the runner's environment (scripts/lib/ci-env.ts): only
 * re-encoded X.509 certificates, with a random heredoc delimiter, read back as the runner reads
 * `$GITHUB_ENV` (test/contracts/models/github-env-file.ts, from actions/runner FileCommandManager.cs).
 * The workflow steps themselves run against a crafted stack file in test/cli/ci-env-steps.test.ts.
 */
import * as fs from "fs";
import fc from "fast-check";
import { parse } from "yaml";
import { certificatePem, envFileEntry, randomDelimiter, stackVaultCa } from "../scripts/lib/ci-env";
import { parseEnvFile } from "./contracts/models/github-env-file";

const prodVault = (parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, any> }).config["vault-eso:vault"];
const CA: string = prodVault.caCert;
// Closes the fixed heredoc, sets NODE_OPTIONS, and opens a new heredoc that the step's own closing line ends: a clean parse.
const INJECTION = "VAULT_CA_PEM_END\nNODE_OPTIONS=--require=/tmp/evil.js\nREST<<VAULT_CA_PEM_END\n";

test("the runner model: a fixed delimiter inside the value ends it there, and the next line sets another variable (the attack)", () => {
  const fixed = `VAULT_CACERT_BYTES<<VAULT_CA_PEM_END\n${CA}${INJECTION}VAULT_CA_PEM_END\n`;
  expect(parseEnvFile(fixed).NODE_OPTIONS).toBe("--require=/tmp/evil.js");
});

test("a PEM with anything after (or before, or between) its CERTIFICATE blocks is refused, without quoting it", () => {
  for (const text of [CA + INJECTION, INJECTION + CA, CA + "junk\n" + CA, CA.replace("CERTIFICATE-----\n", "CERTIFICATE-----\nNODE_OPTIONS=x\n"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", ""]) {
    let message = "";
    try {
      certificatePem(text, "Pulumi.prod.yaml vault-eso:vault.caCert");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Pulumi\.prod\.yaml vault-eso:vault\.caCert .*Fix: /);
    expect(message).not.toMatch(/NODE_OPTIONS|evil|junk|AAAA|REST/);
  }
});

test("a block whose base64 is not a certificate is refused", () => {
  expect(() => certificatePem("-----BEGIN CERTIFICATE-----\nTk9ERV9PUFRJT05TPS0tcmVxdWlyZQ==\n-----END CERTIFICATE-----\n", "k")).toThrow(/^k has a certificate \(#1\) that does not parse/);
});

test("real certificates pass, re-encoded from DER (CRLF, indentation and several blocks included)", () => {
  const one = certificatePem(CA, "k");
  expect(one).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/);
  expect(certificatePem(`  ${CA.replace(/\n/g, "\r\n")}\n\n${CA}`, "k")).toBe(one + one);
});

test("an environment-file entry reads back as exactly its one variable, whatever the value (random delimiter per write)", () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom("a", "=", "<", "\n", "EOF", "NODE_OPTIONS", "ghadelimiter_", " ") , maxLength: 40 }), (value) => {
      const text = envFileEntry("VAULT_CACERT_BYTES", value);
      expect(parseEnvFile(text)).toEqual({ VAULT_CACERT_BYTES: value });
    }),
    { numRuns: 200 },
  );
  expect(randomDelimiter()).not.toBe(randomDelimiter());
  const d = randomDelimiter();
  expect(() => envFileEntry("X", `a\n${d}\nNODE_OPTIONS=x`, d)).toThrow(/contains its delimiter/);
  expect(() => envFileEntry("NODE_OPTIONS=x\nY", "v")).toThrow(/not a variable name/);
});

test("the stack's Vault must be the job's: another address is refused before any token exists", () => {
  expect(stackVaultCa("prod", prodVault, `${prodVault.address}/`, () => "")).toBe(certificatePem(CA, "k"));
  expect(() => stackVaultCa("prod", { ...prodVault, address: "https://attacker.example" }, prodVault.address, () => "")).toThrow(
    /Pulumi\.prod\.yaml vault-eso:vault\.address is not the Vault this job's token is for \(the job's VAULT_ADDR, https:\/\/vault\.example\.com:8200\)/,
  );
  expect(stackVaultCa("prod", { address: prodVault.address }, prodVault.address, () => "")).toBeUndefined();
  expect(stackVaultCa("prod", { address: prodVault.address, caCertFile: "ca.pem" }, prodVault.address, () => CA)).toBe(certificatePem(CA, "k"));
  expect(() => stackVaultCa("prod", { address: prodVault.address, caCertFile: "ca.pem" }, prodVault.address, () => CA + INJECTION)).toThrow(/caCertFile \(ca\.pem\) has text outside/);
});
