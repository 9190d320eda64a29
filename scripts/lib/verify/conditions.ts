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
