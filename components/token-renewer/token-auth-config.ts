/**
 * Config section `vault-eso:tokenAuth`: the token-auth alternative for the
 * ClusterSecretStore (seed 000), with a CronJob that renews the token and
 * rotates it before its explicit max TTL. Pure: the zod schema, the timing
 * rules between its keys, and the typed result; `config.ts` composes them.
 *
 * Defaults and why:
 * - `period: 7d` (seed 000: 30d). The renewer runs every 12 h, so a week is
 *   14 runs of slack: a failed-Job alert on Friday evening can wait for
 *   Monday. A token that drops out of the loop (cluster deleted, CronJob
 *   removed) dies within a week instead of a month.
 * - `explicitMaxTtl: 30d` (seed 000: 90d). With rotation the max TTL is no
 *   longer a cliff but the longest life of one token value; 30 days keeps a
 *   leaked value (a backup, an old Secret dump) short-lived, runs the
 *   rotation path about monthly so a broken one shows up while the current
 *   token still has days left, and stays under Vault's default system max
 *   TTL (768 h).
 * - `rotateBefore: 7d`: rotate once a renewal can no longer extend the token
 *   by a full period; 14 runs fall into that window, so a failed rotation is
 *   retried many times before the token dies.
 * - `schedule: "0 *\/12 * * *"` as in seed 000, evaluated in UTC.
 */
import { z } from "zod";
import { CronParseError, maxGapSeconds, parseCron } from "./cron";
import { formatDuration, parseDuration } from "../config/duration";
import { checked, dnsLabel, dnsSubdomain, resourcesSchema, vaultName, vaultPolicyName } from "../config/schema-helpers";

/** The CronJob's timing; the config rules below count these deadlines in. */
export const RENEWER_JOB_TIMING = Object.freeze({
  /** A run the controller could not start within 30 min of its time is skipped (and counted as missed). */
  startingDeadlineSeconds: 1800,
  /** The whole Job, retries included, is killed after 5 min. */
  activeDeadlineSeconds: 300,
  /** Pods retried per Job before it is marked Failed. */
  backoffLimit: 2,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 5,
});

/** Seconds between the scheduled time of a run and the latest moment it can have finished. */
export const RUN_SLACK_SECONDS = RENEWER_JOB_TIMING.startingDeadlineSeconds + RENEWER_JOB_TIMING.activeDeadlineSeconds;

/** Node 24 LTS on Alpine, pinned; the script needs Node >= 20 and its standard library only. */
export const DEFAULT_RENEWER_IMAGE = "node:24.11.1-alpine3.22";

const DEFAULT_RENEWER_RESOURCES = {
  requests: { cpu: "10m", memory: "64Mi" },
  limits: { memory: "128Mi" },
};

const lifetime = (what: string) =>
  checked((v) => {
    const s = parseDuration(v);
    if (s === undefined) return `${what} must be a duration like "12h", "7d" or "30d" (units s, m, h, d). Fix: e.g. "7d"`;
    if (s === 0) return `${what} must be longer than 0s. Fix: e.g. "7d"`;
    return undefined;
  }).meta({ typeName: "duration" });

/** Why `schedule` is not a usable CronJob schedule, or `undefined`. */
export function scheduleProblem(schedule: string): string | undefined {
  try {
    maxGapSeconds(parseCron(schedule));
    return undefined;
  } catch (e) {
    if (!(e instanceof CronParseError)) throw e;
    return `is not a valid CronJob schedule: ${e.message}. Fix: a 5-field cron expression, e.g. "0 */12 * * *" (every 12 hours)`;
  }
}

/** Why `image` is not a pinned image reference, or `undefined`. */
export function imageProblem(image: string): string | undefined {
  if (/\s/.test(image) || image === "") return `must be an image reference without spaces. Fix: e.g. "${DEFAULT_RENEWER_IMAGE}"`;
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon < 0) return `has no tag, so it means "latest" and changes under you. Fix: pin a version, e.g. "${DEFAULT_RENEWER_IMAGE}", or a digest "@sha256:..."`;
  const tag = lastSegment.slice(colon + 1);
  if (tag === "latest") return `uses the "latest" tag, which changes under you. Fix: pin a version, e.g. "${DEFAULT_RENEWER_IMAGE}"`;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return `has an invalid tag "${tag}". Fix: e.g. "${DEFAULT_RENEWER_IMAGE}"`;
  return undefined;
}

