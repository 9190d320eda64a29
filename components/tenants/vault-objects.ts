/**
 * The Vault objects one tenant writes, named once: `TenantNamespace` takes its
 * policy, role and group names from here, and the cross-stack ownership checks
 * (shard-config.ts) compare the same objects, keyed as Vault stores them
 * (policies/vault/names.ts). Pure.
 */
import { VaultObject, vaultObjectKey } from "../../policies/vault/names";
import { tenantPushPolicyName } from "./push-config";
import { tenantVaultName } from "./tenant";
import { tenantWriterGroupName, tenantWriterPolicyName } from "./writers-config";

export interface TenantVaultObjectsInput {
  readonly name: string;
  /** `perTenant`: the tenant writes its own read policy; `templated`: it attaches the platform's. */
  readonly policyMode: "perTenant" | "templated";
  /** Kubernetes auth mount path of the tenant's role. */
  readonly authPath: string;
  readonly push: boolean;
  readonly writers?: { readonly group?: string; readonly alias: { readonly mountAccessor: string; readonly name: string } };
}

export interface TenantVaultObjects {
  /** The tenant's own read policy (perTenant) and its role (same name, `tenant-<name>`). */
  readonly policy: string;
  readonly role: string;
  readonly pushPolicy?: string;
  readonly writerPolicy?: string;
  readonly writerGroup?: string;
  /** Every object the tenant writes. */
  readonly objects: readonly VaultObject[];
}

export function tenantVaultObjects(t: TenantVaultObjectsInput): TenantVaultObjects {
  const base = tenantVaultName(t.name);
  const pushPolicy = t.push ? tenantPushPolicyName(t.name) : undefined;
  const writerPolicy = t.writers ? tenantWriterPolicyName(t.name) : undefined;
  const writerGroup = t.writers ? tenantWriterGroupName(t.name, t.writers) : undefined;
  const objects: VaultObject[] = [
    ...(t.policyMode === "perTenant" ? [{ kind: "policy" as const, name: base }] : []),
    { kind: "kubernetesRole", name: base, scope: t.authPath },
    ...(pushPolicy ? [{ kind: "policy" as const, name: pushPolicy }] : []),
    ...(writerPolicy ? [{ kind: "policy" as const, name: writerPolicy }] : []),
    ...(writerGroup ? [{ kind: "group" as const, name: writerGroup }] : []),
    ...(t.writers ? [{ kind: "groupAlias" as const, name: t.writers.alias.name, scope: t.writers.alias.mountAccessor }] : []),
  ];
  return { policy: base, role: base, pushPolicy, writerPolicy, writerGroup, objects };
}

/** Keys (as Vault stores the names) of the objects a tenant writes. */
export function tenantVaultObjectKeys(t: TenantVaultObjectsInput): string[] {
  return tenantVaultObjects(t).objects.map(vaultObjectKey);
}

/**
 * What a tenant assigned to a tenant stack may write: every feature a tenant stack may turn on
 * (push; writers are refused there, shard-config.ts), so the platform can publish it before the
 * tenant stack exists.
 */
export function shardTenantVaultObjectKeys(name: string, policyMode: "perTenant" | "templated", authPath: string): string[] {
  return tenantVaultObjectKeys({ name, policyMode, authPath, push: true });
}

/** Which config field of tenant `name` makes it write the object `key`: its push policy, its writers, or its name. */
export function objectField(name: string, key: string): "push" | "writers" | "name" {
  if (key === vaultObjectKey({ kind: "policy", name: tenantPushPolicyName(name) })) return "push";
  if (key === vaultObjectKey({ kind: "policy", name: tenantWriterPolicyName(name) })) return "writers";
  return "name";
}

/**
 * Two different tenants of one stack writing one Vault object (a push policy `tenant-a-push` and tenant
 * `a-push`'s own policy, a writer policy and a tenant named `<x>-writer`, ...): one entry per later tenant.
 * Identity groups and aliases are left to writers-config.ts `checkWriters` (its own fields and messages).
 */
export function vaultObjectClashes(tenants: ReadonlyArray<{ readonly name: string; readonly keys: readonly string[] }>): Array<{ index: number; other: string; key: string }> {
  const first = new Map<string, string>();
  const out: Array<{ index: number; other: string; key: string }> = [];
  tenants.forEach((t, index) => {
    for (const key of t.keys) {
      if (key.startsWith("group:") || key.startsWith("groupAlias:")) continue;
      const other = first.get(key);
      if (other === undefined) first.set(key, t.name);
      else if (other !== t.name) out.push({ index, other, key });
    }
  });
  return out;
}
