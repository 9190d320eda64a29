/**
 * What `pulumi preview` / `pulumi up` show for an error the program throws: a model of
 * pulumi/pulumi sdk/nodejs/cmd/run/run.ts `run` -> `uncaughtHandler` (as shipped in
 * @pulumi/pulumi 3.270.0, node_modules/@pulumi/pulumi/cmd/run/run.js) and cmd/run/error.ts
 * `defaultErrorMessage`:
 * - a RunError (brand field `__pulumiRunError === true`, utils.isInstance) -> `log.error(err.message)`;
 * - a TSError or SyntaxError -> "Running program '<p>' failed with an unhandled exception:" + the
 *   stack text up to the message;
 * - a ResourceError (`__pulumResourceError`) -> its message if `hideStack`, else as below;
 * - anything else -> "Running program '<p>' failed with an unhandled exception:" +
 *   `util.inspect(err)`: the stack trace and every own field of the error.
 * The message goes to the engine's Log (severity ERROR), which the CLI prints; the process then
 * exits 32 (cmd/run/index.ts: an error already shown to the user).
 */
import * as util from "util";

const branded = (err: unknown, field: string) => !!err && typeof err === "object" && (err as Record<string, unknown>)[field] === true;

export function shownByCmdRun(err: unknown, program = "index.ts"): string {
  const e = err as Error & { hideStack?: boolean };
  if (branded(err, "__pulumiRunError")) return e.message;
  const header = `Running program '${program}' failed with an unhandled exception:\n`;
  if (e && (e.name === "TSError" || e.name === SyntaxError.name)) {
    const parts = (e.stack ?? "").split(e.message);
    return header + (parts.length === 2 ? parts[0] + e.message : e.message);
  }
  if (branded(err, "__pulumResourceError") && e.hideStack) return e.message;
  return header + (e?.stack ? util.inspect(err) : e?.message ?? String(err));
}
