/**
 * `node -r ts-node/register/transpile-only scripts/capture-child.ts <stack> <config.json> <out.json>`
 *
 * The mock-engine side of the engine-level comparison: loads index.ts under the project's mocks
 * (scripts/lib/capture.ts, as `npm run render` does) with the config in config.json
 * (`{config, secretKeys}`, the engine's keys) and writes every registration, with its request's
 * wire Struct, to out.json. Exits 1 with the error's message if the program throws.
 */
import * as fs from "fs";
import { loadProgram, startRecording } from "./lib/capture";

async function main(): Promise<void> {
  const [stack, configFile, out] = process.argv.slice(2);
  const { config, secretKeys } = JSON.parse(fs.readFileSync(configFile, "utf8")) as { config: Record<string, string>; secretKeys: string[] };
  const recorder = startRecording("vault-eso", stack, { wire: true });
  loadProgram("index.ts", config, secretKeys);
  await recorder.settle();
  fs.writeFileSync(out, JSON.stringify(recorder.captured.map(({ inputs: _inputs, ...rest }) => rest)));
  process.exit(0);
}

const fail = (e: unknown) => {
  process.stderr.write(`capture-child: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
};
process.on("unhandledRejection", fail);
main().catch(fail);
