/**
 * `npm run access-diff -- <base-ref>` end to end, as the pull-request workflow runs it: a copy of
 * this project in a fresh git repository, a base commit and a head commit that binds team-b's
 * developers in team-a's namespace (Pulumi.dev.yaml). The base is unpacked from git and rendered
 * by its own code; only the dev stack is touched; the cross-tenant grant fails the run.
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

let repo: string;

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), "access-diff-cli-"));
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { encoding: "utf8" })
    .split("\n")
    .filter((f) => f && fs.existsSync(f) && !f.startsWith("node_modules/"));
  for (const f of files) {
    fs.mkdirSync(path.join(repo, path.dirname(f)), { recursive: true });
    fs.copyFileSync(f, path.join(repo, f));
  }
  fs.symlinkSync(path.resolve("node_modules"), path.join(repo, "node_modules"), "dir");
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args], { cwd: repo });
  git("init", "-q");
  fs.appendFileSync(path.join(repo, ".git/info/exclude"), "node_modules\n");
  git("add", "-A");
  git("commit", "-qm", "base");
  const dev = fs.readFileSync(path.join(repo, "Pulumi.dev.yaml"), "utf8");
  const widened = dev.replace(/(- name: team-a\n(?:.*\n)*?\s+developers:\n\s+users: \[alice\])/, "$1\n        groups: [team-b-devs]");
  expect(widened).not.toBe(dev);
  fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), widened);
  git("commit", "-qam", "head: team-b's developers in team-a");
});

afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

test("renders base and head of the touched stack only, shows the gain, fails on the cross-tenant grant and writes the PR comment", async () => {
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "scripts/access-diff.ts", "HEAD^1", "--markdown", "comment.md"],
      { cwd: repo, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
  expect(run.stderr).toMatch(/1 identity grant\(s\) reach another tenant's subtree/);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/^access diff dev: 1 identity change$/m);
  expect(run.stdout).not.toMatch(/access diff prod/);
  expect(run.stdout).toMatch(/^k8s Group team-b-devs \(tenant team-b\):\n(?: {2}\+ .*\n)* {2}\+ get,list,watch {2}namespace team-a: .*core\/secrets/m);
  expect(run.stdout).toMatch(/^FAIL cross-tenant: k8s Group team-b-devs \(tenant team-b\) gains access in tenant team-a's namespace/m);
  expect(fs.readFileSync(path.join(repo, "comment.md"), "utf8")).toMatch(/^\*\*Access diff: 1 cross-tenant grant/);
}, 300_000);