export const tokenAuthSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe("The ClusterSecretStore uses a Vault token in a Secret, renewed and rotated by a CronJob (`TokenRenewer`), instead of Kubernetes auth."),
    namespace: dnsLabel("the credentials namespace")
      .default("external-secrets-credentials")
      .describe("Namespace that holds the token Secret and runs the renewer; created with Pod Security `restricted`; no tenant may take it."),
    secretName: dnsSubdomain("the token Secret name").default("vault-token").describe("The Secret ESO reads (`auth.tokenSecretRef`)."),
    secretKey: checked((v) => (/^[-._a-zA-Z0-9]{1,253}$/.test(v) ? undefined : 'the Secret key may only use letters, digits, "-", "_" and ".". Fix: e.g. "token"'))
      .default("token")
      .describe("Key of the token in that Secret."),
    role: vaultName("the Vault token role")
      .default("external-secrets-token")
      .describe("Token role `auth/token/roles/<role>` every token is created through: orphan, renewable, periodic, explicit max TTL."),
    policy: vaultPolicyName("the renewer Vault policy")
      .default("external-secrets-token-renewer")
      .describe("The renewer policy: lookup, renew and revoke itself, create successors through the role."),
    period: lifetime("the token period").default("7d").describe("Each renewal extends the token by this. Less than `explicitMaxTtl`; must outlast two schedule gaps plus 35 minutes."),
    explicitMaxTtl: lifetime("the token explicit max TTL").default("30d").describe("Hard end of each token value; rotation happens before it."),
    rotateBefore: lifetime("the rotation threshold")
      .default("7d")
      .describe("Rotate when less than this is left before the explicit max TTL. At most `period`, at least two schedule gaps plus 35 minutes."),
    schedule: checked((v) => {
      const p = scheduleProblem(v);
      return p ? `the renewal schedule ${p}` : undefined;
    })
      .meta({ typeName: "cron (5 fields, UTC)" })
      .default("0 */12 * * *")
      .describe("The CronJob's schedule: numbers, names, `*`, `?`, ranges, steps, lists, `@daily`-style macros; no `@every`, no `TZ=`."),
    image: checked((v) => {
      const p = imageProblem(v);
      return p ? `the renewer image ${p}` : undefined;
    })
      .meta({ typeName: "image reference" })
      .default(DEFAULT_RENEWER_IMAGE)
      .describe("The renewer's image (Node >= 20); a tag or digest is required, `latest` and untagged are refused."),
    resources: resourcesSchema("the renewer pod").default(DEFAULT_RENEWER_RESOURCES),
  })
  .describe("Token auth for the ClusterSecretStore, for clusters where Vault cannot reach the API server; see docs/token-auth.md and docs/operations.md#token-auth.");

export type RawTokenAuth = z.infer<typeof tokenAuthSchema>;

/**
 * The timing rules, with `G` the longest gap between scheduled runs and `D`
 * the Job's start + run deadlines (a run may finish that long after its
 * time). Each rule keeps a working token through one failed run:
 *   period < explicitMaxTtl     (otherwise the token is simply not periodic)
 *   2G + D <= period            (a failed run does not let the token expire)
 *   2G + D <= rotateBefore      (at least two runs fall into the rotation window)
 *   rotateBefore <= period      (until then a renewal still buys a full period)
 */
