/**
 * Reads the stack configuration from the Pulumi runtime, once, and turns the
 * credentials into Pulumi secrets. The validation itself is `config.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigSecrets, isTenantStack, parseStackConfig, parseTenantStackConfig, PlatformConfig, SECRET_KEYS, SecretKey, TenantStackConfig } from "./config";
import { nodeTenantFileSystem } from "./project-files";

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

/** A tenant stack's validated own config (docs/sharding.md). */
export interface TenantStackConfigLoaded {
  readonly config: TenantStackConfig;
  readonly secrets: Partial<Record<SecretKey, pulumi.Output<string>>>;
  /** This stack, `<org>/<project>/<stack>`. */
  readonly stack: string;
}

export type LoadedStack = ({ readonly kind: "platform"; readonly stack: string } & StackConfig) | ({ readonly kind: "tenant" } & TenantStackConfigLoaded);

/** This stack's fully qualified name; self-managed backends have the organization "organization". */
export function thisStackName(): string {
  let org = "organization";
  try {
    org = pulumi.getOrganization() || org;
  } catch {
    // an older engine without organizations
  }
  return `${org}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

/** The files config names, read from the project directory and confined to it (project-files.ts). */
export { nodeTenantFileSystem } from "./project-files";

function parseOptions(raw: Record<string, string>, projectDir: string) {
  return { secretKeys: secretKeySet(raw), ...nodeTenantFileSystem(projectDir), stack: thisStackName() };
}

/** Validates the current stack's `vault-eso:*` config; throws `ConfigError` before anything registers. */
export function loadStackConfig(projectDir: string = process.cwd()): StackConfig {
  const raw = pulumi.runtime.allConfig();
  const { config, secrets } = parseStackConfig(raw, parseOptions(raw, projectDir));
  return { config, secrets: wrapSecrets(secrets) };
}

/** A platform stack, or a tenant stack (it names `vault-eso:platform`); throws `ConfigError`. */
export function loadStack(projectDir: string = process.cwd()): LoadedStack {
  const raw = pulumi.runtime.allConfig();
  if (!isTenantStack(raw)) return { kind: "platform", stack: thisStackName(), ...loadStackConfig(projectDir) };
  const { config, secrets } = parseTenantStackConfig(raw, parseOptions(raw, projectDir));
  return { kind: "tenant", config, secrets: wrapSecrets(secrets), stack: thisStackName() };
}

function wrapSecrets(secrets: ConfigSecrets): StackConfig["secrets"] {
  const out: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const key of SECRET_KEYS) {
    const v = secrets[key];
    if (v !== undefined) out[key] = pulumi.secret(v);
  }
  return out;
}
