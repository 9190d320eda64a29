import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "../eso/eso-install";
import { InputError } from "../config/errors";
import { RELOADER_CHART, reloaderChartValues } from "./reloader";
import { MANAGED_BY_LABELS, RESTRICTED_POD_SECURITY } from "../config/options";
import { deferredProblems, refuse } from "../config/component-inputs";

export interface ReloaderInstallArgs {
  /** Namespace to create for Reloader. Default `reloader`. */
  readonly namespace?: string;
  /** The namespaces Reloader watches (and only these: a Role in each, no ClusterRole). Pass tenant namespaces' outputs so the release waits for them. */
  readonly watchNamespaces: pulumi.Input<pulumi.Input<string>[]>;
  /** Container resources (`requests.cpu` required). Default 10m/64Mi requests, 128Mi limit. */
  readonly resources?: ContainerResources;
  /** Chart version. Default: the pinned `RELOADER_CHART.version`. */
  readonly chartVersion?: string;
}

/**
 * Stakater Reloader from its pinned Helm chart, scoped to the given
 * namespaces, in a namespace enforcing Pod Security "restricted", with a
 * restricted securityContext set explicitly (the chart's container default is
 * empty). It restarts workloads annotated with
 * `secret.reloader.stakater.com/reload` (or `.../auto`) when ESO updates
 * their Secret (docs/reloader.md).
 */
export class ReloaderInstall extends pulumi.ComponentResource {
  /** Reloader's namespace (`namespace`). */
  public readonly namespace: pulumi.Output<string>;
  /** The Helm release. */
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ReloaderInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    // Which resources exist follows from these args: an Output outside the Input fields is refused, never stringified.
    refuse("ReloaderInstall", name, deferredProblems(args, ["watchNamespaces"]));
    const r = args.resources;
    if (r && r.requests.cpu === undefined) throw new InputError(`ReloaderInstall ${name}: resources.requests.cpu: missing. Fix: set a quantity such as "10m"`);
    const resources = r && { requests: { cpu: r.requests.cpu!, memory: r.requests.memory }, limits: { ...(r.limits.cpu !== undefined ? { cpu: r.limits.cpu } : {}), memory: r.limits.memory } };
    super("vault-eso:index:ReloaderInstall", name, {}, opts);
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: args.namespace ?? "reloader", labels: { ...MANAGED_BY_LABELS, ...RESTRICTED_POD_SECURITY } } },
      { parent: this },
    );
    const values = pulumi.output(args.watchNamespaces).apply((namespaces) => reloaderChartValues({ namespaces, resources }));
    this.release = new k8s.helm.v3.Release(
      `${name}-chart`,
      {
        name: RELOADER_CHART.name,
        chart: RELOADER_CHART.name,
        version: args.chartVersion ?? RELOADER_CHART.version,
        repositoryOpts: { repo: RELOADER_CHART.repo },
        namespace: ns.metadata.name,
        values,
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 10,
        timeout: 300,
      },
      { parent: this },
    );
    this.namespace = ns.metadata.name;
    this.registerOutputs({ namespace: this.namespace });
  }
}
