/**
 * What the TokenRenewer component emits, as plain data: the renewer's Vault
 * policy, its RBAC rule, the CronJob spec, the options of the token Secret,
 * and the renewer script text. Pure (no Pulumi resources), so each is tested
 * directly; `components/token-renewer/token-renewer.ts` only wires them into resources.
 */
import * as fs from "fs";
import * as path from "path";
import type { PolicyRule } from "../../policies/k8s/rbac";
import type { VaultPolicy } from "../../policies/vault/model";
import { maxGapSeconds, parseCron } from "./cron";
import { RENEWER_JOB_TIMING, RUN_SLACK_SECONDS } from "./token-auth-config";

/** Where the ConfigMap with the script (and the Vault CA) is mounted in the pod. */
export const SCRIPT_MOUNT = "/opt/vault-eso";
export const SCRIPT_KEY = "renew.mjs";
export const VAULT_CA_KEY = "vault-ca.crt";
/** The `node` user of the official Node images. */
export const RENEWER_UID = 1000;
/** Seconds between writing the successor and revoking the old token (clients mid-request finish). */
export const REVOKE_GRACE_SECONDS = 15;

/**
 * The renewer script, read from `components/token-renewer/renew.mjs`: the same file
 * the tests run. Under the Pulumi runtime (CommonJS) it sits next to this
 * module's directory; under jest (ESM, no `__dirname`) it is found from the
 * project root.
 */
export function renewerScript(): string {
  const dir = typeof __dirname === "string" ? __dirname : path.resolve(process.cwd(), "components", "token-renewer");
  return fs.readFileSync(path.join(dir, SCRIPT_KEY), "utf8");
}

/**
 * The Vault policy that lets the token keep itself alive and hand over to a
 * successor, nothing more: look itself up, renew itself, create a token
 * through exactly one token role (`update` is the capability Vault checks for
 * a create call), revoke itself. ESO's read access comes from the separate
 * ESO read policy on the same token.
 */
export function tokenRenewerPolicy(name: string, role: string): VaultPolicy {
  return {
    name,
    rules: [
      { path: "auth/token/lookup-self", capabilities: ["read"] },
      { path: "auth/token/renew-self", capabilities: ["update"] },
      { path: "auth/token/revoke-self", capabilities: ["update"] },
      { path: `auth/token/create/${role}`, capabilities: ["update"] },
    ],
  };
}

/**
 * The renewer's only Kubernetes permissions: read and replace the token
 * Secret; read (never write) the bootstrap Secret, which only Pulumi writes.
 */
export function renewerRbacRules(secretName: string, bootstrapSecretName: string): PolicyRule[] {
  return [
    { apiGroups: [""], resources: ["secrets"], resourceNames: [secretName], verbs: ["get", "update"] },
    { apiGroups: [""], resources: ["secrets"], resourceNames: [bootstrapSecretName], verbs: ["get"] },
  ];
}

/** Name of the bootstrap Secret beside the token Secret. */
export const bootstrapSecretName = (secretName: string) => `${secretName}-bootstrap`;

/**
 * Explicit max TTL of the token Pulumi mints (the bootstrap token), in
 * seconds: two schedule gaps plus the Job's start and run deadlines, the same
 * margin the config demands of `rotateBefore` (so it is never above it, and
 * the first run of the renewer always rotates it away). The role's full
 * lifetime is only ever given to tokens the renewer mints, which Pulumi never
 * sees. The bootstrap Job normally consumes it within minutes of its creation.
 */
export function bootstrapLifetimeSeconds(schedule: string): number {
  return 2 * maxGapSeconds(parseCron(schedule)) + RUN_SLACK_SECONDS;
}

