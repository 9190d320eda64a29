/**
 * Contract: pulumi/pulumi sdk/nodejs runtime/stack.ts `massage` (@pulumi/pulumi
 * 3.270.0) warns "Undefined value (<key>) will not show as a stack output" for
 * every top-level export that is `undefined`, on every run. `cmd/run/run.ts`
 * passes it the CommonJS `exports` of index.ts (ts-node compiles index.ts to
 * CommonJS: package.json has no "type": "module"). Here index.ts is compiled
 * the same way (TypeScript transpileModule, CommonJS), fed stub platforms, and
 * its exports go through the SDK's own `runInPulumiStack`.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import ts from "typescript";
import { installMocks } from "../helpers/mocks";

installMocks("stack-outputs");

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
function loadIndexAsCommonJs(tokenAuth: boolean): Record<string, unknown> {
  const source = fs.readFileSync("index.ts", "utf8");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const stubs: Record<string, unknown> = {
    "./components/platform": { buildPlatform: () => ({ outputs: platformOutputs(tokenAuth) }) },
    "./components/lib/stack-config": { loadStackConfig: () => ({}) },
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

  test("token auth: tokenAuth shows as before (Secret, CronJob, role)", async () => {
    const { outputs, warnings } = await runAsStack(loadIndexAsCommonJs(true));
    expect(warnings.filter((w) => w.includes("Undefined value"))).toEqual([]);
    expect(outputs.tokenAuth).toEqual({ secret: "vault-token", cronJob: "vault-token-renewer", role: "eso-store" });
  });
});
