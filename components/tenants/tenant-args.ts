/**
 * TenantNamespace's public args in schema-friendly shapes (docs/package.md): named enums (as-const objects),
 * one interface per object with a mode field plus optional fields instead of unions, mutable arrays. The
 * @pulumi/pulumi provider/experimental analyzer infers the component package's schema from them. Pure: the
 * checks of the flattened shapes and their conversion to the config types the builders take live here.
 *
 * The nested ExternalSecret, push and writers shapes are the stack config's (components/tenants/tenancy-config.ts,
 * push-config.ts, writers-config.ts): the same zod schemas check them here, so a component user gets the
 * config's messages (what is wrong, and "Fix: ...") and its defaults.
 */
import type * as pulumi from "@pulumi/pulumi";
import { zodProblems } from "../config/args-check";
import { externalSecretSchema, type ExternalSecretConfig } from "./tenancy-config";
import { pushSchema, type PushConfig } from "./push-config";
import { writersSchema, type WritersConfig } from "./writers-config";

/** Whose Vault policy the tenant's role carries. */
export const TenantPolicyMode = {
  /** The component writes the tenant's own policy `tenant-<name>` on its subtree. */
  perTenant: "perTenant",
  /** The role uses a shared identity-templated policy `policyName`, created once by the caller. */
  templated: "templated",
} as const;
export type TenantPolicyMode = (typeof TenantPolicyMode)[keyof typeof TenantPolicyMode];

/** Which store the tenant's ExternalSecrets use. */
export const TenantStoreMode = {
  /** A SecretStore in the namespace that logs in to Vault as this tenant. */
  isolated: "isolated",
  /** The ClusterSecretStore `clusterStoreName` (weaker: Vault sees ESO, not the tenant). */
  shared: "shared",
} as const;
export type TenantStoreMode = (typeof TenantStoreMode)[keyof typeof TenantStoreMode];

/** A Pod Security Standards level (`pod-security.kubernetes.io/enforce`). */
export const PodSecurityLevel = {
  /** The hardened level: no privilege escalation, non-root, restricted capabilities and seccomp. */
  restricted: "restricted",
  /** Blocks known privilege escalations (host namespaces, privileged containers) with minimal restriction. */
  baseline: "baseline",
  /** Unrestricted: no Pod Security checks. */
  privileged: "privileged",
} as const;
export type PodSecurityLevel = (typeof PodSecurityLevel)[keyof typeof PodSecurityLevel];

/** ESO's ExternalSecret `refreshPolicy`. */
export const ExternalSecretRefreshPolicy = {
  /** Fetch once when the ExternalSecret is created; never refresh. */
  CreatedOnce: "CreatedOnce",
  /** Refresh every `refreshInterval`. */
  Periodic: "Periodic",
  /** Refresh only when the ExternalSecret's spec or metadata changes. */
  OnChange: "OnChange",
} as const;
export type ExternalSecretRefreshPolicy = (typeof ExternalSecretRefreshPolicy)[keyof typeof ExternalSecretRefreshPolicy];

/** ESO's ExternalSecret `target.deletionPolicy`. */
export const ExternalSecretDeletionPolicy = {
  /** Keep the target Secret when the provider's data is deleted. */
  Retain: "Retain",
  /** Delete the target Secret when all of its provider data is deleted. */
  Delete: "Delete",
  /** Remove the deleted keys from the target Secret and keep the rest. */
  Merge: "Merge",
} as const;
export type ExternalSecretDeletionPolicy = (typeof ExternalSecretDeletionPolicy)[keyof typeof ExternalSecretDeletionPolicy];

/** ESO's PushSecret `updatePolicy`. */
export const PushUpdatePolicy = {
  /** Overwrite the value in Vault on every push. */
  Replace: "Replace",
  /** Write only when the key does not exist in Vault yet. */
  IfNotExists: "IfNotExists",
} as const;
export type PushUpdatePolicy = (typeof PushUpdatePolicy)[keyof typeof PushUpdatePolicy];

