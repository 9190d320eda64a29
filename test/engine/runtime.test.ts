/**
 * The program under the real Pulumi runtime: `@pulumi/pulumi/cmd/run` launched as the Node.js
 * language host launches it (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go
 * execRuntime / constructArguments / constructConfig / constructConfigSecretKeys, with Pulumi.yaml's
 * runtime options), talking gRPC to a stand-in ResourceMonitor + Engine
 * (scripts/lib/stand-in-engine.ts), for `pulumi preview` (--dry-run) and `pulumi up` of dev, prod
 * and prod with token auth. What `setMocks` cannot show: ts-node and the tsconfig the runtime uses,
 * config as PULUMI_CONFIG, protobuf structs with secret/unknown sentinels, the stack resource,
 * error printing (cmd/run/run.js uncaughtHandler) and the exit code (cmd/run/index.js).
 *
 * `npm run test:engine` (about a minute of CPU per stack and mode: not part of `npm test`).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { EngineRun } from "../../scripts/lib/stand-in-engine";
import { readProjectFile, splitArgs } from "../../scripts/lib/language-host";
import { compareRegistrations, plainTextOccurrences, secretPaths, unknownPaths, WireResource } from "../../scripts/lib/wire";
import { MOCK_SA_TOKEN } from "../../scripts/lib/provider-outputs";
import { flattenConfig, readStackFile, StackFileConfig } from "../helpers/stack-file";
import { asWire, engineRuns, mockCapture, Scenario, shown } from "./run";

const ROOT = process.cwd();
const VAULT_TOKEN = "test-secret-for-vault-eso:vaultToken";

/** prod with token auth on and the Vault token as a secret, the way stack-token-auth.test.ts overlays prod. */
function prodTokenAuth(): StackFileConfig {
  const doc = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, unknown> };
  doc.config["vault-eso:tokenAuth"] = { enabled: true, period: "7d", explicitMaxTtl: "30d", rotateBefore: "7d", schedule: "0 */12 * * *" };
  doc.config["vault-eso:vaultToken"] = { secure: "AAABAHRva2Vu" };
  return flattenConfig(doc.config);
}

const STACKS: Record<string, StackFileConfig> = { dev: readStackFile("dev"), prod: readStackFile("prod"), tokenauth: prodTokenAuth() };

// Fixture programs (a component given bad arguments, a type error) live under out/ (git-ignored,
// outside tsconfig's include) with a tsconfig that extends the project's, so ts-node compiles them
// exactly as it compiles index.ts.
const FIXTURES = path.join(ROOT, "out", `engine-fixtures-${process.pid}`);
function writeFixtures(): void {
  fs.mkdirSync(FIXTURES, { recursive: true });
  fs.writeFileSync(path.join(FIXTURES, "tsconfig.json"), JSON.stringify({ extends: "../../tsconfig.json", include: ["*.ts"] }));
  fs.writeFileSync(
    path.join(FIXTURES, "bad-component.ts"),
    [
      'import { TokenRenewer } from "../../components/token-renewer/token-renewer";',
      'new TokenRenewer("renewer", { vaultAddress: "https://vault.example.com:8200", readPolicies: ["eso-read"], schedule: "0 0 1 * *" } as any);',
      "",
    ].join("\n"),
  );
  fs.writeFileSync(
    path.join(FIXTURES, "type-error.ts"),
    ['import "../../index";', 'const port: number = "8200";', "export const vaultPort = port;", ""].join("\n"),
  );
}

let runs: Record<string, EngineRun>;
const mocks: Record<string, WireResource[]> = {};

beforeAll(async () => {
  writeFixtures();
  const scenarios: Scenario[] = [];
  for (const [stack, { config, secretKeys }] of Object.entries(STACKS)) {
    for (const mode of ["preview", "update"] as const) scenarios.push({ name: `${stack}-${mode}`, stack, config, secretKeys, dryRun: mode === "preview" });
  }
  const dev = STACKS.dev;
  scenarios.push({
    name: "bad-config",
    stack: "dev",
    // A credential in plain text and an environment that does not exist: two problems, one ConfigError.
    config: { ...dev.config, "vault-eso:vaultToken": "hvs.plain-text-token", "vault-eso:environment": "staging" },
    secretKeys: dev.secretKeys,
    dryRun: true,
  });
  scenarios.push({ name: "bad-component", stack: "dev", config: dev.config, secretKeys: dev.secretKeys, dryRun: true, main: path.relative(ROOT, path.join(FIXTURES, "bad-component.ts")) });
  scenarios.push({ name: "type-error", stack: "dev", config: dev.config, secretKeys: dev.secretKeys, dryRun: true, main: path.relative(ROOT, path.join(FIXTURES, "type-error.ts")) });
  const [r, ...captures] = await Promise.all([
    engineRuns(scenarios, 2),
    ...Object.entries(STACKS).map(([stack, { config, secretKeys }]) => mockCapture(stack, config, secretKeys)),
  ]);
  runs = r;
  Object.keys(STACKS).forEach((s, i) => (mocks[s] = captures[i]));
}, 1_200_000);

