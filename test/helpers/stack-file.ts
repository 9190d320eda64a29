/**
 * Reads `Pulumi.<stack>.yaml` into the flat config map Pulumi hands the
 * program (`"vault-eso:kv" -> JSON string`), replacing `secure:` values with
 * test placeholders and reporting them as secret keys.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface StackFileConfig {
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

export function readStackFile(stackOrPath: string, projectDir = process.cwd()): StackFileConfig {
  const file = stackOrPath.endsWith(".yaml") ? path.resolve(projectDir, stackOrPath) : path.join(projectDir, `Pulumi.${stackOrPath}.yaml`);
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
