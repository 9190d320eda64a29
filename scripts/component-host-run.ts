/**
 * Drives scripts/lib/component-host.ts for test/engine/component-provider.test.ts in one process (CommonJS, under
 * ts-node): launches the plugin once, gets its schema, runs every Construct and YAML program, writes the results.
 *   node -r ts-node/register/transpile-only scripts/component-host-run.ts <in.json> <out.json>
 */
import * as fs from "fs";
import { parse } from "yaml";
import { constructYamlProgram, launchComponentHost, type ConstructCall, type ConstructResult } from "./lib/component-host";

interface In {
  readonly pluginDir: string;
  readonly calls: Record<string, ConstructCall>;
  readonly yaml: Record<string, { file: string; config: Record<string, string>; secretConfig?: string[]; dryRun: boolean }>;
}

async function main(): Promise<void> {
  const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as In;
  const host = await launchComponentHost(input.pluginDir);
  try {
    const schema = await host.getSchema();
    const calls: Record<string, ConstructResult> = {};
    for (const [id, call] of Object.entries(input.calls)) calls[id] = await host.construct(call);
    const yaml: Record<string, Record<string, ConstructResult>> = {};
    for (const [id, y] of Object.entries(input.yaml)) yaml[id] = await constructYamlProgram(host, parse(fs.readFileSync(y.file, "utf8")), y);
    fs.writeFileSync(process.argv[3], JSON.stringify({ schema, calls, yaml, stderr: host.stderr() }));
  } finally {
    host.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