afterAll(() => fs.rmSync(FIXTURES, { recursive: true, force: true }));

describe("pulumi-language-nodejs main.go execRuntime: the program is launched as the language host launches it", () => {
  test("with Pulumi.yaml's runtime options: node <nodeargs> <cmd/run> --monitor --engine ... <main>, PULUMI_NODEJS_* from the options", () => {
    const project = readProjectFile(ROOT);
    const r = runs["dev-preview"];
    const runPath = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run", "index.js");
    const nodeargs = splitArgs(project.options.nodeargs);
    expect(r.launch.argv.slice(0, nodeargs.length + 1)).toEqual([...nodeargs, runPath]);
    expect(r.launch.argv.slice(nodeargs.length + 1)).toEqual(
      expect.arrayContaining(["--project", "vault-eso", "--stack", "dev", "--pwd", ROOT, "--dry-run", "--root-directory", ROOT]),
    );
    expect(r.launch.argv[r.launch.argv.length - 1]).toBe(project.main ?? ".");
    expect(runs["dev-update"].launch.argv).not.toContain("--dry-run");
    expect(r.launch.env.PULUMI_NODEJS_TYPESCRIPT).toBe(project.options.typescript ? "true" : undefined);
    expect(r.launch.env.PULUMI_NODEJS_TSCONFIG_PATH).toBe(project.options.tsconfig);
    // Node >= 22 (package.json engines): the first `node` on PATH, as exec.LookPath finds it under npm.
    expect(r.launch.node).toMatch(/node$/);
  });
});

describe.each(Object.keys(STACKS))("%s: preview and update under cmd/run (stand-in gRPC engine)", (stack) => {
  test.each(["preview", "update"])("%s exits 0 with no error, registers the stack and every resource, signals shutdown", (mode) => {
    const r = runs[`${stack}-${mode}`];
    expect({ exit: r.exitCode, signal: r.signal, errors: r.logs.filter((l) => l.severity === "ERROR"), stderr: r.stderr }).toEqual({ exit: 0, signal: null, errors: [], stderr: "" });
    expect(r.unsupported).toEqual([]);
    expect(r.rootUrn).toBe(`urn:pulumi:${stack}::vault-eso::pulumi:pulumi:Stack::vault-eso-${stack}`);
    expect(r.shutdownSignalled).toBe(true);
    expect(r.registrations.length).toBeGreaterThan(20);
    expect(Object.keys(r.stackOutputs ?? {})).toEqual(expect.arrayContaining(["storeName", "kvPath", "tenants", "tokenReviewMode"]));
  });

  test("update: the same registrations as the mock engine (type, name, parent, provider, dependencies, options, every input)", () => {
    expect(compareRegistrations(mocks[stack], asWire(runs[`${stack}-update`]), false)).toEqual([]);
  });

  test("preview: the same registrations; inputs equal except where a provider output is unknown in a preview", () => {
    const preview = asWire(runs[`${stack}-preview`]);
    expect(compareRegistrations(mocks[stack], preview, true)).toEqual([]);
  });

  test("no credential crosses the wire, the logs or the output in plain text", () => {
    const jwt = MOCK_SA_TOKEN;
    for (const mode of ["preview", "update"]) {
      const r = runs[`${stack}-${mode}`];
      const leaks = r.registrations.flatMap((reg) => plainTextOccurrences(reg.inputs, [VAULT_TOKEN, jwt, "hvs.mock-"]).map((p) => `${reg.name}.${p}`));
      expect(leaks).toEqual([]);
      expect(plainTextOccurrences(r.stackOutputs, [VAULT_TOKEN, jwt, "hvs.mock-"])).toEqual([]);
      // What the user sees (INFO and above, stdout, stderr). Not DEBUG: the SDK itself logs every
      // RegisterResource response at DEBUG (runtime/resource.js "RegisterResource RPC finished"),
      // secret values included (`pulumi up --debug`), whatever the program does.
      expect(shown(r)).not.toMatch(/test-secret-for|mock-reviewer|hvs\.mock-/);
    }
  });

  test("the KV mount is protected and retained on delete, on the wire", () => {
    const kv = runs[`${stack}-update`].registrations.filter((r) => r.type === "vault:index/mount:Mount");
    expect(kv.length).toBe(1);
    expect(kv[0].options).toMatchObject({ protect: true, retainOnDelete: true });
  });
});