/** Vault duration strings for `vault.Token` ("168h", or seconds when not whole hours). */
export function vaultDuration(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds}s`;
}

/**
 * Options of the Kubernetes Secret that holds the token. After the first
 * rotation the renewer owns its value: `ignoreChanges` keeps `pulumi up`
 * (and `pulumi up --refresh`) from writing the initial, by then revoked,
 * token back; its value stays a Pulumi secret in the state.
 */
export const TOKEN_SECRET_OPTIONS = Object.freeze({
  ignoreChanges: ["data", "stringData"],
  additionalSecretOutputs: ["data", "stringData"],
});

export interface RenewerJobArgs {
  readonly schedule: string;
  readonly image: string;
  readonly serviceAccountName: string;
  readonly configMapName: string;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string | undefined> };
  /** Environment of the script; never the token. */
  readonly env: Readonly<Record<string, string>>;
}

/** Settings the script reads (see the top of renew.mjs). */
export function renewerEnv(a: {
  vaultAddress: string;
  vaultCaPem?: string;
  vaultNamespace?: string;
  role: string;
  policies: readonly string[];
  periodSeconds: number;
  rotateBeforeSeconds: number;
  /** The role's explicit max TTL: no token in the Secret may live longer. */
  explicitMaxTtlSeconds: number;
  namespace: string;
  secretName: string;
  secretKey: string;
}): Record<string, string> {
  const env: Record<string, string> = {
    VAULT_ADDR: a.vaultAddress,
    VAULT_TOKEN_ROLE: a.role,
    VAULT_TOKEN_POLICIES: a.policies.join(","),
    RENEW_INCREMENT_SECONDS: String(a.periodSeconds),
    ROTATE_BEFORE_SECONDS: String(a.rotateBeforeSeconds),
    MAX_TTL_SECONDS: String(a.explicitMaxTtlSeconds),
    REVOKE_GRACE_SECONDS: String(REVOKE_GRACE_SECONDS),
    SECRET_NAMESPACE: a.namespace,
    SECRET_NAME: a.secretName,
    SECRET_KEY: a.secretKey,
  };
  if (a.vaultCaPem) env.VAULT_CACERT = `${SCRIPT_MOUNT}/${VAULT_CA_KEY}`;
  if (a.vaultNamespace) env.VAULT_NAMESPACE = a.vaultNamespace;
  return env;
}

/** The bootstrap Job's environment: the CronJob's plus the bootstrap Secret to consume. */
export function bootstrapEnv(env: Readonly<Record<string, string>>, bootstrapSecret: string): Record<string, string> {
  return { ...env, BOOTSTRAP_SECRET_NAME: bootstrapSecret };
}

/**
 * The CronJob spec: one run at a time, bounded retries and run time, failed
 * Jobs kept for inspection, UTC schedule (the config rules compute the gap
 * between runs in UTC), and a pod that passes Pod Security "restricted".
 */
export function renewerCronJobSpec(a: RenewerJobArgs) {
  return {
    schedule: a.schedule,
    timeZone: "Etc/UTC",
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: RENEWER_JOB_TIMING.startingDeadlineSeconds,
    successfulJobsHistoryLimit: RENEWER_JOB_TIMING.successfulJobsHistoryLimit,
    failedJobsHistoryLimit: RENEWER_JOB_TIMING.failedJobsHistoryLimit,
    jobTemplate: { spec: renewerJobSpec(a) },
  };
}

/**
 * One run of the renewer as a Job spec (the CronJob's template, and the
 * bootstrap Job's spec). `podAnnotations` go on the pod template: the
 * bootstrap Job carries the bootstrap token's accessor there, so a new token
 * means a new Job (a Job's template is immutable: Pulumi replaces it).
 */
export function renewerJobSpec(a: Omit<RenewerJobArgs, "schedule"> & { podAnnotations?: Record<string, string> }) {
  const limits = Object.fromEntries(Object.entries(a.resources.limits).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return {
        backoffLimit: RENEWER_JOB_TIMING.backoffLimit,
        activeDeadlineSeconds: RENEWER_JOB_TIMING.activeDeadlineSeconds,
        template: {
          metadata: { labels: { "app.kubernetes.io/name": "vault-token-renewer", "app.kubernetes.io/part-of": "vault-eso" }, ...(a.podAnnotations ? { annotations: { ...a.podAnnotations } } : {}) },
          spec: {
            serviceAccountName: a.serviceAccountName,
            // The SA does not automount; this pod needs its token to update the Secret.
            automountServiceAccountToken: true,
            restartPolicy: "Never",
            securityContext: {
              runAsNonRoot: true,
              runAsUser: RENEWER_UID,
              runAsGroup: RENEWER_UID,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "renewer",
                image: a.image,
                imagePullPolicy: "IfNotPresent",
                command: ["node", `${SCRIPT_MOUNT}/${SCRIPT_KEY}`],
                env: Object.entries(a.env).map(([name, value]) => ({ name, value })),
                resources: { requests: { ...a.resources.requests }, limits },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMounts: [{ name: "script", mountPath: SCRIPT_MOUNT, readOnly: true }],
              },
            ],
            volumes: [{ name: "script", configMap: { name: a.configMapName, defaultMode: 0o444 } }],
          },
        },
  };
}

/**
 * The resources of a TokenRenewer that change by design after the bootstrap Job ran: the Job revokes the
 * bootstrap `vault.Token`, so a refresh drops it from state (terraform-provider-vault `vault/resource_token.go`
 * tokenRead: a failed accessor lookup clears the ID) and the next preview plans to mint it again, rewrite the
 * bootstrap Secret with it and replace the Job (the token's accessor is a pod annotation). The drift check
 * (scripts/lib/drift.ts) accepts exactly these steps, and only together. Logical names, from the component name.
 */
export const TOKEN_RENEWER_TYPE = "vault-eso:index:TokenRenewer";
export function bootstrapLifecycleNames(component: string) {
  return {
    token: { type: "vault:index/token:Token", name: `${component}-token` },
    bootstrapSecret: { type: "kubernetes:core/v1:Secret", name: `${component}-bootstrap-secret` },
    bootstrapJob: { type: "kubernetes:batch/v1:Job", name: `${component}-bootstrap` },
  } as const;
}

/** The pod annotation of the bootstrap Job that carries the bootstrap token's accessor. */
export const BOOTSTRAP_ACCESSOR_ANNOTATION = "vault-eso.io/bootstrap-accessor";

/**
 * The only properties the lifecycle changes, as Pulumi property paths (segments; a change at or below one
 * of them): the bootstrap Job's accessor annotation, and the bootstrap Secret's data (it holds only the
 * token). Anything else on these resources (the Job's image, command, service account, env; labels) is drift.
 */
export const BOOTSTRAP_LIFECYCLE_PROPERTIES = {
  bootstrapJob: [["spec", "template", "metadata", "annotations", BOOTSTRAP_ACCESSOR_ANNOTATION]],
  bootstrapSecret: [["data"], ["stringData"]],
} as const;
/** The platform's TokenRenewer component name (components/token-renewer/token-auth-platform.ts). */
export const TOKEN_RENEWER_NAME = "token-renewer";

/** The renewer CronJob's name (one per namespace). */
export const RENEWER_CRONJOB_NAME = "vault-token-renewer";

/**
 * Seconds after the renewer's last successful run at which the token's remaining TTL may drop under one
 * schedule gap (plus a run's start and run deadlines), so the next run could come too late. Right after a
 * success the token has at least min(period, rotateBefore) left: a renewal gives it a full period, capped
 * by its explicit max TTL, which is never nearer than rotateBefore (else the run rotates, and the
 * successor has its full life). The alert fires after `min(period, rotateBefore) - gap - slack`; 0 when
 * the settings leave no room at all (then any missed run alerts).
 */
export function renewerAlertAfterSeconds(a: { periodSeconds: number; rotateBeforeSeconds: number; schedule: string }): number {
  return Math.max(0, Math.min(a.periodSeconds, a.rotateBeforeSeconds) - maxGapSeconds(parseCron(a.schedule)) - RUN_SLACK_SECONDS);
}