export function checkTokenAuth(t: RawTokenAuth, issue: (path: (string | number)[], message: string) => void): void {
  if (!t.enabled) return;
  const periodSeconds = parseDuration(t.period);
  const explicitMaxTtlSeconds = parseDuration(t.explicitMaxTtl);
  const rotateBeforeSeconds = parseDuration(t.rotateBefore);
  if (periodSeconds === undefined || explicitMaxTtlSeconds === undefined || rotateBeforeSeconds === undefined || scheduleProblem(t.schedule)) return; // reported by the fields' own checks
  for (const p of timingProblems({ periodSeconds, explicitMaxTtlSeconds, rotateBeforeSeconds, schedule: t.schedule })) issue(["tokenAuth", p.key], p.message);
}

/** The timing rules above on plain numbers; `key` is the tokenAuth key to change. Used by the config and by TokenRenewer itself. */
export function timingProblems(t: { periodSeconds: number; explicitMaxTtlSeconds: number; rotateBeforeSeconds: number; schedule: string }): Array<{ key: string; message: string }> {
  const out: Array<{ key: string; message: string }> = [];
  const period = formatDuration(t.periodSeconds);
  const max = formatDuration(t.explicitMaxTtlSeconds);
  const threshold = formatDuration(t.rotateBeforeSeconds);
  const sp = scheduleProblem(t.schedule);
  if (sp) return [{ key: "schedule", message: `the renewal schedule ${sp}` }];
  const gap = maxGapSeconds(parseCron(t.schedule));
  if (t.periodSeconds >= t.explicitMaxTtlSeconds) {
    out.push({
      key: "period",
      message: `the period (${period}) must be shorter than tokenAuth.explicitMaxTtl (${max}): the token dies at its explicit max TTL however often it is renewed. Fix: e.g. period "7d" with explicitMaxTtl "30d"`,
    });
  }
  const need = 2 * gap + RUN_SLACK_SECONDS;
  if (need > t.periodSeconds) {
    out.push({
      key: "schedule",
      message: `runs can be up to ${formatDuration(gap)} apart, so the token's period (${period}) could run out between renewals: it must cover two intervals plus the Job's start and run deadlines (${formatDuration(need)} in all) so that one failed run does not let the token expire. Fix: run more often (e.g. "0 */12 * * *") or raise tokenAuth.period to at least ${formatDuration(need)}`,
    });
  }
  if (t.rotateBeforeSeconds > t.periodSeconds) {
    out.push({
      key: "rotateBefore",
      message: `the rotation threshold (${threshold}) is larger than the period (${period}): until the token has less than one period left, a renewal still extends it by a full period, so rotating earlier only throws lifetime away. Fix: set rotateBefore to at most ${period}`,
    });
  }
  if (need > t.rotateBeforeSeconds) {
    out.push({
      key: "rotateBefore",
      message: `the rotation threshold (${threshold}) leaves room for fewer than two runs before the explicit max TTL (runs can be up to ${formatDuration(gap)} apart): one failed rotation would let the token die. Fix: set rotateBefore to at least ${formatDuration(need)}, or run more often`,
    });
  }
  return out;
}

export interface TokenAuthConfig {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly secretName: string;
  readonly secretKey: string;
  readonly role: string;
  readonly policy: string;
  readonly periodSeconds: number;
  readonly explicitMaxTtlSeconds: number;
  readonly rotateBeforeSeconds: number;
  readonly schedule: string;
  /** Longest gap between two scheduled runs (UTC). */
  readonly maxRunGapSeconds: number;
  readonly image: string;
  readonly resources: RawTokenAuth["resources"];
}

/** The typed section; call only after the schema and `checkTokenAuth` passed. */
export function resolveTokenAuth(t: RawTokenAuth): TokenAuthConfig {
  return {
    enabled: t.enabled,
    namespace: t.namespace,
    secretName: t.secretName,
    secretKey: t.secretKey,
    role: t.role,
    policy: t.policy,
    periodSeconds: parseDuration(t.period)!,
    explicitMaxTtlSeconds: parseDuration(t.explicitMaxTtl)!,
    rotateBeforeSeconds: parseDuration(t.rotateBefore)!,
    schedule: t.schedule,
    maxRunGapSeconds: maxGapSeconds(parseCron(t.schedule)),
    image: t.image,
    resources: t.resources,
  };
}
