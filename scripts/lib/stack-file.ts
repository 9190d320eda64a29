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

/** The stack names with a `Pulumi.<stack>.yaml` in `projectDir`, sorted. */
export function listStacks(projectDir = process.cwd()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(projectDir);
  } catch {
    return [];
  }
  return names
    .map((n) => /^Pulumi\.(.+)\.ya?ml$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .sort();
}

/** `stackFilePath`, or an error naming the stack files that exist when there is no such file. */
export function existingStackFile(stackOrPath: string, projectDir = process.cwd()): string {
  const file = stackFilePath(stackOrPath, projectDir);
  if (fs.existsSync(file)) return file;
  const stacks = listStacks(projectDir);
  const known = stacks.length > 0 ? `the stack files here are ${stacks.map((s) => `Pulumi.${s}.yaml`).join(", ")}: use ${stacks.join(", ")}` : `there is no Pulumi.<stack>.yaml in ${projectDir}`;
  throw new Error(`no stack file ${path.relative(projectDir, file) || file} for "${stackOrPath}": ${known}, or give a path to a Pulumi.<stack>.yaml`);
}

export function readStackFile(stackOrPath: string, projectDir = process.cwd()): StackFileConfig {
  const file = existingStackFile(stackOrPath, projectDir);
  const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  return flattenConfig(doc.config ?? {});
}

/**
 * Turns a stack file's `config:` map into Pulumi's runtime form. As the engine
 * does (pulumi/pulumi sdk/go/common/resource/config value.go `hasSecureValue`,
 * map.go `SecureKeys`), a key is secret as a whole when any leaf inside it is
 * `secure:`; each such leaf becomes the placeholder instead of its plaintext.
 */
export function flattenConfig(cfg: Record<string, unknown>): StackFileConfig {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(cfg)) {
    const placeholder = `test-secret-for-${key}`;
    let secure = false;
    const strip = (v: unknown): unknown => {
      if (isSecureLeaf(v)) {
        secure = true;
        return placeholder;
      }
      if (Array.isArray(v)) return v.map(strip);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]));
      return v;
    };
    const plain = strip(value);
    config[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secure) secretKeys.push(key);
  }
  return { config, secretKeys };
}

/** `{secure: "<ciphertext>"}` and nothing else, as a stack file writes an encrypted value. */
function isSecureLeaf(v: unknown): boolean {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === "string";
}

/** The organization of a stack (`npm run render --org`): a tenant stack is in its platform's; a platform in its first `vault-eso:shards` entry's; else undefined (the mock default). */
export function defaultOrg(platformRef: string | undefined, shards: string | undefined): string | undefined {
  if (platformRef) return platformRef.split("/")[0];
  if (shards) {
    try {
      const first = Object.keys(JSON.parse(shards) as Record<string, unknown>)[0];
      if (first?.includes("/")) return first.split("/")[0];
    } catch {
      // reported by the program's config check
    }
  }
  return undefined;
}
