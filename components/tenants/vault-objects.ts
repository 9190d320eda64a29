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
