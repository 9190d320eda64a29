/**
 * `node -r ts-node/register/transpile-only scripts/engine-run.ts <scenarios.json> <out.json>`
 *
 * Runs each scenario (scripts/lib/stand-in-engine.ts EngineRunOptions, `projectDir` defaulting to
 * the current directory) under the stand-in engine, `PARALLEL` (default 2) at a time, and writes
 * `{ name: EngineRun }` to out.json. Used by the engine-level tests (test/engine/) and the benchmark.
 */
import * as fs from "fs";
import { EngineRun, EngineRunOptions, runUnderEngine } from "./lib/stand-in-engine";

type Scenario = Omit<EngineRunOptions, "projectDir"> & { name: string; projectDir?: string };

async function main(): Promise<void> {
  const [input, output] = process.argv.slice(2);
  const scenarios = JSON.parse(fs.readFileSync(input, "utf8")) as Scenario[];
  const width = Number(process.env.PARALLEL ?? "2");
  const results: Record<string, EngineRun> = {};
  const queue = [...scenarios];
  await Promise.all(
    Array.from({ length: Math.max(1, width) }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        results[s.name] = await runUnderEngine({ ...s, projectDir: s.projectDir ?? process.cwd() });
      }
    }),
  );
  fs.writeFileSync(output, JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(`engine-run: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
