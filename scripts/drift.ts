/**
 * The drift check's verdict (used by .github/workflows/drift.yml):
 *
 *   node -r ts-node/register/transpile-only scripts/drift.ts <stack> <preview.json> <preview exit code>
 *
 * reads what `pulumi preview --refresh --expect-no-changes --json` printed, appends a report to
 * $GITHUB_STEP_SUMMARY (or prints it), and exits 0 (no drift; the token renewer's designed lifecycle
 * is allowed), 1 (drift) or 2 (the preview itself failed). Prints no values: URNs, operations and
 * property paths only (scripts/lib/drift.ts).
 */
import * as fs from "fs";
import { classifyPreview, driftExitCode, driftReport, PreviewDigest } from "./lib/drift";

function main(argv: string[]): number {
  const [stack, file, code] = argv;
  if (!stack || !file || code === undefined) {
    console.error("usage: drift.ts <stack> <preview.json> <preview exit code>");
    return 2;
  }
  let digest: PreviewDigest;
  try {
    digest = JSON.parse(fs.readFileSync(file, "utf8")) as PreviewDigest;
  } catch (e) {
    console.error(`the preview printed no JSON digest (${(e as Error).message}): it failed before planning; see its error output above`);
    return 2;
  }
  const verdict = classifyPreview(digest);
  const report = driftReport(stack, verdict);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) fs.appendFileSync(summary, `${report}\n`);
  console.log(report);
  const status = driftExitCode(verdict, code === "0");
  if (status === 1) for (const c of verdict.drift) console.log(`::error title=Drift in ${stack}::${c.op} ${c.type} ${c.name}${c.properties.length ? ` (${c.properties.join(", ")})` : ""}`);
  return status;
}

process.exitCode = main(process.argv.slice(2));
