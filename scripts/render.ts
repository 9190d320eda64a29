/**
 * `npm run render -- <stack> [--out DIR] [--program FILE]`
 *
 * Evaluates the program (index.ts) with Pulumi's mock engine under a stack's
 * config, without the Pulumi CLI, a cluster, Vault or credentials, and writes
 * what it would deploy to `out/<stack>/` for review: Kubernetes objects as
 * YAML, Vault policies as HCL, other Vault resources and Helm releases as
 * YAML of their inputs, the dependency graph as mermaid, and a summary.
 * Every secret is written as `[secret]` (Secret data as `[redacted]`);
 * `secure:` config values are never read. Exits 1, naming each object and its
 * problem, if any object fails the schema/HCL validation or the config is bad.
 *
 * <stack> is `dev`, `prod` (Pulumi.<stack>.yaml) or a path to a stack file.
 *
 * The stack's outputs go to `outputs.json` (secrets as `[secret]`). A tenant
 * stack (`vault-eso:platform`, docs/sharding.md) reads its platform's outputs
 * from a rendered platform: `--platform-outputs FILE`, default
 * `out/<platform stack name>/outputs.json`; the mock engine answers the
 * StackReference read with them. `--org ORG`: the organization of the stack's
 * fully qualified name (default: a tenant stack's platform's, else the
 * organization of the first `vault-eso:shards` entry, else "organization").
 *
 * Day two: when `out/<stack>/outputs.json` holds an earlier render (render the base revision first), a
 * change that removes a tenant or makes data unreachable (a subtree, store or mount rename) is listed,
 * and refused (exit 1, nothing written) unless `--acknowledge ID[,ID...]` names each one
 * (scripts/lib/day-two.ts; docs/operations.md, "Offboarding", "Renaming").
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadProgram, resolveExports, startRecording } from "./lib/capture";
import { provideStackOutputs } from "./lib/mocks";
import type { DeployedResource } from "../policies/vault/deployer";
import { dayTwoChanges, DeployedShape, unacknowledged } from "./lib/day-two";
import { renderCaptured, SECRET_MARK } from "./lib/render-files";
import { defaultOrg, readStackFile, stackName } from "./lib/stack-file";

/** Written into every output directory: only directories carrying it are ever emptied. */
const MARKER = ".vault-eso-render";

interface Args {
  stack: string;
  out?: string;
  program: string;
  org?: string;
  platformOutputs?: string;
  acknowledge: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> = { program: "index.ts", acknowledge: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out" || a === "--program" || a === "--org" || a === "--platform-outputs" || a === "--acknowledge") {
      const v = argv[++i];
      if (!v) usage(`${a} needs a value`);
      if (a === "--acknowledge") args.acknowledge!.push(...v.split(",").map((x) => x.trim()).filter(Boolean));
      else if (a === "--out") args.out = v;
      else if (a === "--org") args.org = v;
      else if (a === "--platform-outputs") args.platformOutputs = v;
      else args.program = v;
    } else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else if (args.stack) usage(`one stack at a time (got ${args.stack} and ${a})`);
    else args.stack = a;
  }
  if (!args.stack) usage("which stack?");
  return args as Args;
}

function usage(problem: string): never {
  process.stderr.write(`render: ${problem}\nusage: npm run render -- <dev|prod|path/to/Pulumi.<stack>.yaml> [--out DIR] [--program FILE] [--org ORG] [--platform-outputs FILE] [--acknowledge ID,...]\n`);
  process.exit(2);
}

/** Throws unless `dir` is absent, empty, or written by an earlier render. */
function checkReplaceable(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const entries = fs.readdirSync(dir);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new Error(`${dir} exists and was not written by render (no ${MARKER}): refusing to replace it`);
  }
}

/** Replaces `dir` with the rendered files. */
function writeOut(dir: string, files: Map<string, string>): void {
  checkReplaceable(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, MARKER), "");
  for (const [rel, content] of files) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const projectDir = process.cwd();
  const project = (parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  const stack = stackName(args.stack);
  const { config, secretKeys } = readStackFile(args.stack, projectDir);
  const outDir = path.resolve(projectDir, args.out ?? path.join("out", stack));
  checkReplaceable(outDir);

  const platformRef = config["vault-eso:platform"];
  const organization = args.org ?? defaultOrg(platformRef, config["vault-eso:shards"]);
  if (platformRef !== undefined) {
    const file = path.resolve(projectDir, args.platformOutputs ?? path.join("out", platformRef.split("/").pop()!, "outputs.json"));
    if (!fs.existsSync(file)) {
      throw new Error(`tenant stack of "${platformRef}": ${path.relative(projectDir, file)} does not exist. Fix: render the platform stack first (npm run render -- <its stack file>), or pass --platform-outputs FILE`);
    }
    provideStackOutputs(platformRef, JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>);
  }

  const recorder = startRecording(project, stack, { organization });
  const exports = loadProgram(args.program, config, secretKeys);
  const outputs = await resolveExports(exports, SECRET_MARK);
  await recorder.settle();

  // The previous render's Vault resources: the deployer policy keeps covering what this change deletes.
  const previousResources = path.join(outDir, "vault", "deployer-resources.json");
  const previousVault = fs.existsSync(previousResources) ? (JSON.parse(fs.readFileSync(previousResources, "utf8")) as DeployedResource[]) : [];
  const rendered = await renderCaptured(recorder.captured, stack, { tenantStack: platformRef !== undefined, previousVault });
  const current = new Set(recorder.captured.map((r) => `${r.type}::${r.name}`));
  for (const r of previousVault.filter((p) => !current.has(`${p.type}::${p.name}`))) {
    process.stdout.write(`deployer policy: still covers ${r.type} ${r.name}, which this change deletes (apply this policy before \`up\`; the next render drops it)\n`);
  }
  const previous = path.join(outDir, "outputs.json");
  if (fs.existsSync(previous)) {
    const changes = dayTwoChanges(JSON.parse(fs.readFileSync(previous, "utf8")) as DeployedShape, outputs as DeployedShape);
    for (const c of changes) process.stdout.write(`day two [${c.id}]: ${c.message}\n`);
    const open = unacknowledged(changes, args.acknowledge);
    if (open.length > 0) {
      process.stderr.write(`render: compared with the previous render in ${path.relative(projectDir, outDir)}, this change takes away what ${open.length === 1 ? "the line above names" : "the lines above name"}; nothing was written.\n`);
      process.stderr.write(`Fix: if that is intended, render again with --acknowledge ${open.map((c) => c.id).join(",")} (docs/operations.md, "Offboarding" and "Renaming")\n`);
      return 1;
    }
  }
  rendered.files.set("outputs.json", `${JSON.stringify(outputs, null, 2)}\n`);
  writeOut(outDir, rendered.files);
  process.stdout.write(rendered.summary);
  process.stdout.write(`wrote ${rendered.files.size} files to ${path.relative(projectDir, outDir) || "."}\n`);
  if (rendered.problems.length > 0) {
    process.stderr.write(`render: ${rendered.problems.length} invalid object(s):\n`);
    for (const p of rendered.problems) process.stderr.write(`  ${p.object}: ${p.problem}\n`);
    return 1;
  }
  return 0;
}

// Errors thrown inside `apply` callbacks surface as unhandled rejections.
process.on("unhandledRejection", (e) => fail(e));
main().then((code) => process.exit(code), fail);

function fail(e: unknown): never {
  process.stderr.write(`render: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
