/**
 * The KV v2 mount's own settings (`<mount>/config`), from `vault-eso:kv.maxVersions`, `kv.casRequired`,
 * `kv.deleteVersionAfter`. Pure. What Vault accepts (hashicorp/vault-plugin-secrets-kv `path_config.go`
 * pathConfigWrite): `max_versions` an int stored as uint32 (0 = the default, 10; a negative wraps around),
 * `cas_required` a bool, `delete_version_after` signed seconds (negative: disables it on every key,
 * zero: clears the setting, positive: versions older than that are deleted). The Pulumi resource
 * (`vault.kv.SecretBackendV2`, terraform-provider-vault `vault/resource_kv_secret_backend_v2.go`) writes
 * all three on every create/update (an unset one as 0 / false, i.e. Vault's default), takes
 * `delete_version_after` in whole seconds, and its Delete sends nothing: the mount keeps its settings.
 */
import { parseDuration } from "../config/duration";

/** The KV v2 mount's settings (`<mount>/config`, vault-plugin-secrets-kv path_config.go). */
export interface KvMountOptions {
  /** Versions kept per key (`max_versions`, at least 1). Default: Vault's (10). */
  readonly maxVersions?: number;
  /** Every write must carry check-and-set (`cas_required`). Default: false. */
  readonly casRequired?: boolean;
  /** Seconds after which a version is deleted (`delete_version_after`); 0 keeps versions forever. Default: 0. */
  readonly deleteVersionAfterSeconds?: number;
}

/** Largest value Vault stores without wrapping (`uint32`). */
export const MAX_VERSIONS_LIMIT = 4294967295;

export function kvOptionProblems(kv: { maxVersions?: unknown; deleteVersionAfter?: unknown }): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  const m = kv.maxVersions;
  if (m !== undefined) {
    if (typeof m !== "number" || !Number.isInteger(m)) {
      out.push({ field: "maxVersions", message: "must be a whole number of versions to keep per key. Fix: e.g. kv.maxVersions: 20" });
    } else if (m === 0) {
      out.push({ field: "maxVersions", message: "0 does not mean unlimited: Vault reads it as its default (10). Fix: remove it for the default, or give the number of versions to keep (e.g. 20)" });
    } else if (m < 0 || m > MAX_VERSIONS_LIMIT) {
      out.push({ field: "maxVersions", message: `must be between 1 and ${MAX_VERSIONS_LIMIT} (Vault stores it as an unsigned 32-bit number: a negative value would wrap around). Fix: e.g. kv.maxVersions: 20` });
    }
  }
  const d = kv.deleteVersionAfter;
  if (d !== undefined) {
    if (typeof d !== "string" || parseDuration(d) === undefined) {
      const negative = typeof d === "string" && d.trim().startsWith("-");
      out.push({
        field: "deleteVersionAfter",
        message: negative
          ? 'a negative duration would disable delete_version_after on every key, including per-key settings made by others: not supported. Fix: "0s" to keep versions forever, or a positive duration such as "90d"'
          : 'must be a duration of s/m/h/d units, e.g. "90d" or "720h" ("0s" keeps versions forever). Fix: quote it in YAML',
      });
    }
  }
  return out;
}

/** The settings to write, or undefined when none is set (then the program leaves `<mount>/config` alone). */
export function resolveKvOptions(kv: { maxVersions?: unknown; casRequired?: boolean; deleteVersionAfter?: unknown }): KvMountOptions | undefined {
  const o: { maxVersions?: number; casRequired?: boolean; deleteVersionAfterSeconds?: number } = {};
  if (typeof kv.maxVersions === "number") o.maxVersions = kv.maxVersions;
  if (kv.casRequired !== undefined) o.casRequired = kv.casRequired;
  if (typeof kv.deleteVersionAfter === "string") o.deleteVersionAfterSeconds = parseDuration(kv.deleteVersionAfter);
  return Object.keys(o).length > 0 ? o : undefined;
}
