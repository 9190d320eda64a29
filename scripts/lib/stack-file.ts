/**
 * Reads `Pulumi.<stack>.yaml` into the flat config map Pulumi hands the
 * program (`"vault-eso:kv" -> JSON string`), replacing `secure:` values with
 * placeholders and reporting them as secret keys: the ciphertext in a stack
 * file is never decrypted, read into the program or written anywhere.
 * Used by the tests and by `npm run render`.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface StackFileConfig {
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/** `dev` -> `<projectDir>/Pulumi.dev.yaml`; a path ending in .yaml/.yml is taken as is. */
export function stackFilePath(stackOrPath: string, projectDir = process.cwd()): string {
  return /\.ya?ml$/.test(stackOrPath) ? path.resolve(projectDir, stackOrPath) : path.join(projectDir, `Pulumi.${stackOrPath}.yaml`);
}

/** The stack's name: `dev` for `dev` and for `.../Pulumi.dev.yaml`; else the file's base name. */
export function stackName(stackOrPath: string): string {
  if (!/\.ya?ml$/.test(stackOrPath)) return stackOrPath;
  const base = path.basename(stackOrPath).replace(/\.ya?ml$/, "");
  return base.startsWith("Pulumi.") ? base.slice("Pulumi.".length) : base;
}

export function readStackFile(stackOrPath: string, projectDir = process.cwd()): StackFileConfig {
  const file = stackFilePath(stackOrPath, projectDir);
  const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  return flattenConfig(doc.config ?? {});
}

/** Turns a stack file's `config:` map into Pulumi's runtime form. */
export function flattenConfig(cfg: Record<string, unknown>): StackFileConfig {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(cfg)) {
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      config[key] = `test-secret-for-${key}`;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { config, secretKeys };
}
