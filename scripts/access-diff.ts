/**
 * `npm run access-diff -- <base-ref> [--stack STACK]... [--markdown FILE]`
 *
 * Who gains or loses access with this change: for each stack the change touches
 * (scripts/lib/changed-stacks.ts, as `npm run changed-stacks`; `--stack` names them instead),
 * renders the base (the merge base of <base-ref> and HEAD, unpacked with `git archive` into a
 * temporary directory and rendered by its own code) and the head (this working tree) offline
 * with `npm run render`, and compares every identity's Vault and Kubernetes access
 * (scripts/lib/access-diff/). Tenant stacks are rendered after their platform (its outputs).
 * Prints the diff; `--markdown FILE` also writes it as a PR comment. Exits 1 when an identity
 * gains access inside another tenant's subtree (the `FAIL cross-tenant:` lines), 2 on bad usage
 * or when a render fails. No credentials, cluster, Vault or network.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { nodeTenantFileSystem } from "../components/config/stack-config";
import { changedStacks } from "./lib/changed-stacks";
import { listStacks, readStackFile } from "./lib/stack-file";
import { accessModel } from "./lib/access-diff/identities";
import { accessDiff, formatAccessDiff } from "./lib/access-diff/diff";
import { resourcesFromRender } from "./lib/access-diff/render-tree";

function usage(problem: string): never {
  process.stderr.write(`access-diff: ${problem}\nusage: npm run access-diff -- <base-ref> [--stack STACK]... [--markdown FILE]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { base: string; stacks: string[]; markdown?: string } {
  let base: string | undefined;
  const stacks: string[] = [];
  let markdown: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--stack" || a === "--markdown") {
      const v = argv[++i];
      if (!v) usage(`${a} needs a value`);
      if (a === "--stack") stacks.push(v);
      else markdown = v;
    } else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else if (base) usage(`one base ref (got ${base} and ${a})`);
    else base = a;
  }
  if (!base) usage("which base ref? (e.g. origin/main, HEAD^1)");
  return { base, stacks, markdown };
}

const git = (args: string[], cwd: string) => execFileSync("git", args, { cwd, encoding: "utf8", maxBuffer: 1 << 28 });

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|hcl)$/.test(e.name)) out.set(path.relative(dir, p).split(path.sep).join("/"), fs.readFileSync(p, "utf8"));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** The stack a tenant stack's `vault-eso:platform` names, when it is a stack of this project. */
function platformOf(config: Record<string, string>, project: string): string | undefined {
  const ref = config["vault-eso:platform"];
  const parts = ref?.split("/") ?? [];
  return parts.length === 3 && parts[1] === project ? parts[2] : undefined;
}

/**
 * Renders `stack` of the project in `projectDir` into `outRoot/<stack>` (its platform first),
 * with that tree's own `npm run render`. Returns the render's files, or undefined when the tree
 * has no such stack file.
 */
function render(projectDir: string, stack: string, outRoot: string, project: string, done = new Set<string>()): Map<string, string> | undefined {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return undefined;
  const out = path.join(outRoot, stack);
  if (!done.has(stack)) {
    done.add(stack);
    const platform = platformOf(readStackFile(stack, projectDir).config, project);
    const extra: string[] = [];
    if (platform) {
      render(projectDir, platform, outRoot, project, done);
      extra.push("--platform-outputs", path.join(outRoot, platform, "outputs.json"));
    }
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/render.ts", stack, "--out", out, ...extra], { cwd: projectDir, encoding: "utf8" });
    // Exit 1 with files written: objects failed schema validation; the access model still reads them.
    if (!fs.existsSync(path.join(out, "outputs.json"))) {
      throw new Error(`rendering ${stack} in ${projectDir} failed (exit ${r.status}):\n${(r.stderr || r.stdout).trim()}`);
    }
  }
  return readTree(out);
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const projectDir = process.cwd();
  const project = String((parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: unknown }).name ?? "");
  const mergeBase = git(["merge-base", args.base, "HEAD"], projectDir).trim();
  // Committed and uncommitted changes since the merge base: the head render is this working tree.
  const changed = [
    ...git(["diff", "--name-only", "--no-renames", mergeBase], projectDir).split("\n"),
    ...git(["ls-files", "--others", "--exclude-standard"], projectDir).split("\n"),
  ].filter((l) => l.trim());
  const stackEntries = listStacks(projectDir).map((stack) => ({ stack, file: `Pulumi.${stack}.yaml`, config: readStackFile(stack, projectDir).config }));
  const touched = args.stacks.length ? args.stacks : changedStacks({ changed, stacks: stackEntries, project, listDir: nodeTenantFileSystem(projectDir).listDir }).stacks;
  if (!touched.length) {
    const text = `access diff: no stack touched by ${changed.length} changed path(s)\n`;
    process.stdout.write(text);
    if (args.markdown) fs.writeFileSync(args.markdown, text);
    return 0;
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-access-diff-"));
  try {
    const baseDir = path.join(tmp, "base");
    fs.mkdirSync(baseDir);
    const tar = execFileSync("git", ["archive", "--format=tar", mergeBase], { cwd: projectDir, maxBuffer: 1 << 30 });
    execFileSync("tar", ["-x", "-C", baseDir], { input: tar });
    fs.rmSync(path.join(baseDir, "node_modules"), { recursive: true, force: true });
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(baseDir, "node_modules"), "dir");
    const texts: string[] = [];
    let violations = 0;
    const baseDone = new Set<string>();
    const headDone = new Set<string>();
    for (const stack of touched) {
      const baseFiles = render(baseDir, stack, path.join(tmp, "out-base"), project, baseDone) ?? new Map<string, string>();
      const headFiles = render(projectDir, stack, path.join(tmp, "out-head"), project, headDone) ?? new Map<string, string>();
      const d = accessDiff(accessModel(resourcesFromRender(baseFiles)), accessModel(resourcesFromRender(headFiles)));
      violations += d.violations.length;
      texts.push(formatAccessDiff(stack, d));
    }
    const text = texts.join("\n");
    process.stdout.write(text);
    if (args.markdown) {
      const head = violations ? `**Access diff: ${violations} cross-tenant grant(s): this change must not merge as is.**` : "**Access diff** (who gains or loses Vault and Kubernetes access)";
      fs.writeFileSync(args.markdown, `${head}\n\n\`\`\`diff\n${text}\`\`\`\n`);
    }
    if (violations) process.stderr.write(`access-diff: ${violations} identity grant(s) reach another tenant's subtree (FAIL lines above)\n`);
    return violations ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  process.exit(main());
} catch (e) {
  process.stderr.write(`access-diff: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
