import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, PROJECT, SECRET_KEYS } from "./config/config";
import { nodeTenantFileSystem, thisStackName, type StackConfig } from "./config/stack-config";
import { deferredProblems, refuse } from "./config/component-inputs";
import { buildPlatform, type Platform } from "./platform";

/**
 * The whole platform's args: the stack config's sections, exactly as `Pulumi.<stack>.yaml` holds them under
 * `vault-eso:` (reference: docs/configuration.md). They decide which resources exist, so they are plain values
 * (Outputs are refused); only the two credentials take Inputs. Checked by the config contract itself.
 */
export interface VaultEsoPlatformArgs {
  /** `dev` or `prod` (`vault-eso:environment`). */
  readonly environment: string;
  /** Where Vault is and how it is trusted (`vault-eso:vault`). */
  readonly vault: { [key: string]: any };
  /** The KV v2 mount ESO reads from (`vault-eso:kv`). Default: the config's defaults. */
  readonly kv?: { [key: string]: any };
  /** Vault's Kubernetes auth method (`vault-eso:kubernetesAuth`). */
  readonly kubernetesAuth: { [key: string]: any };
  /** The External Secrets Operator release and its Vault identity (`vault-eso:eso`). Default: the config's defaults. */
  readonly eso?: { [key: string]: any };
  /** The ClusterSecretStore (`vault-eso:store`). */
  readonly store?: { [key: string]: any };
  /** How tenants are isolated (`vault-eso:tenancy`). Default: the config's defaults. */
  readonly tenancy?: { [key: string]: any };
  /** The tenants (`vault-eso:tenants`). Default: none. */
  readonly tenants?: { [key: string]: any }[];
  /** Files holding more tenants, relative to the program's directory (`vault-eso:tenantFiles`). Default: none. */
  readonly tenantFiles?: string[];
  /** Tenant stacks and the tenants each owns (`vault-eso:shards`). Default: none. */
  readonly shards?: { [key: string]: any };
  /** Token auth with a renewed token instead of Kubernetes auth (`vault-eso:tokenAuth`). Default: off. */
  readonly tokenAuth?: { [key: string]: any };
  /** TLS trust for Vault (`vault-eso:tls`). Default: the config's defaults. */
  readonly tls?: { [key: string]: any };
  /** Monitoring (`vault-eso:observability`). Default: off. */
  readonly observability?: { [key: string]: any };
  /** Vault audit devices (`vault-eso:audit`). Default: the config's defaults. */
  readonly audit?: { [key: string]: any };
  /** ESO egress NetworkPolicies (`vault-eso:networkPolicies`). Default: off. */
  readonly networkPolicies?: { [key: string]: any };
  /** Existing Vault objects to adopt (`vault-eso:adopt`). Default: none. */
  readonly adopt?: { [key: string]: any };
  /** Stakater Reloader (`vault-eso:reloader`). Default: off. */
  readonly reloader?: { [key: string]: any };
  /** Vault token for the Vault provider (a secret; `vault-eso:vaultToken`). Default: `VAULT_TOKEN` of the machine running Pulumi. */
  readonly vaultToken?: pulumi.Input<string>;
  /** Bring-your-own reviewer JWT (a secret; `reviewerServiceAccount` mode; `vault-eso:reviewerJwt`). Default: none. */
  readonly reviewerJwt?: pulumi.Input<string>;
}

const BUILT = new WeakMap<VaultEsoPlatform, Platform>();

/**
 * Vault + External Secrets Operator on Kubernetes as one resource: everything the vault-eso stack program builds
 * for a platform stack (the program is `new VaultEsoPlatform("vault-eso", <its config>)`), from the same config
 * sections, checked by the same contract. Its children were top-level resources of the stack before: each carries
 * an alias to that place, so an existing stack moves under it without a replacement.
 */
