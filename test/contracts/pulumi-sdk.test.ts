/**
 * Contracts with the Pulumi engine and the Node.js SDK.
 *
 * 1. Secrets nested in structured config (pulumi/pulumi
 * sdk/go/common/resource/config value.go `unmarshalValue`/`hasSecureValue`/`Value`,
 * map.go `SecureKeys`; sdk/nodejs/cmd/pulumi-language-nodejs/main.go
 * `constructConfigSecretKeys`; @pulumi/pulumi runtime/config.ts `isConfigSecret`).
 * The engine marks a whole top-level key secret when any leaf in it is `secure:`
 * and hands the program the decrypted JSON. The program refuses such a key
 * (components/config/config.ts `misplacedSecrets`) instead of writing its values
 * unmarked into resource inputs and state.
 *
 * 2. Stack outputs: pulumi/pulumi sdk/nodejs runtime/stack.ts `massage`
 *    (@pulumi/pulumi 3.270.0) warns "Undefined value (<key>) will not show as a
 *    stack output" for every top-level export that is `undefined`, on every
 *    run. `cmd/run/run.ts` passes it the CommonJS `exports` of index.ts (ts-node
 *    compiles index.ts to CommonJS: package.json has no "type": "module"). Here
 *    index.ts is compiled the same way (TypeScript transpileModule, CommonJS),
 *    fed stub platforms, and its exports go through the SDK's own
 *    `runInPulumiStack`.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import ts from "typescript";
import { installMocks } from "../helpers/mocks";
import { flat, validSections } from "../helpers/fixtures";
import { flattenConfig } from "../helpers/stack-file";
import { loadStackConfig } from "../../components/config/stack-config";
import { buildPlatform } from "../../components/platform";
import { ConfigError, parseStackConfig } from "../../components/config/config";
import { engineConfig, hasSecureLeaf } from "./models/pulumi-config";

const engine = installMocks("dev");
afterEach(() => engine.resources.splice(0));

const PLAINTEXT = "S3cr3t-Plaintext-42";
const decrypt = () => PLAINTEXT;

function stackFile(name: string): Record<string, unknown> {
  return (parse(fs.readFileSync(`Pulumi.${name}.yaml`, "utf8")) as { config: Record<string, unknown> }).config;
}

/** A dev stack whose team-a ExternalSecret template carries a `secure:` leaf. */
function devWithSecretTemplate(): Record<string, unknown> {
  const cfg = stackFile("dev");
  const tenants = cfg["vault-eso:tenants"] as Array<{ externalSecrets: Array<Record<string, unknown>> }>;
  tenants[0].externalSecrets[0].template = { data: { DSN: { secure: "v1:CIPHERTEXT" } } };
  return cfg;
}

/** A dev stack whose Vault namespace was set with `pulumi config set --path --secret`. */
function devWithSecretInVault(): Record<string, unknown> {
  const cfg = stackFile("dev");
  (cfg["vault-eso:vault"] as Record<string, unknown>).namespace = { secure: "v1:CIPHERTEXT" };
  return cfg;
}

