/**
 * When an ESO object counts as healthy, read from its status conditions as
 * ESO writes them (external-secrets apis/externalsecrets/v1
 * secretstore_types.go: condition `Ready`, reason `Valid`;
 * externalsecret_types.go: `Ready`, reason `SecretSynced`, errors
 * `SecretSyncedError`...; apis/externalsecrets/v1alpha1 pushsecret_types.go:
 * `Ready`). Pure.
 */

export type EsoKind = "ClusterSecretStore" | "SecretStore" | "ExternalSecret" | "PushSecret";

interface Condition {
  readonly type?: unknown;
  readonly status?: unknown;
  readonly reason?: unknown;
  readonly message?: unknown;
}

/** The reason a healthy object's Ready condition carries, where ESO sets one we rely on. */
export const READY_REASON: Readonly<Partial<Record<EsoKind, string>>> = {
  ClusterSecretStore: "Valid",
  SecretStore: "Valid",
  ExternalSecret: "SecretSynced",
};

/** `undefined` when `obj` is Ready (with the expected reason); otherwise what is wrong, with ESO's own reason and message. */
export function readinessProblem(kind: EsoKind, obj: unknown): string | undefined {
  const conditions = (obj as { status?: { conditions?: unknown } } | undefined)?.status?.conditions;
  const ready = Array.isArray(conditions) ? (conditions as Condition[]).find((c) => c?.type === "Ready") : undefined;
  if (!ready) return "has no Ready condition yet (ESO has not reconciled it: is the controller running?)";
  const reason = typeof ready.reason === "string" ? ready.reason : "";
  const message = typeof ready.message === "string" && ready.message ? `: ${ready.message}` : "";
  if (ready.status !== "True") return `is not Ready (status ${String(ready.status)}, reason ${reason || "(none)"}${message})`;
  const want = READY_REASON[kind];
  if (want !== undefined && reason !== want) return `is Ready but with reason ${reason || "(none)"}, not ${want}${message}`;
  return undefined;
}

/**
 * Go duration text (`1h`, `15m`, `1h30m`, `90s`, `0`) in seconds, as ESO's `refreshInterval`
 * (metav1.Duration) prints it; `undefined` when it is not one.
 */
export function goDurationSeconds(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  if (text === "0") return 0;
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (!m || text === "") return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** ESO's default `refreshInterval` for an ExternalSecret (apis/externalsecrets/v1 externalsecret_types.go: `+kubebuilder:default="1h"`). */
export const DEFAULT_REFRESH_SECONDS = 3600;
/** A sync older than this many refresh intervals is stale (ESO requeues every interval; a few misses are noise, more mean it stopped). */
export const STALE_AFTER_INTERVALS = 3;

export interface FreshnessContext {
  /** When the `up` being verified finished: every sync must be after it. */
  readonly since?: Date;
  readonly now: Date;
}

/**
 * `undefined` when the synced object (ExternalSecret, PushSecret) describes its current spec and a
 * recent sync; else what is stale. ESO records, on each successful sync,
 * `status.refreshTime` (the sync's start) and `status.syncedResourceVersion` =
 * `<metadata.generation>-<hash of labels and annotations>` (external-secrets
 * pkg/controllers/externalsecret/externalsecret_controller.go markAsDone / getResourceVersion,
 * pkg/controllers/pushsecret/pushsecret_controller.go: ctrlutil.GetResourceVersion): a Ready condition
 * whose syncedResourceVersion names an older generation is about a spec that no longer exists.
 */
export function freshnessProblem(obj: unknown, ctx: FreshnessContext): string | undefined {
  const o = obj as { metadata?: { generation?: unknown }; spec?: { refreshInterval?: unknown }; status?: { refreshTime?: unknown; syncedResourceVersion?: unknown } } | undefined;
  const generation = o?.metadata?.generation;
  const synced = o?.status?.syncedResourceVersion;
  if (typeof generation === "number") {
    const syncedGeneration = typeof synced === "string" ? Number(synced.split("-")[0]) : NaN;
    if (syncedGeneration !== generation) {
      return `was last synced for generation ${Number.isNaN(syncedGeneration) ? "(none recorded)" : syncedGeneration}, but its spec is at generation ${generation}: its Ready condition is about an older spec`;
    }
  }
  const refreshed = typeof o?.status?.refreshTime === "string" ? new Date(o.status.refreshTime) : undefined;
  if (!refreshed || Number.isNaN(refreshed.getTime())) return "has no status.refreshTime: ESO never synced it";
  const interval = o?.spec?.refreshInterval === undefined ? DEFAULT_REFRESH_SECONDS : goDurationSeconds(o.spec.refreshInterval);
  if (interval !== undefined && interval > 0) {
    const age = (ctx.now.getTime() - refreshed.getTime()) / 1000;
    if (age > STALE_AFTER_INTERVALS * interval) {
      return `was last synced at ${refreshed.toISOString()}, ${Math.round(age / 3600)}h ago, more than ${STALE_AFTER_INTERVALS} refresh intervals (${interval}s): ESO stopped syncing it`;
    }
  }
  if (ctx.since && refreshed < ctx.since) return `was last synced at ${refreshed.toISOString()}, before the \`up\` being verified (${ctx.since.toISOString()})`;
  return undefined;
}