export class VaultEsoPlatform extends pulumi.ComponentResource {
  /** The ClusterSecretStore ExternalSecrets reference. */
  public readonly storeName: pulumi.Output<string>;
  /** KV v2 mount path. */
  public readonly kvPath: pulumi.Output<string>;
  /** Kubernetes auth mount path. */
  public readonly kubernetesAuthPath: pulumi.Output<string>;
  /** ESO's Vault role. */
  public readonly esoRole: pulumi.Output<string>;
  /** ESO's Vault read policy. */
  public readonly esoPolicy: pulumi.Output<string>;
  /** ESO's namespace. */
  public readonly esoNamespace: pulumi.Output<string>;
  /** The versioned contract tenant stacks read (docs/sharding.md), as JSON. */
  public readonly tenantContractJson: pulumi.Output<string>;

  /** TypeScript only: the built pieces (components, provider, stack outputs) as `buildPlatform` returns them. */
  public get platform(): Platform {
    return BUILT.get(this)!;
  }

  constructor(name: string, args: VaultEsoPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    refuse("VaultEsoPlatform", name, deferredProblems(args, ["vaultToken", "reviewerJwt"]));
    // The config contract, on the sections as a stack file would hold them (files relative to the program's directory).
    const raw: Record<string, string> = {};
    for (const [k, v] of Object.entries(args)) {
      if (v === undefined || (SECRET_KEYS as readonly string[]).includes(k)) continue;
      raw[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
    for (const k of SECRET_KEYS) if (args[k] !== undefined) raw[`${PROJECT}:${k}`] = "[secret]";
    const stack = thisStackName();
    const { config } = parseStackConfig(raw, { secretKeys: new Set(SECRET_KEYS.map((k) => `${PROJECT}:${k}`)), ...nodeTenantFileSystem(), stack });
    super("vault-eso:index:VaultEsoPlatform", name, {}, opts);
    const secrets = Object.fromEntries(SECRET_KEYS.filter((k) => args[k] !== undefined).map((k) => [k, pulumi.secret(args[k]!)]));
    const platform = buildPlatform({ config, secrets }, stack, { parent: this });
    BUILT.set(this, platform);
    const o = platform.outputs;
    this.storeName = o.storeName;
    this.kvPath = o.kvPath;
    this.kubernetesAuthPath = o.kubernetesAuthPath;
    this.esoRole = o.esoRole;
    this.esoPolicy = o.esoPolicy;
    this.esoNamespace = o.esoNamespace;
    this.tenantContractJson = o.tenantContract.apply((c) => JSON.stringify(c));
    this.registerOutputs({
      storeName: this.storeName,
      kvPath: this.kvPath,
      kubernetesAuthPath: this.kubernetesAuthPath,
      esoRole: this.esoRole,
      esoPolicy: this.esoPolicy,
      esoNamespace: this.esoNamespace,
      tenantContractJson: this.tenantContractJson,
    });
  }
}

/** The `vault-eso:*` keys of a raw Pulumi config map as VaultEsoPlatform's args (the stack program's reader). */
export function platformArgsFromConfig(raw: Readonly<Record<string, string>>, secrets: Partial<Record<(typeof SECRET_KEYS)[number], pulumi.Input<string>>>): VaultEsoPlatformArgs {
  const args: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    if (!fullKey.startsWith(`${PROJECT}:`)) continue;
    const key = fullKey.slice(PROJECT.length + 1);
    if ((SECRET_KEYS as readonly string[]).includes(key)) continue;
    const t = value.trim();
    try {
      args[key] = t.startsWith("{") || t.startsWith("[") ? JSON.parse(t) : value;
    } catch {
      args[key] = value;
    }
  }
  return { ...(args as unknown as VaultEsoPlatformArgs), ...secrets };
}

/** The stack program's platform: this stack's `vault-eso:*` config (already checked by loadStack) as one VaultEsoPlatform. */
export function platformOfStack(loaded: StackConfig): VaultEsoPlatform {
  return new VaultEsoPlatform("vault-eso", platformArgsFromConfig(pulumi.runtime.allConfig(), loaded.secrets));
}
