/**
 * One measurement of `npm run bench`, in a fresh process so peak RSS is its own.
 *
 *   bench-child.ts program <base stack> <tenants> <registrations.json>
 *     evaluates index.ts under a generated stack with <tenants> tenants and
 *     writes every registration (type, name, inputs) for the floor run;
 *   bench-child.ts shard <base stack> <tenants>
 *     a tenant stack of <tenants> generated tenants on the base stack as its
 *     platform (docs/sharding.md): the platform's tenantContract is computed
 *     outside the clock, the tenant stack is timed (BENCHMARKS.md, sharded figures);
 *   bench-child.ts floor <registrations.json>
 *     the floor: the SDK registering the same resources (same types, names
 *     and inputs) as bare custom resources: no components, parents,
 *     dependencies or applies.
 *   bench-child.ts floor-typed <registrations.json>
 *     the same, but each registration made with the typed SDK class the
 *     program uses for that type token (`k8s.core.v1.Namespace`,
 *     `vault.Policy`, ...), which declares the type's output properties
 *     (`status`, every Vault role field, ...) as the program's resources do.
 *     Components and providers stay bare. Shows how much of the program's
 *     cost over the bare floor is the typed classes themselves.
 *
 * Both floors are loaded with `require` from scripts/floor-program.ts, as
 * the program's index.ts is (BENCH_FLOOR_INLINE=1: the loop in this file's
 * main instead, without the module loader's frames on the stack).
 *
 * Both load the same modules and install the same mocks before the clock
 * starts, and stop it when the recorder has settled. Prints one JSON line.
 */
import * as fs from "fs";
import * as path from "path";
import { loadProgram, startRecording } from "./lib/capture";
import { benchShardConfigs, benchStackConfig } from "./lib/bench-config";
import { provideStackOutputs, valueOf } from "./lib/mocks";
import { graphDepth } from "./lib/graph";
import { unwrapSecrets } from "./lib/render-files";
import { Registration, registerFloor, setFloor } from "./lib/floor";
// Loaded up front in both modes, so module loading is outside the clock and in both baselines.
import "../components/platform";
import "../components/config/stack-config";

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (process.env.BENCH_PLAIN_STACKS === "1") {
    // As a precompiled (tsc -> JS) program runs: V8's own stack formatting instead of
    // ts-node's source-map-support, which the SDK pays on every promise it creates.
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
  }
  let registrations: Registration[] = [];
  let stackConfig: ReturnType<typeof benchStackConfig> | undefined;
  if (mode === "shard") {
    // The platform's contract, outside the clock (its own mock engine), then the tenant stack's.
    const shard = benchShardConfigs(rest[0], Number(rest[1]));
    const platformRecorder = startRecording("vault-eso", rest[0]);
    const platformExports = loadProgram("index.ts", shard.platform.config, shard.platform.secretKeys);
    const contract = await valueOf(platformExports.tenantContract as never);
    await platformRecorder.settle();
    provideStackOutputs(shard.platformRef, { tenantContract: contract });
    // index.ts is evaluated again for the tenant stack (the components stay loaded, as in `program` mode).
    delete require.cache[require.resolve(path.resolve("index.ts"))];
    stackConfig = shard.tenant;
  }
  const recorder = startRecording("vault-eso", "bench");
  // BENCH_TENANT_FILES=<dir>: the tenants as files there (`vault-eso:tenantFiles`), read by the program.
  if (mode === "program") stackConfig = benchStackConfig(rest[0], Number(rest[1]), process.cwd(), process.env.BENCH_TENANT_FILES || undefined);
  else if (mode === "shard") {
    // set above
  }
  else if (mode === "floor" || mode === "floor-typed") registrations = JSON.parse(fs.readFileSync(rest[0], "utf8")) as Registration[];
  else throw new Error(`unknown mode ${mode}`);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;

  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (stackConfig) {
    loadProgram("index.ts", stackConfig.config, stackConfig.secretKeys);
  } else if (process.env.BENCH_FLOOR_INLINE === "1") {
    registerFloor(registrations, mode === "floor-typed");
  } else {
    // Loaded by `require` as index.ts is: the floor's resources are constructed under the
    // same module-loader frames as the program's, which the SDK captures (and, under ts-node,
    // source-maps) for every resource's stack trace.
    setFloor(registrations, mode === "floor-typed");
    loadProgram("scripts/floor-program.ts", {}, []);
  }
  await recorder.settle();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;

  const captured = recorder.captured;
  if ((mode === "program" && rest[2]) || process.env.BENCH_DUMP) {
    const regs: Registration[] = captured.map((c) => ({ type: c.type, name: c.name, inputs: unwrapSecrets(c.inputs) as Record<string, unknown> }));
    fs.writeFileSync(mode === "program" ? rest[2] : process.env.BENCH_DUMP!, JSON.stringify(regs));
  }
  const result = {
    mode,
    resources: captured.length,
    depth: mode === "program" || mode === "shard" ? graphDepth(captured).depth : undefined,
    ms: Math.round(ms),
    // CPU time of all the process's threads (JS + GC): far less disturbed by other load than wall time.
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    peakRssMiB: Math.round(peakRssMiB),
    baselineRssMiB: Math.round(rssBefore / 1024 / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

process.on("unhandledRejection", (e) => {
  process.stderr.write(`bench-child: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
main().catch((e) => {
  process.stderr.write(`bench-child: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