/** ESO's PushSecret `deletionPolicy`. */
export const PushDeletionPolicy = {
  /** Delete the pushed value from Vault when the PushSecret is deleted. */
  Delete: "Delete",
  /** Leave the pushed value in Vault when the PushSecret is deleted. */
  None: "None",
} as const;
export type PushDeletionPolicy = (typeof PushDeletionPolicy)[keyof typeof PushDeletionPolicy];

/** The tenant role's policy. With `mode: "templated"`: `policyName`; with `perTenant`: nothing else. */
export interface TenantPolicyOptions {
  /** `perTenant` or `templated`. */
  readonly mode: TenantPolicyMode;
  /** `templated`: the shared policy's name (e.g. `vault-eso-tenants`). Required there, refused with `perTenant`. */
  readonly policyName?: pulumi.Input<string>;
}

/** The tenant's store. With `mode: "isolated"`: optional `name`; with `shared`: `clusterStoreName`. */
export interface TenantStore {
  /** `isolated` or `shared`. */
  readonly mode: TenantStoreMode;
  /** `isolated`: the SecretStore's name. Default `vault`. Refused with `shared`. */
  readonly name?: string;
  /** `shared`: the ClusterSecretStore's name. Required there, refused with `isolated`. */
  readonly clusterStoreName?: pulumi.Input<string>;
}

/** Who is bound to the developer ClusterRole in the tenant's namespace. */
export interface TenantDevelopers {
  /** User names. Default: none. */
  readonly users?: string[];
  /** Group names. Default: none. */
  readonly groups?: string[];
}

/** Vault's CA as a ConfigMap in the tenant's namespace. */
export interface TenantCaConfigMap {
  /** The ConfigMap's name. */
  readonly name: string;
  /** The key holding the PEM. */
  readonly key: string;
  /** The PEM CA bundle. */
  readonly pem: pulumi.Input<string>;
}

/** Where one value comes from. */
export interface ExternalSecretRemoteRef {
  /** The Vault secret, relative to the tenant's subtree (no `..`, `*`, `+`, leading `/`). */
  readonly key: string;
  /** One field of that secret. Default: the whole secret as JSON. */
  readonly property?: string;
  /** A KV v2 version number. Default: the latest. */
  readonly version?: string;
}

/** One key of the Secret. */
export interface ExternalSecretData {
  /** Key in the Kubernetes Secret. */
  readonly secretKey: string;
  /** Where the value comes from. */
  readonly remoteRef: ExternalSecretRemoteRef;
}

/** Every field of one Vault secret becomes a key of the Secret. */
export interface ExternalSecretExtract {
  /** The Vault secret, relative to the tenant's subtree. */
  readonly key: string;
  /** A field holding a JSON map to extract instead of the whole secret. Default: the whole secret. */
  readonly property?: string;
}

/** Select secrets by name. */
export interface ExternalSecretFindName {
  /** Regular expression on the secret's name. */
  readonly regexp: string;
}

/** Every Vault secret found under the subtree (by name and/or tags) becomes keys of the Secret. */
export interface ExternalSecretFind {
  /** Folder to search, relative to the tenant's subtree. Default: the whole subtree. */
  readonly path?: string;
  /** Select secrets by name. Default: no name filter. */
  readonly name?: ExternalSecretFindName;
  /** Select secrets by custom metadata. Default: no tag filter. */
  readonly tags?: Record<string, string>;
}

/** One `dataFrom` entry: exactly one of `extract` or `find`. */
export interface ExternalSecretDataFrom {
  /** One whole Vault secret. Default: none (then `find`). */
  readonly extract?: ExternalSecretExtract;
  /** Secrets found under the subtree. Default: none (then `extract`). */
  readonly find?: ExternalSecretFind;
}

/** Labels and annotations of the Secret. */
export interface ExternalSecretTemplateMetadata {
  /** Labels of the Secret. Default: none. */
  readonly labels?: Record<string, string>;
  /** Annotations of the Secret. Default: none. */
  readonly annotations?: Record<string, string>;
}

/** ESO's target template. */
export interface ExternalSecretTemplate {
  /** The Secret's type, e.g. `kubernetes.io/dockerconfigjson`. Default: `Opaque`. */
  readonly type?: string;
  /** Secret keys rendered from templates over the fetched values (plain text in the ExternalSecret: no secrets). Default: none. */
  readonly data?: Record<string, string>;
  /** Labels and annotations of the Secret. Default: none. */
  readonly metadata?: ExternalSecretTemplateMetadata;
}