describe("pulumi/pulumi config value.go hasSecureValue + map.go SecureKeys: a secure leaf makes the whole top-level key secret", () => {
  test("a secure leaf inside tenants lists vault-eso:tenants, decrypted, and nothing finer", () => {
    const { config, secretKeys } = engineConfig(devWithSecretTemplate(), decrypt);
    expect(secretKeys).toEqual(["vault-eso:tenants"]);
    expect(config["vault-eso:tenants"]).toContain(PLAINTEXT);
    expect(config["vault-eso:tenants"]).not.toContain("secure");
  });

  test("the shipped stacks hold no secure value (prod with a --secret vaultToken: only that key)", () => {
    expect(engineConfig(stackFile("dev"), decrypt).secretKeys).toEqual([]);
    expect(engineConfig(stackFile("prod"), decrypt).secretKeys).toEqual([]);
    const prod = { ...stackFile("prod"), "vault-eso:vaultToken": { secure: "v1:X" } };
    expect(engineConfig(prod, decrypt).secretKeys).toEqual(["vault-eso:vaultToken"]);
  });

  test("the test/render stack reader (scripts/lib/stack-file.ts flattenConfig) marks the same keys as the engine", () => {
    const cases = [stackFile("dev"), stackFile("prod"), devWithSecretTemplate(), devWithSecretInVault(), { ...stackFile("prod"), "vault-eso:vaultToken": { secure: "v1:X" } }];
    for (const cfg of cases) {
      const ours = flattenConfig(cfg);
      const theirs = engineConfig(cfg, () => "PLACEHOLDER");
      expect(ours.secretKeys.sort()).toEqual(theirs.secretKeys.sort());
      for (const key of Object.keys(cfg)) {
        // Same shape; the reader puts a placeholder where the engine would decrypt.
        expect(ours.config[key].replace(/test-secret-for-[^"]+/g, "PLACEHOLDER")).toBe(theirs.config[key]);
        expect(hasSecureLeaf(cfg[key])).toBe(ours.secretKeys.includes(key));
      }
    }
  });
});

describe("@pulumi/pulumi runtime/config.ts isConfigSecret: exact membership of the top-level key", () => {
  test("answers true for vault-eso:tenants, false for a path inside it", () => {
    const { config, secretKeys } = engineConfig(devWithSecretTemplate(), decrypt);
    pulumi.runtime.setAllConfig(config, secretKeys);
    const isSecret = (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret;
    expect(isSecret("vault-eso:tenants")).toBe(true);
    expect(isSecret("vault-eso:tenants[0].externalSecrets[0].template")).toBe(false);
    expect(isSecret("vault-eso:vault")).toBe(false);
  });
});

describe("components/config/config.ts misplacedSecrets: a secret section is refused, naming the key, never echoing the value", () => {
  test.each([
    ["inside tenants (an ExternalSecret template)", devWithSecretTemplate, "vault-eso:tenants", "remoteRef"],
    ["inside vault (vault.namespace set with --secret)", devWithSecretInVault, "vault-eso:vault", "CA certificates are public"],
  ])("a secure value %s stops the program before anything registers", async (_d, make, key, hint) => {
    const { config, secretKeys } = engineConfig(make(), decrypt);
    pulumi.runtime.setAllConfig(config, secretKeys);
    let err: unknown;
    try {
      buildPlatform(loadStackConfig());
    } catch (e) {
      err = e;
    }
    await engine.settle();
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    const p = problems.find((x) => x.key === key);
    expect(p).toBeDefined();
    expect(p!.value).toBe("[secret]");
    expect(p!.message).toContain(hint);
    expect(p!.message).toMatch(/Fix: .*without --secret/);
    expect((err as ConfigError).message).not.toContain(PLAINTEXT);
    expect(engine.resources).toHaveLength(0);
  });

  test("other problems in the same stack do not echo the secret section's values", () => {
    const s = validSections();
    s.kv = { path: "secret/data" };
    s.eso = { namespace: PLAINTEXT, tokenTtl: "2h", tokenMaxTtl: "1h" };
    const run = () => parseStackConfig(flat(s), { secretKeys: new Set(["vault-eso:eso"]), readFile: () => "" });
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (e) {
      expect((e as ConfigError).message).not.toContain(PLAINTEXT);
      expect((e as ConfigError).problems.map((p) => p.key)).toContain("vault-eso:eso");
    }
  });

  test("an unknown key held as a secret is named, its value redacted", () => {
    const raw = { ...flat(validSections()), "vault-eso:dbPassword": PLAINTEXT };
    expect(() => parseStackConfig(raw, { secretKeys: new Set(["vault-eso:dbPassword"]), readFile: () => "" })).toThrow(/vault-eso:dbPassword = \[secret\]: is not a known setting/);
  });
});

function platformOutputs(tokenAuth: boolean) {
  return {
    environment: "dev",
    storeName: pulumi.output("vault-backend"),
    kvPath: pulumi.output("secret"),
    esoReadScope: "eso",
    kubernetesAuthPath: pulumi.output("kubernetes"),
    esoRole: pulumi.output("external-secrets"),
    esoPolicy: pulumi.output("external-secrets-read"),
    esoNamespace: pulumi.output("external-secrets"),
    tokenReviewMode: "clientJwt",
    tokenAuth: tokenAuth ? { secret: pulumi.output("vault-token"), cronJob: pulumi.output("vault-token-renewer"), role: pulumi.output("eso-store") } : undefined,
    tenants: {},
  };
}

/** index.ts as the Node.js runtime loads it: CommonJS exports, with the platform stubbed. */
function loadIndexAsCommonJs(tokenAuth: boolean, tenantStack = false): Record<string, unknown> {
  const source = fs.readFileSync("index.ts", "utf8");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const stubs: Record<string, unknown> = {
    "./components/vault-eso-platform": { platformOfStack: () => ({ platform: { outputs: platformOutputs(tokenAuth) } }) },
    "./components/config/stack-config": { loadStack: () => ({ kind: tenantStack ? "tenant" : "platform", stack: "organization/vault-eso/test" }) },
    "./components/tenants/tenant-shard": {
      buildTenantShard: () => ({ ready: Promise.resolve(), outputs: { platformStack: "organization/vault-eso/prod", tenants: pulumi.output({ "team-x": { namespace: "team-x" } }) } }),
    },
  };
  const module = { exports: {} as Record<string, unknown> };
  const requireStub = (id: string) => {
    if (!(id in stubs)) throw new Error(`index.ts requires ${id}: add a stub`);
    return stubs[id];
  };
  new Function("exports", "require", "module", js)(module.exports, requireStub, module);
  return module.exports;
}

async function runAsStack(exports: Record<string, unknown>): Promise<{ outputs: Record<string, unknown>; warnings: string[] }> {
  const warnings: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  try {
    const outputs = (await pulumi.runtime.runInPulumiStack(async () => exports)) as Record<string, unknown>;
    return { outputs, warnings };
  } finally {
    console.warn = consoleWarn;
  }
}

describe("pulumi/pulumi sdk/nodejs runtime/stack.ts massage: no undefined top-level stack output", () => {
  test("Kubernetes auth: no tokenAuth output and no warning", async () => {
    const { outputs, warnings } = await runAsStack(loadIndexAsCommonJs(false));
    expect(warnings.filter((w) => w.includes("Undefined value"))).toEqual([]);
    expect(outputs).not.toHaveProperty("tokenAuth");
    expect(outputs.storeName).toBe("vault-backend");
  });

  test("a tenant stack (docs/sharding.md): only tenants and platformStack, no undefined platform output", async () => {
    const { outputs, warnings } = await runAsStack(loadIndexAsCommonJs(false, true));
    expect(warnings.filter((w) => w.includes("Undefined value"))).toEqual([]);
    expect(Object.keys(outputs).sort()).toEqual(["platformStack", "tenants"]);
  });

  test("token auth: tokenAuth shows as before (Secret, CronJob, role)", async () => {
    const { outputs, warnings } = await runAsStack(loadIndexAsCommonJs(true));
    expect(warnings.filter((w) => w.includes("Undefined value"))).toEqual([]);
    expect(outputs.tokenAuth).toEqual({ secret: "vault-token", cronJob: "vault-token-renewer", role: "eso-store" });
  });
});
