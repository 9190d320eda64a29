/**
 * Typed builders for the Vault ACL policies this project writes. Pure: each
 * returns the policy model; `hcl.ts` renders it and `acl.ts` evaluates it.
 */
import type { PathRule, VaultPolicy } from "./model";
import { kvDataPath, kvMetadataPath } from "./paths";

/**
 * Read-only access to one subtree of a KV v2 mount, as ESO needs it:
 * `read` on `data/<subtree>/*` (the values) and `read`+`list` on
 * `metadata/<subtree>/*` (ESO's `find`/`dataFrom` list there, and reading a
 * secret's metadata needs it). Nothing outside the subtree, nothing on the
 * version-management paths (`delete/`, `destroy/`...).
 */
export function kvReadRules(mount: string, subtree: string): PathRule[] {
  return [
    { path: `${kvDataPath(mount, subtree)}/*`, capabilities: ["read"] },
    { path: `${kvMetadataPath(mount, subtree)}/*`, capabilities: ["read", "list"] },
  ];
}

/** The policy of the cluster-wide ESO identity: read-only on `<mount>/<scope>` (and on `extra` subtrees: tenants in shared mode). */
export function esoReadPolicy(name: string, mount: string, scope: string, extra: readonly string[] = []): VaultPolicy {
  return { name, rules: [scope, ...extra].flatMap((subtree) => kvReadRules(mount, subtree)) };
}

/** A tenant's policy: read-only on its own subtree of the KV mount, nothing else. */
export function tenantReadPolicy(name: string, mount: string, subtree: string): VaultPolicy {
  return { name, rules: kvReadRules(mount, subtree) };
}

/**
 * The Vault identity template that resolves to the Kubernetes namespace of
 * the service account that logged in through the auth mount `accessor`.
 * Kubernetes auth puts `service_account_namespace` into the entity alias
 * metadata whatever the role's `alias_name_source`.
 */
export function namespaceIdentityTemplate(accessor: string): string {
  return `{{identity.entity.aliases.${accessor}.metadata.service_account_namespace}}`;
}

/**
 * One policy for every tenant: `subtreeFor(tenant)` is called with the
 * identity template in place of the tenant name, so each login reads only
 * the subtree named after its own namespace. Vault holds O(1) policies.
 */
export function templatedTenantPolicy(name: string, mount: string, accessor: string, subtreeFor: (tenant: string) => string): VaultPolicy {
  return { name, rules: kvReadRules(mount, subtreeFor(namespaceIdentityTemplate(accessor))) };
}

/**
 * Write access for PushSecret to one subtree: ESO writes the value to
 * `data/<p>` and its `managed-by: external-secrets` custom metadata to
 * `metadata/<p>`, reads both to check ownership, and with
 * `deletionPolicy: Delete` deletes both. Nothing outside the subtree.
 */
export function kvPushRules(mount: string, subtree: string, allowDelete: boolean): PathRule[] {
  const del = allowDelete ? (["delete"] as const) : [];
  return [
    { path: `${kvDataPath(mount, subtree)}/*`, capabilities: ["create", "read", "update", ...del] },
    { path: `${kvMetadataPath(mount, subtree)}/*`, capabilities: ["create", "read", "update", "list", ...del] },
  ];
}

/** A push tenant's extra policy (attached next to its read policy, in both policy modes). */
export function tenantPushPolicy(name: string, mount: string, subtree: string, allowDelete: boolean): VaultPolicy {
  return { name, rules: kvPushRules(mount, subtree, allowDelete) };
}

/** Prometheus reading Vault's telemetry: `sys/metrics` only. */
export function metricsReadPolicy(name: string): VaultPolicy {
  return { name, rules: [{ path: "sys/metrics", capabilities: ["read", "list"] }] };
}

/**
 * What a person needs to manage one subtree with the `vault kv` CLI (KV v2;
 * hashicorp/vault command/kv_put.go, kv_get.go, kv_list.go, kv_delete.go,
 * kv_undelete.go and vault-plugin-secrets-kv path_data.go / path_metadata.go /
 * path_delete.go):
 * - `kv put`: `create` (new key) or `update` (new version) on `data/<p>`
 *   (path_data.go has an ExistenceCheck, so the first write is `create`);
 * - `kv get`: `read` on `data/<p>`; `kv metadata get`: `read` on `metadata/<p>`;
 * - `kv list`: `list` on `metadata/<p>/`;
 * - with `allowDelete`: `kv delete` (`delete` on `data/<p>`: soft-deletes the
 *   latest version), `kv delete -versions` (`update` on `delete/<p>`) and
 *   `kv undelete` (`update` on `undelete/<p>`).
 * Never `destroy/` or `delete` on `metadata/` (permanent loss), nor `patch`
 * (`kv patch -method=rw` works with read+update). The CLI's preflight read of
 * `sys/internal/ui/mounts/<path>` is in Vault's `default` policy.
 */
export function kvWriterRules(mount: string, subtree: string, allowDelete: boolean): PathRule[] {
  const rules: PathRule[] = [
    { path: `${kvDataPath(mount, subtree)}/*`, capabilities: ["create", "read", "update", ...(allowDelete ? (["delete"] as const) : [])] },
    { path: `${kvMetadataPath(mount, subtree)}/*`, capabilities: ["read", "list"] },
  ];
  if (allowDelete) {
    rules.push({ path: `${mount}/delete/${subtree}/*`, capabilities: ["update"] }, { path: `${mount}/undelete/${subtree}/*`, capabilities: ["update"] });
  }
  return rules;
}

/** A tenant's writer policy (attached to its writers' identity group): its own subtree only. */
export function tenantWriterPolicy(name: string, mount: string, subtree: string, allowDelete: boolean): VaultPolicy {
  return { name, rules: kvWriterRules(mount, subtree, allowDelete) };
}
