/**
 * What Stakater Reloader's Helm chart and controller do with what the program
 * sends. A model written from stakater/Reloader at tag chart-v2.2.16 (app
 * v1.4.21, commit of the tag in the mirror):
 * - deployments/kubernetes/chart/reloader/values.yaml: the keys the chart reads;
 * - templates/role.yaml, clusterrole.yaml: scoped mode (`watchGlobally: false`
 *   and `namespaces`) renders a Role per watched namespace and no ClusterRole;
 *   `namespaces` with `watchGlobally: true` makes the chart `fail`;
 * - templates/_helpers.tpl reloader-watchNamespaces: watched = release
 *   namespace + `namespaces`, deduplicated and sorted (`--namespaces=` flag in
 *   templates/deployment.yaml);
 * - templates/deployment.yaml: pod securityContext = `deployment.securityContext`;
 *   container securityContext = `deployment.containerSecurityContext` (default
 *   `{}`) plus `readOnlyRootFilesystem: true` when `readOnlyRootFileSystem`;
 * - pkg/common/common.go ShouldReload: the `.../reload` annotation's value is
 *   split on ",", each item trimmed and matched as the regular expression
 *   `^item$` against the Secret's name; `.../auto: "true"` reloads on any
 *   referenced Secret.
 */

/** values.yaml of chart 2.2.16, the part under `reloader:` the program may touch (maps the chart iterates are `true`: any content). */
const RELOADER_KEYS: Record<string, unknown> = {
  autoReloadAll: 1, isArgoRollouts: 1, isOpenshift: 1, ignoreSecrets: 1, ignoreConfigMaps: 1, ignoreJobs: 1, ignoreCronJobs: 1,
  reloadOnCreate: 1, reloadOnDelete: 1, syncAfterRestart: 1, reloadStrategy: 1, ignoreNamespaces: 1, namespaceSelector: 1,
  resourceLabelSelector: 1, logFormat: 1, logLevel: 1, watchGlobally: 1, namespaces: 1, enableHA: 1, enablePProf: 1,
  enableCSIIntegration: 1, pprofAddr: 1, readOnlyRootFileSystem: 1, legacy: { rbac: 1 }, matchLabels: true, enableMetricsByNamespace: 1,
  deployment: {
    dnsConfig: true, replicas: 1, revisionHistoryLimit: 1, hostUsers: 1, nodeSelector: true, affinity: true, volumeMounts: 1, volumes: 1,
    securityContext: true, containerSecurityContext: true, tolerations: 1, topologySpreadConstraints: 1, annotations: true, labels: true,
    env: true, livenessProbe: true, readinessProbe: true, resources: true, pod: true, priorityClassName: 1, runtimeClassName: 1,
    schedulerName: 1, gomaxprocsOverride: 1, gomemlimitOverride: 1,
  },
  service: true, rbac: true, serviceAccount: true, custom_annotations: true, serviceMonitor: true, podMonitor: true,
  podDisruptionBudget: true, netpol: true, verticalPodAutoscaler: true, webhookUrl: 1,
};
const TOP_KEYS: Record<string, unknown> = { global: true, kubernetes: true, nameOverride: 1, fullnameOverride: 1, image: true, reloader: RELOADER_KEYS };

/** values.schema.json of chart 2.2.16 constrains `reloader.reloadStrategy`. */
const RELOAD_STRATEGIES = ["default", "env-vars", "annotations"];

/** Value paths the chart does not define (a typo there is silently ignored by Helm), plus values its schema refuses. */
export function unknownValues(values: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (v: Record<string, unknown>, known: Record<string, unknown>, where: string) => {
    for (const [k, x] of Object.entries(v)) {
      const spec = known[k];
      if (spec === undefined) out.push(`${where}${k}`);
      else if (typeof spec === "object" && x && typeof x === "object" && !Array.isArray(x)) walk(x as Record<string, unknown>, spec as Record<string, unknown>, `${where}${k}.`);
    }
  };
  walk(values, TOP_KEYS, "");
  const strategy = (values.reloader as Record<string, unknown> | undefined)?.reloadStrategy;
  if (strategy !== undefined && !RELOAD_STRATEGIES.includes(String(strategy))) out.push(`reloader.reloadStrategy=${String(strategy)}`);
  return out;
}

export interface RenderedReloader {
  /** The chart's `fail`, if it refuses the values. */
  readonly failure?: string;
  /** Namespaces watched (the `--namespaces` flag), or "all". */
  readonly watched: readonly string[] | "all";
  /** Namespaces with a Role; whether a ClusterRole is rendered. */
  readonly roles: readonly string[];
  readonly clusterRole: boolean;
  /** The Deployment's pod spec as far as security goes. */
  readonly podSpec: { securityContext?: unknown; containers: Array<{ name: string; securityContext: Record<string, unknown> }>; volumes: Array<{ name: string; emptyDir: object }> };
}

const DEFAULT_POD_SC = { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } };

/** What chart 2.2.16 renders for `values` in `releaseNamespace` (the parts above). */
export function renderReloader(values: Record<string, any>, releaseNamespace: string): RenderedReloader {
  const r = values.reloader ?? {};
  const global = r.watchGlobally ?? true;
  const list: string[] = typeof r.namespaces === "string" ? r.namespaces.split(",") : (r.namespaces ?? []);
  const failure = global && list.length > 0 ? "reloader.namespaces is set but reloader.watchGlobally is true; set reloader.watchGlobally=false to use scoped namespace mode." : undefined;
  const watchedList = [...new Set([releaseNamespace, ...list.map((n) => n.trim()).filter(Boolean)])].sort();
  const d = r.deployment ?? {};
  const containerSc: Record<string, unknown> = { ...(d.containerSecurityContext ?? {}) };
  if (r.readOnlyRootFileSystem) containerSc.readOnlyRootFilesystem = true;
  const podSc = "securityContext" in d ? d.securityContext : DEFAULT_POD_SC;
  return {
    failure,
    watched: global ? "all" : list.length ? watchedList : [releaseNamespace],
    roles: global ? [] : list.length ? watchedList : [releaseNamespace],
    clusterRole: global,
    podSpec: {
      ...(podSc ? { securityContext: podSc } : {}),
      containers: [{ name: "reloader", securityContext: containerSc }],
      volumes: r.readOnlyRootFileSystem ? [{ name: "tmp-volume", emptyDir: {} }] : [],
    },
  };
}

/** pkg/common/common.go ShouldReload, for a Secret named `secret` and a workload's annotations (the typed and generic auto annotations, and `.../reload`). */
export function shouldReload(annotations: Readonly<Record<string, string>>, secret: string, referenced: boolean): boolean {
  const value = annotations["secret.reloader.stakater.com/reload"];
  if (value !== undefined) {
    for (const item of value.split(",")) if (new RegExp(`^${item.trim()}$`).test(secret)) return true;
  }
  const truthy = (v: string | undefined) => v !== undefined && /^(1|t|T|TRUE|true|True)$/.test(v); // Go strconv.ParseBool
  return referenced && (truthy(annotations["reloader.stakater.com/auto"]) || truthy(annotations["secret.reloader.stakater.com/auto"]));
}
