/**
 * Contract: how the Pulumi Vault provider trusts Vault's CA
 * (hashicorp/terraform-provider-vault v5.8.0 internal/provider/meta.go setClient,
 * pinned by @pulumi/vault 7.8.0) against what the program registers for the
 * shipped prod stack, and the warning it prints (components/extras.ts
 * configWarnings, components/lib/vault-provider-ca.ts providerCaWarning).
 */
import { runProgram } from "../helpers/program";
import { MockEngine } from "../helpers/mocks";
import { configWarnings } from "../../components/extras";
import { parseStackConfig, PlatformConfig } from "../../components/lib/config";
import { readStackFile } from "../helpers/stack-file";
import { providerCaSource } from "./models/vault-provider-tls";

let engine: MockEngine;
let config: PlatformConfig;

beforeAll(async () => {
  ({ engine } = await runProgram("prod"));
  const { config: raw, secretKeys } = readStackFile("prod");
  ({ config } = parseStackConfig(raw, { secretKeys: new Set(secretKeys), readFile: () => "" }));
});

describe("terraform-provider-vault meta.go setClient: CA sources (file, VAULT_CACERT_BYTES, dir, system roots)", () => {
  test("prod's inline vault.caCert never reaches the provider: it has only path fields, and the program leaves them unset", () => {
    const provider = engine.ofType("pulumi:providers:vault")[0].inputs;
    expect(provider.caCertFile).toBeUndefined();
    expect(provider.caCertDir).toBeUndefined();
    expect(JSON.stringify(provider)).not.toContain("BEGIN CERTIFICATE");
    expect(providerCaSource(provider, {})).toEqual({ kind: "system" });
  });

  test("without a CA in the environment the program warns, and the fix it names makes the provider trust vault.caCert", () => {
    const provider = engine.ofType("pulumi:providers:vault")[0].inputs;
    const warnings = configWarnings(config, {});
    const w = warnings.find((x) => x.includes("vault.caCert"));
    expect(w).toMatch(/export VAULT_CACERT_BYTES="\$\(pulumi config get --path vault-eso:vault\.caCert\)"/);
    // Following the fix: the provider now reads the same PEM ESO gets.
    const env = { VAULT_CACERT_BYTES: config.vault.caCertPem };
    expect(providerCaSource(provider, env)).toEqual({ kind: "bytes", pem: config.vault.caCertPem });
    expect(configWarnings(config, env).some((x) => x.includes("vault.caCert"))).toBe(false);
  });

  test("a file in VAULT_CACERT wins over the bytes (go-rootcerts LoadCACerts order), so the program does not second-guess it", () => {
    expect(providerCaSource({}, { VAULT_CACERT: "/etc/ca.pem", VAULT_CACERT_BYTES: "x" })).toEqual({ kind: "file", path: "/etc/ca.pem" });
    expect(providerCaSource({ caCertFile: "vault-ca.pem" }, { VAULT_CACERT_BYTES: "x" })).toEqual({ kind: "file", path: "vault-ca.pem" });
    expect(configWarnings(config, { VAULT_CACERT: "/etc/ca.pem" }).some((x) => x.includes("vault.caCert"))).toBe(false);
  });

  test("VAULT_CACERT_BYTES holding another CA is called out", () => {
    const other = "-----BEGIN CERTIFICATE-----\nMIIBaW5vdGhlcg==\n-----END CERTIFICATE-----\n";
    expect(configWarnings(config, { VAULT_CACERT_BYTES: other })).toEqual(expect.arrayContaining([expect.stringContaining("trust different CAs")]));
  });
});
