/**
 * Pure builders for Stakater Reloader (github.com/stakater/Reloader): the
 * pinned chart, its hardened values, and the annotations a team puts on its
 * workloads. Read from the chart at tag chart-v2.2.16
 * (deployments/kubernetes/chart/reloader: values.yaml, values.schema.json,
 * templates/deployment.yaml, role.yaml, _helpers.tpl) and Reloader v1.4.21
 * (internal/pkg/options/flags.go, pkg/common/common.go ShouldReload).
 */
import type { ResourceRequirements } from "../config/config";

/** The Reloader Helm chart, pinned in one place (tag chart-v2.2.16 = app v1.4.21). */
export const RELOADER_CHART = {
  name: "reloader",
  repo: "https://stakater.github.io/stakater-charts",
  version: "2.2.16",
} as const;

/** Annotations Reloader v1.4.21 honours on a workload (internal/pkg/options/flags.go). */
export const RELOADER_ANNOTATIONS = {
  /** Comma-separated Secret names, each an anchored regular expression (pkg/common/common.go ShouldReload). */
  secretReload: "secret.reloader.stakater.com/reload",
  /** "true": restart when any Secret the pod references (env, envFrom, volumes) changes. */
  secretAuto: "secret.reloader.stakater.com/auto",
  /** "true": same for Secrets and ConfigMaps. */
  auto: "reloader.stakater.com/auto",
} as const;

export const DEFAULT_RELOADER_RESOURCES: ResourceRequirements = { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } };

/**
 * Values for chart 2.2.16:
 * - scoped mode: `watchGlobally: false` with `namespaces` makes the chart pass
 *   `--namespaces=<release ns + these>` and create a Role + RoleBinding in each
 *   (templates/role.yaml, rolebinding.yaml), no ClusterRole: Reloader cannot
 *   read Secrets of any other namespace;
 * - restricted pods: the chart's pod securityContext (runAsNonRoot, uid 65534,
 *   seccomp RuntimeDefault) is kept and restated; its container
 *   securityContext defaults to `{}`, which the "restricted" profile refuses
 *   (allowPrivilegeEscalation, capabilities): set here; `readOnlyRootFileSystem`
 *   makes the chart mount an emptyDir /tmp and set readOnlyRootFilesystem.
 */
export function reloaderChartValues(a: { readonly namespaces: readonly string[]; readonly resources?: ResourceRequirements }): Record<string, unknown> {
  if (a.namespaces.length === 0) throw new Error("Reloader needs at least one namespace to watch");
  return {
    reloader: {
      watchGlobally: false,
      namespaces: [...a.namespaces].sort(),
      readOnlyRootFileSystem: true,
      deployment: {
        replicas: 1,
        resources: a.resources ?? DEFAULT_RELOADER_RESOURCES,
        securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
        },
      },
    },
  };
}

/** `^`/`$`-anchored regular-expression text that matches exactly `name` (a DNS subdomain: only `.` is special). */
function literal(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The annotation that restarts a workload when any of `secretNames` changes:
 * `secret.reloader.stakater.com/reload: "a,b\.c"`. Reloader splits the value
 * on commas and matches each item as `^item$` (pkg/common/common.go
 * ShouldReload), so a `.` in a Secret name is escaped: unescaped it would also
 * match other names (`db.creds` would restart on `dbXcreds`).
 */
export function reloadAnnotation(secretNames: readonly string[]): { readonly key: string; readonly value: string } {
  return { key: RELOADER_ANNOTATIONS.secretReload, value: [...new Set(secretNames)].sort().map(literal).join(",") };
}
