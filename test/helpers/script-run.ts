/** Runs one of the users' commands (scripts/<name>.ts) in a fresh Node process, as `npm run` does. */
import { execFile } from "child_process";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function runScript(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", script, ...args],
      { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
