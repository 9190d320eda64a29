/**
 * Reads the stack configuration from the Pulumi runtime, once, and turns the
 * credentials into Pulumi secrets. The validation itself is `config.ts`.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigSecrets, parseStackConfig, PlatformConfig, SECRET_KEYS, SecretKey } from "./config";

export interface StackConfig {
  readonly config: PlatformConfig;
  /** Each credential present in config, as a Pulumi secret. */
  readonly secrets: Partial<Record<SecretKey, pulumi.Output<string>>>;
}

/** `pulumi.runtime.isConfigSecret` exists at runtime but is marked internal in the typings. */
function secretKeySet(raw: Record<string, string>): Set<string> {
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  if (typeof isSecret !== "function") {
    throw new Error("@pulumi/pulumi no longer exposes runtime.isConfigSecret: cannot verify that credentials are secrets");
  }
  return new Set(Object.keys(raw).filter((k) => isSecret(k)));
}

/** Validates the current stack's `vault-eso:*` config; throws `ConfigError` before anything registers. */
export function loadStackConfig(projectDir: string = process.cwd()): StackConfig {
  const raw = pulumi.runtime.allConfig();
  const { config, secrets } = parseStackConfig(raw, {
    secretKeys: secretKeySet(raw),
    readFile: (p) => fs.readFileSync(path.resolve(projectDir, p), "utf8"),
  });
  return { config, secrets: wrapSecrets(secrets) };
}

function wrapSecrets(secrets: ConfigSecrets): StackConfig["secrets"] {
  const out: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const key of SECRET_KEYS) {
    const v = secrets[key];
    if (v !== undefined) out[key] = pulumi.secret(v);
  }
  return out;
}
