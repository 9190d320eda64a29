/**
 * Model of what `pulumi up` waits for after the Kubernetes provider creates an
 * object (written from pulumi/pulumi-kubernetes, snapshot 94977969d of
 * July 2026 (4.33 line; the project pins 4.34.2), not copied):
 *
 * - provider/pkg/await/await.go `Creation`: a timeout of the resource's
 *   customTimeouts.create, else the `pulumi.com/timeoutSeconds` annotation
 *   (metadata/overrides.go `TimeoutDuration`: strconv.Atoi, ignored when not an
 *   integer), else 10 minutes. The ready condition comes from
 *   metadata/overrides.go `ReadyCondition`; the built-in awaiter of the kind
 *   (await/awaiters.go `awaiters`) is used only when there is no override.
 * - metadata/overrides.go `ReadyCondition`: `pulumi.com/skipAwait: "true"` ->
 *   nothing; `pulumi.com/waitFor` -> a JSON array of expressions or a single
 *   one, each `jsonpath=...` or `condition=...` (anything else is an error);
 *   no annotation -> nothing (unless PULUMI_K8S_AWAIT_ALL=true).
 * - await/condition/custom.go `NewCustom`: `condition=Type` or
 *   `condition=Type=Status` (status defaults to "True"); kubectl.go
 *   `checkCondition`: type and status compared case-insensitively, and a
 *   condition whose observedGeneration is behind metadata.generation does not
 *   count.
 * - await/awaiters.go, for the kinds this program creates: v1/Secret of type
 *   kubernetes.io/service-account-token waits until `data` is non-empty, at
 *   most 5 s (`untilCoreV1SecretInitialized`), other Secrets nothing;
 *   v1/ServiceAccount nothing on clusters >= 1.24
 *   (`untilCoreV1ServiceAccountInitialized`); v1/ConfigMap and the rbac kinds
 *   are listed with no awaiter; Namespace, NetworkPolicy, CronJob and custom
 *   resources are not listed: nothing.
 * - provider/helm_release.go (helm.sh/v3 Release): Helm `Wait = !skipAwait`
 *   (every Deployment/StatefulSet/... of the chart ready), `WaitForJobs` only
 *   when asked, `Atomic` rolls back a failed install, `timeout` (seconds)
 *   defaults to 300.
 */

export const DEFAULT_TIMEOUT_SECONDS = 600;
export const HELM_DEFAULT_TIMEOUT_SECONDS = 300;

export type Expectation =
  | { readonly kind: "condition"; readonly type: string; readonly status: string }
  | { readonly kind: "jsonpath"; readonly expr: string };

export interface AwaitPlan {
  /** What the provider waits for: nothing, a built-in awaiter, or the annotation's expressions. */
  readonly waits: "nothing" | "builtin" | "waitFor";
  readonly builtin?: string;
  readonly expectations: readonly Expectation[];
  readonly timeoutSeconds: number;
  /** The provider's error for an unusable annotation (the resource would fail). */
  readonly error?: string;
}

interface Obj {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly type?: string;
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
}

/** Built-in awaiters for the kinds the program creates (await/awaiters.go), by "apiVersion/kind". */
function builtin(o: Obj, clusterMinor: number): string | undefined {
  const id = `${o.apiVersion}/${o.kind}`;
  if (id === "v1/Secret" && o.type === "kubernetes.io/service-account-token") return "service-account-token data (<= 5 s)";
  if (id === "v1/ServiceAccount" && clusterMinor < 24) return "default token secret";
  if (["apps/v1/Deployment", "apps/v1/StatefulSet", "apps/v1/DaemonSet", "batch/v1/Job", "v1/Pod", "v1/Service", "networking.k8s.io/v1/Ingress", "v1/PersistentVolumeClaim"].includes(id)) return id;
  return undefined;
}

function parseExpression(expr: string): Expectation | string {
  if (expr.startsWith("jsonpath=")) return { kind: "jsonpath", expr: expr.slice("jsonpath=".length) };
  if (expr.startsWith("condition=")) {
    const body = expr.slice("condition=".length);
    const i = body.indexOf("=");
    return i === -1 ? { kind: "condition", type: body, status: "True" } : { kind: "condition", type: body.slice(0, i), status: body.slice(i + 1) };
  }
  return `expected a "jsonpath=" or "condition=" prefix, got ${JSON.stringify(expr)}`;
}

/** What the provider does after creating `o` (customTimeoutSeconds: the resource option, if any). */
export function awaitPlan(o: Obj, opts: { customTimeoutSeconds?: number; clusterMinor?: number } = {}): AwaitPlan {
  const ann = o.metadata?.annotations ?? {};
  const t = ann["pulumi.com/timeoutSeconds"];
  const fromAnnotation = t !== undefined && /^[+-]?\d+$/.test(t) ? Number(t) : undefined;
  const timeoutSeconds = opts.customTimeoutSeconds || fromAnnotation || DEFAULT_TIMEOUT_SECONDS;
  if (ann["pulumi.com/skipAwait"] === "true") return { waits: "nothing", expectations: [], timeoutSeconds };
  const waitFor = ann["pulumi.com/waitFor"];
  if (waitFor === undefined || waitFor === "") {
    const b = builtin(o, opts.clusterMinor ?? 30);
    return b ? { waits: "builtin", builtin: b, expectations: [], timeoutSeconds } : { waits: "nothing", expectations: [], timeoutSeconds };
  }
  let exprs: string[];
  try {
    const parsed = JSON.parse(waitFor) as unknown;
    exprs = Array.isArray(parsed) ? (parsed as string[]) : [waitFor];
  } catch {
    exprs = [waitFor];
  }
  if (exprs.length === 0) return { waits: "waitFor", expectations: [], timeoutSeconds, error: "at least one condition must be specified" };
  const expectations: Expectation[] = [];
  for (const e of exprs) {
    const p = parseExpression(e);
    if (typeof p === "string") return { waits: "waitFor", expectations, timeoutSeconds, error: p };
    expectations.push(p);
  }
  return { waits: "waitFor", expectations, timeoutSeconds };
}

/** kubectl.go `checkCondition` over an object's status. */
export function conditionMet(
  obj: { metadata?: { generation?: number }; status?: { observedGeneration?: number; conditions?: Array<{ type: string; status: string; observedGeneration?: number }> } },
  e: { type: string; status: string },
): boolean {
  const c = (obj.status?.conditions ?? []).find((x) => x.type.toLowerCase() === e.type.toLowerCase());
  if (!c) return false;
  const gen = obj.metadata?.generation;
  const observed = c.observedGeneration ?? obj.status?.observedGeneration;
  if (gen !== undefined && observed !== undefined && observed < gen) return false;
  return c.status.toLowerCase() === e.status.toLowerCase();
}

/** helm_release.go: what a helm.sh/v3 Release waits for. */
export function helmReleasePlan(inputs: { skipAwait?: boolean; waitForJobs?: boolean; atomic?: boolean; timeout?: number }) {
  const wait = !inputs.skipAwait;
  return { wait, waitForJobs: wait && !!inputs.waitForJobs, atomic: !!inputs.atomic, timeoutSeconds: inputs.timeout || HELM_DEFAULT_TIMEOUT_SECONDS };
}