/** One ExternalSecret of the tenant; every Vault key is relative to the tenant's subtree. */
export interface ExternalSecretOptions {
  /** The ExternalSecret's name, unique in the tenant. */
  readonly name: string;
  /** Name of the Kubernetes Secret ESO writes. Default: `name`. */
  readonly targetName?: string;
  /** How often ESO re-reads Vault (Go duration; `0`: never). Default `1h`. */
  readonly refreshInterval?: string;
  /** ESO's refresh policy. Default: ESO's (`Periodic`). */
  readonly refreshPolicy?: ExternalSecretRefreshPolicy;
  /** What ESO does to the Secret when the Vault secret is gone. Default: ESO's (`Retain`). */
  readonly deletionPolicy?: ExternalSecretDeletionPolicy;
  /** One Secret key per entry. `data` or `dataFrom` (or both) must list something. Default: none. */
  readonly data?: ExternalSecretData[];
  /** Whole Vault secrets; each entry has exactly one of `extract` or `find`. Default: none. */
  readonly dataFrom?: ExternalSecretDataFrom[];
  /** ESO's target template. Default: none. */
  readonly template?: ExternalSecretTemplate;
}

/** One key pushed to Vault. */
export interface PushSecretDataOptions {
  /** Key of the source Secret. */
  readonly secretKey: string;
  /** Vault path, relative to the tenant's subtree. */
  readonly remoteKey: string;
  /** Property inside the Vault secret. Default: the Secret key's name. */
  readonly property?: string;
}

/** One PushSecret of the tenant. */
export interface PushSecretOptions {
  /** The PushSecret's name, unique in the tenant. */
  readonly name: string;
  /** The Kubernetes Secret (in the tenant's namespace) whose keys are pushed. */
  readonly secretName: string;
  /** How often ESO pushes again (Go duration). Default `1h`. */
  readonly refreshInterval?: string;
  /** `Replace`: overwrite what is in Vault; `IfNotExists`: write once. Default `Replace`. */
  readonly updatePolicy?: PushUpdatePolicy;
  /** `Delete`: remove the Vault secret when the PushSecret goes (needs `allowDelete`); `None`: leave it. Default `None`. */
  readonly deletionPolicy?: PushDeletionPolicy;
  /** What to push, one entry per key (at least one). */
  readonly data: PushSecretDataOptions[];
}

/** PushSecret for the tenant: an extra policy `tenant-<name>-push` on its own subtree. */
export interface TenantPushOptions {
  /** Also grant `delete` on the subtree (needed by `deletionPolicy: Delete`). Default false. */
  readonly allowDelete?: boolean;
  /** The tenant's PushSecrets. Default: none. */
  readonly secrets?: PushSecretOptions[];
}

/** The SSO group mapped onto the writers' identity group. */
export interface TenantWritersAlias {
  /** The accessor of the auth mount people log in through, e.g. `auth_oidc_1a2b3c4d`. */
  readonly mountAccessor: string;
  /** The group's name as the auth method reports it (OIDC `groups_claim` value, LDAP group CN, ...). */
  readonly name: string;
}

/** People who write the tenant's secrets (`vault kv put`). */
export interface TenantWritersOptions {
  /** The Vault identity group (type external) that carries the writer policy. Default `tenant-<name>-writers`. */
  readonly group?: string;
  /** The SSO group mapped onto it. */
  readonly alias: TenantWritersAlias;
  /** Also grant soft delete / undelete on the subtree. Default false. */
  readonly allowDelete?: boolean;
}

/** A dataFrom entry with both or neither of extract and find matches no member of the config's union. */
const DATA_FROM_HINT = 'needs exactly one of "extract" or "find". Fix: split it into one entry each';

/** The flattened shapes, checked: modes, fields of the other mode, and the nested config shapes. */
export interface CheckedTenantArgs {
  readonly problems: string[];
  readonly externalSecrets: ExternalSecretConfig[];
  readonly push?: PushConfig;
  readonly writers?: WritersConfig;
}

