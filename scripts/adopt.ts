/**
 * `npm run adopt -- --kube <dump.yaml> --vault <dir> --out <Pulumi.<stack>.yaml>`
 *
 * Offline, no credentials: reads what a user dumps with read-only access (see
 * docs/migrating.md for the exact commands) and writes a stack file that
 * reproduces what exists, with `vault-eso:adopt` listing every existing object
 * the program will import instead of create. Prints what the first and the
 * second `pulumi up` change, object by object, what stays as it is and why,
 * and refuses (exit 1, nothing written) what it cannot represent.
 *
 * Pure logic: scripts/lib/adopt/ (plan.ts, adopt-objects.ts, model.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { AdoptInputError } from "./lib/adopt/dump";

const USAGE = `usage: npm run adopt -- --kube <dump.yaml> [--kube <more.yaml>] --vault <dir> --out <Pulumi.<stack>.yaml>
          [--kubernetes-host <URL>] [--kubernetes-ca <PEM file>] [--leave-unmanaged] [--force]

  --kube FILE            kubectl get ... -o yaml output (a List, or several YAML documents); repeatable
  --vault DIR            secrets.json, auth.json, policies/<name>.hcl, auth/<mount>/config.json,
                         auth/<mount>/role/<name>.json (vault ... -format=json)
  --out FILE             the stack file to write (Pulumi.<stack>.yaml); not overwritten without --force
  --kubernetes-host URL  the API server as Vault reaches it, when Vault has no Kubernetes auth config yet
  --kubernetes-ca FILE   that API server's CA (PEM), likewise
  --leave-unmanaged      go ahead although some existing ExternalSecrets stop refreshing (listed; their Secrets stay)
  --force                overwrite --out

See docs/migrating.md.
`;

interface Args {
  kube: string[];
  vault?: string;
  out?: string;
  kubernetesHost?: string;
  kubernetesCa?: string;
  leaveUnmanaged: boolean;
  force: boolean;
}

function usage(problem: string): never {
  process.stderr.write(`adopt: ${problem}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { kube: [], leaveUnmanaged: false, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) usage(`${a} needs a value`);
      return v;
    };
    if (a === "--help" || a === "-h") {
      process.stdout.write(USAGE);
      process.exit(0);
    } else if (a === "--kube") args.kube.push(value());
    else if (a === "--vault") args.vault = value();
    else if (a === "--out") args.out = value();
    else if (a === "--kubernetes-host") args.kubernetesHost = value();
    else if (a === "--kubernetes-ca") args.kubernetesCa = value();
    else if (a === "--leave-unmanaged") args.leaveUnmanaged = true;
    else if (a === "--force") args.force = true;
    else usage(`unknown option ${a}`);
  }
  if (args.kube.length === 0) usage("--kube is required");
  if (!args.vault) usage("--vault is required");
  if (!args.out) usage("--out is required");
  if (!/^Pulumi\.[^/\\]+\.ya?ml$/.test(path.basename(args.out))) usage(`--out ${args.out}: name it Pulumi.<stack>.yaml`);
  return args;
}

const readText = (file: string, what: string) => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    throw new AdoptInputError(`${what} ${file}: cannot read it`);
  }
};

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  // Loaded after the arguments are checked: --help and usage errors answer at once.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { stringify } = require("yaml") as typeof import("yaml");
  const { nodeDirReader, parseKubeDump, readVaultDir } = require("./lib/adopt/dump") as typeof import("./lib/adopt/dump");
  const { finishAdoption } = require("./lib/adopt/adopt-objects") as typeof import("./lib/adopt/adopt-objects");
  const { planAdoption } = require("./lib/adopt/plan") as typeof import("./lib/adopt/plan");
  const { formatReport } = require("./lib/adopt/report") as typeof import("./lib/adopt/report");
  const { stackName } = require("./lib/stack-file") as typeof import("./lib/stack-file");
  const out = path.resolve(args.out!);
  if (fs.existsSync(out) && !args.force) throw new AdoptInputError(`--out ${args.out} exists. Fix: choose another file, or pass --force to overwrite it`);
  const objects = args.kube.flatMap((f) => parseKubeDump(readText(f, "--kube"), f));
  const vault = readVaultDir(args.vault!, nodeDirReader());
  const plan = planAdoption(objects, vault, {
    kubernetesHost: args.kubernetesHost,
    kubernetesCaPem: args.kubernetesCa ? readText(args.kubernetesCa, "--kubernetes-ca") : undefined,
  });
  const breaking = plan.leftAlone.filter((l) => l.breaks);
  const refusals = [...plan.refusals];
  if (breaking.length && !args.leaveUnmanaged) refusals.push(`${breaking.length} existing ExternalSecret(s) would stop refreshing (listed above). Fix: move them as each reason says, or pass --leave-unmanaged to accept it`);
  if (refusals.length) {
    process.stdout.write(formatReport(plan));
    process.stderr.write(`adopt: refused, nothing written:\n${refusals.map((r) => `  - ${r}`).join("\n")}\n`);
    return 1;
  }
  const stack = stackName(out);
  const finished = await finishAdoption(plan, objects, vault, process.cwd(), stack);
  process.stdout.write(formatReport(plan, finished));
  if (finished.model.problems.length) {
    process.stderr.write(`adopt: refused, nothing written: the adoption's preview would not be safe:\n${finished.model.problems.map((p) => `  - ${p}`).join("\n")}\n`);
    return 1;
  }
  const header = `# Written by npm run adopt (docs/migrating.md) from ${args.kube.join(", ")} and ${args.vault}.\n# First up: imports only. Then set vault-eso:adopt.kubernetes.imported: true and run up again.\n`;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, header + stringify({ config: finished.config }, { lineWidth: 0 }));
  process.stdout.write(`wrote ${path.relative(process.cwd(), out) || out}\n`);
  return 0;
}

function fail(e: unknown): never {
  // User errors (bad files, bad options, a refused config): the message alone, no stack trace.
  if (e instanceof AdoptInputError) process.stderr.write(`adopt: ${e.message}\n`);
  else process.stderr.write(`adopt: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
}

process.on("unhandledRejection", (e) => fail(e));
main().then((code) => process.exit(code), fail);
