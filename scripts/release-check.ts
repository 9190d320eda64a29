/**
 * `npm run release:check -- <tag> [--notes FILE]`: exits 1 naming each problem unless the tag can be
 * released (scripts/lib/release.ts); `--notes FILE` writes the version's CHANGELOG.md section.
 */
import * as fs from "fs";
import { releaseNotes, releaseProblems } from "./lib/release";
import { SHIPPED_STACKS } from "./lib/identity/shipped";

const args = process.argv.slice(2);
const tag = args[0];
const notesAt = args.indexOf("--notes");
if (!tag || tag.startsWith("-")) {
  process.stderr.write("usage: npm run release:check -- <tag> [--notes FILE]\n");
  process.exit(2);
}
const version = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { version: string }).version;
const changelog = fs.readFileSync("CHANGELOG.md", "utf8");
const problems = releaseProblems({ tag, version, changelog, stacks: SHIPPED_STACKS.map((s) => s.id), hasSnapshot: (id) => fs.existsSync(`test/identity/releases/v${version}/${id}.json`) });
for (const p of problems) process.stderr.write(`release: ${p}\n`);
if (notesAt > 0 && args[notesAt + 1]) fs.writeFileSync(args[notesAt + 1], releaseNotes(changelog, version));
process.exit(problems.length ? 1 : 0);