/**
 * What is wrong with TenantNamespace's flattened args, each naming the field, the value and the fix, and the
 * nested shapes with the config's defaults applied.
 */
export function checkTenantArgs(a: {
  readonly policy: TenantPolicyOptions;
  readonly store: TenantStore;
  readonly podSecurity?: string;
  readonly externalSecrets?: readonly ExternalSecretOptions[];
  readonly push?: TenantPushOptions;
  readonly writers?: TenantWritersOptions;
}): CheckedTenantArgs {
  const problems: string[] = [];
  const modes = (field: string, v: string) => `${field}: "${v}" is not one of`;
  if (a.policy?.mode === "perTenant") {
    if (a.policy.policyName !== undefined) problems.push(`policy.policyName: only used with policy.mode "templated". Fix: drop it, or set policy.mode "templated"`);
  } else if (a.policy?.mode === "templated") {
    if (a.policy.policyName === undefined) problems.push(`policy.policyName: required with policy.mode "templated". Fix: the shared templated policy's name, e.g. "vault-eso-tenants"`);
  } else problems.push(`${modes("policy.mode", String(a.policy?.mode))} "perTenant", "templated". Fix: use one of them`);
  if (a.store?.mode === "isolated") {
    if (a.store.clusterStoreName !== undefined) problems.push(`store.clusterStoreName: only used with store.mode "shared". Fix: drop it, or set store.mode "shared"`);
  } else if (a.store?.mode === "shared") {
    if (a.store.clusterStoreName === undefined) problems.push(`store.clusterStoreName: required with store.mode "shared". Fix: the ClusterSecretStore's name, e.g. "vault-backend"`);
    if (a.store.name !== undefined) problems.push(`store.name: only used with store.mode "isolated". Fix: drop it, or set store.mode "isolated"`);
  } else problems.push(`${modes("store.mode", String(a.store?.mode))} "isolated", "shared". Fix: use one of them`);
  if (a.podSecurity !== undefined && !Object.values(PodSecurityLevel).includes(a.podSecurity as PodSecurityLevel)) {
    problems.push(`${modes("podSecurity", a.podSecurity)} "restricted", "baseline", "privileged". Fix: use one of them (default "restricted")`);
  }
  const externalSecrets: ExternalSecretConfig[] = [];
  (a.externalSecrets ?? []).forEach((es, i) => {
    const r = zodProblems(`externalSecrets[${i}]`, externalSecretSchema, es, DATA_FROM_HINT);
    problems.push(...r.problems);
    if (r.data) externalSecrets.push(r.data as ExternalSecretConfig);
  });
  let push: PushConfig | undefined;
  if (a.push !== undefined) {
    const r = zodProblems("push", pushSchema, a.push);
    problems.push(...r.problems);
    push = r.data as PushConfig | undefined;
  }
  let writers: WritersConfig | undefined;
  if (a.writers !== undefined) {
    const r = zodProblems("writers", writersSchema, a.writers);
    problems.push(...r.problems);
    writers = r.data as WritersConfig | undefined;
  }
  return { problems, externalSecrets, push, writers };
}
/** @deprecated Renamed to `TenantPolicyOptions` (a name ending in `Args` doubles in generated SDKs). */
export type TenantPolicyArgs = TenantPolicyOptions;
/** @deprecated Renamed to `ExternalSecretOptions` (a name ending in `Args` doubles in generated SDKs). */
export type ExternalSecretArgs = ExternalSecretOptions;
/** @deprecated Renamed to `TenantPushOptions` (a name ending in `Args` doubles in generated SDKs). */
export type TenantPushArgs = TenantPushOptions;
/** @deprecated Renamed to `PushSecretOptions` (a name ending in `Args` doubles in generated SDKs). */
export type PushSecretArgs = PushSecretOptions;
/** @deprecated Renamed to `PushSecretDataOptions` (a name ending in `Args` doubles in generated SDKs). */
export type PushSecretDataArgs = PushSecretDataOptions;
/** @deprecated Renamed to `TenantWritersOptions` (a name ending in `Args` doubles in generated SDKs). */
export type TenantWritersArgs = TenantWritersOptions;