describe("secrets on the wire (sdk/nodejs/runtime/rpc.ts serializeProperty: secrets as the secret sentinel)", () => {
  const reg = (run: string, type: string) => runs[run].registrations.filter((r) => r.type === type);

  test("the Vault token from secret config reaches the vault provider as a secret (PULUMI_CONFIG_SECRET_KEYS read by isConfigSecret)", () => {
    for (const mode of ["preview", "update"]) {
      const [provider] = reg(`tokenauth-${mode}`, "pulumi:providers:vault");
      expect(secretPaths(provider.inputs)).toContain("token");
    }
  });

  test("the reviewer JWT (prod: a token-reviewer service account) is a secret, known on update and unknown in a preview", () => {
    for (const stack of ["prod", "tokenauth"]) {
      const [update] = reg(`${stack}-update`, "vault:kubernetes/authBackendConfig:AuthBackendConfig");
      const [preview] = reg(`${stack}-preview`, "vault:kubernetes/authBackendConfig:AuthBackendConfig");
      expect(secretPaths(update.inputs)).toContain("tokenReviewerJwt");
      expect((update.inputs.tokenReviewerJwt as { value: unknown }).value).toBe(MOCK_SA_TOKEN);
      expect(unknownPaths(update.inputs)).toEqual([]);
      expect(secretPaths(preview.inputs)).toContain("tokenReviewerJwt");
      expect(unknownPaths(preview.inputs)).toContain("tokenReviewerJwt");
      expect(update.options.additionalSecretOutputs).toEqual(expect.arrayContaining(["tokenReviewerJwt"]));
    }
  });

  test("token auth: the initial token Secret's data is a secret, ignoreChanges on data/stringData (the renewer owns it), outputs secret", () => {
    const secrets = reg("tokenauth-update", "kubernetes:core/v1:Secret").filter((r) => r.options.ignoreChanges);
    expect(secrets).toHaveLength(1);
    const s = secrets[0];
    expect(s.options.ignoreChanges).toEqual(["data", "stringData"]);
    expect(s.options.additionalSecretOutputs).toEqual(expect.arrayContaining(["data", "stringData"]));
    const sp = secretPaths(s.inputs);
    expect(sp.some((p) => p === "data" || p.startsWith("data.") || p === "stringData" || p.startsWith("stringData."))).toBe(true);
    const [token] = reg("tokenauth-update", "vault:index/token:Token");
    expect(token.options.additionalSecretOutputs).toEqual(expect.arrayContaining(["clientToken"]));
  });
});

describe("cmd/run/run.js uncaughtHandler: errors on bad input print their message only", () => {
  const noStack = (text: string) => text.split("\n").filter((l) => /^\s+at\s.+[(:]/.test(l) || /\[stack\]|problems:\s*\[|ConfigError \{|InputError \{/.test(l));

  test("a bad config exits non-zero showing only the ConfigError's message: every problem, no stack trace, no dump of fields", () => {
    const r = runs["bad-config"];
    expect(r.exitCode).toBe(32); // cmd/run/index.js: an error already shown to the user (the language host then bails quietly)
    const out = shown(r);
    expect(out).toContain("Invalid stack configuration: 2 problem(s); nothing was deployed.");
    expect(out).toContain("vault-eso:vaultToken = [secret]");
    expect(out).toMatch(/vault-eso:environment = "staging": must be "dev" or "prod"/);
    expect(noStack(out)).toEqual([]);
    expect(out).not.toContain("hvs.plain-text-token");
    expect(r.registrations.filter((x) => x.type !== "pulumi:pulumi:Stack")).toEqual([]);
  });

  test("a component given bad arguments (TokenRenewer) exits non-zero showing only its message", () => {
    const r = runs["bad-component"];
    expect(r.exitCode).toBe(32); // cmd/run/index.js: an error already shown to the user (the language host then bails quietly)
    const out = shown(r);
    expect(out).toMatch(/TokenRenewer renewer: schedule: /);
    expect(noStack(out)).toEqual([]);
  });

  test("a type error in the program stops the run before anything registers", () => {
    const r = runs["type-error"];
    expect(r.exitCode).toBe(32); // cmd/run/index.js: an error already shown to the user (the language host then bails quietly)
    expect(shown(r)).toMatch(/TS2322: Type 'string' is not assignable to type 'number'/);
    expect(r.registrations.filter((x) => x.type !== "pulumi:pulumi:Stack")).toEqual([]);
  });
});
