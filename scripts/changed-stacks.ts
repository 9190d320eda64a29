/**
 * npm run changed-stacks -- [<base-ref>] [--preview]
 *
 * The stacks (Pulumi.<stack>.yaml in the project directory) a change touches
 * (scripts/lib/changed-stacks.ts; docs/ci.md). The changed paths come from
 * `git diff --name-only --no-renames <base-ref>...HEAD`, or, without a base ref,
 * one a line on stdin. Prints a JSON list of stack names on stdout and why each is
 * touched on stderr. `--preview`: only the stacks a runner can preview (no local
 * endpoints), as the workflow's matrix `include` ([{stack, suffix}]).
 */
import { nodeTenantFileSystem } from "../components/config/stack-config";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { changedStacks, previewInclude } from "./lib/changed-stacks";
import { listStacks, readStackFile } from "./lib/stack-file";

function main(argv: string[]): void {
  const preview = argv.includes("--preview");
  const rest = argv.filter((a) => a !== "--preview");
  const unknown = rest.filter((a) => a.startsWith("-"));
  if (unknown.length || rest.length > 1) {
    process.stderr.write(`usage: npm run changed-stacks -- [<base-ref>] [--preview]   (without <base-ref>: changed paths on stdin)\n`);
    process.exit(2);
  }
  const projectDir = process.cwd();
  const text = rest[0]
    ? execFileSync("git", ["diff", "--name-only", "--no-renames", `${rest[0]}...HEAD`], { encoding: "utf8" })
    : fs.readFileSync(0, "utf8");
  const changed = text.split("\n").filter((l) => l.trim());
  const stacks = listStacks(projectDir).map((stack) => ({ stack, file: path.basename(`Pulumi.${stack}.yaml`), config: readStackFile(stack, projectDir).config }));
  const project = String((parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: unknown }).name ?? "");
  const result = changedStacks({ changed, stacks, project, listDir: nodeTenantFileSystem(projectDir).listDir });
  for (const s of result.stacks) process.stderr.write(`${s}: ${result.reasons[s].slice(0, 3).join("; ")}\n`);
  if (result.stacks.length === 0) process.stderr.write(`no stack touched by ${changed.length} changed path(s)\n`);
  if (preview) {
    const { include, skipped } = previewInclude(result.stacks, stacks);
    if (skipped.length) process.stderr.write(`not previewed here (local endpoints: the e2e job): ${skipped.join(", ")}\n`);
    process.stdout.write(`${JSON.stringify(include)}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(result.stacks)}\n`);
  }
}

main(process.argv.slice(2));
