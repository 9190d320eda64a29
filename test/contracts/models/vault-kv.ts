/**
 * Vault's KV v2 mount settings and data writes, and ESO's PushSecret write, as read from source:
 * - hashicorp/vault-plugin-secrets-kv `path_config.go` pathConfigWrite: `max_versions` -> uint32,
 *   `cas_required` bool, `delete_version_after` signed seconds (<0 disable, 0 clear, >0 set);
 * - `path_data.go` pathDataWrite: with `cas_required` (mount config, or the key's metadata) a write without
 *   `options.cas` is refused ("check-and-set parameter required for this call");
 * - terraform-provider-vault `vault/resource_kv_secret_backend_v2.go` kvSecretBackendV2CreateUpdate: writes
 *   all three fields, unset ones as their zero value;
 * - external-secrets `providers/v1/vault` client_push.go (PushSecret / writeKV2Data): `options.cas` (from
 *   getCASVersion: 0 for a new key, else the current version) only when the store's `checkAndSet.required`.
 */
export interface KvConfig {
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfter: "unset" | "disabled" | number;
}

export const defaultKvConfig = (): KvConfig => ({ maxVersions: 0, casRequired: false, deleteVersionAfter: "unset" });

/** What the provider sends for the resource's inputs. */
export function providerConfigWrite(inputs: Record<string, any>): { max_versions: number; cas_required: boolean; delete_version_after: number } {
  return { max_versions: inputs.maxVersions ?? 0, cas_required: inputs.casRequired ?? false, delete_version_after: inputs.deleteVersionAfter ?? 0 };
}

export function configWrite(c: KvConfig, body: { max_versions?: number; cas_required?: boolean; delete_version_after?: number }): KvConfig {
  const out = { ...c };
  if (body.max_versions !== undefined) out.maxVersions = body.max_versions >>> 0; // uint32(int)
  if (body.cas_required !== undefined) out.casRequired = body.cas_required;
  const d = body.delete_version_after;
  if (d !== undefined) out.deleteVersionAfter = d < 0 ? "disabled" : d === 0 ? "unset" : d;
  return out;
}

/** Versions kept: 0 means the default of 10. */
export const versionsKept = (c: KvConfig) => (c.maxVersions === 0 ? 10 : c.maxVersions);

export function dataWrite(c: KvConfig, body: { data: unknown; options?: { cas?: number } }): { ok: true } | { error: string } {
  if (c.casRequired && body.options?.cas === undefined) return { error: "check-and-set parameter required for this call" };
  return { ok: true };
}

/** ESO's KV v2 PushSecret write body for a store's `spec.provider.vault`. */
export function esoPushWrite(storeVault: { checkAndSet?: { required?: boolean } }, currentVersion: number): { data: unknown; options?: { cas: number } } {
  const body: { data: unknown; options?: { cas: number } } = { data: { key: "value" } };
  if (storeVault.checkAndSet?.required) body.options = { cas: currentVersion };
  return body;
}
