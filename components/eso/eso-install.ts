import * as k8s from "@pulumi/kubernetes";
import { InputError } from "../config/errors";
import * as pulumi from "@pulumi/pulumi";
import { ESO_CHART, esoChartValues, mergeValues } from "./eso";
import { MANAGED_BY_LABELS, RESTRICTED_POD_SECURITY } from "../config/options";
import { deferredProblems, refuse } from "../config/component-inputs";

/** CPU and memory quantities (Kubernetes quantity strings, e.g. `50m`, `128Mi`). */
export interface ResourceQuantities {
  /** CPU, e.g. `50m`. Required in `requests`; default none in `limits` (no CPU limit). */
  readonly cpu?: string;
  /** Memory, e.g. `128Mi`. */
  readonly memory: string;
}

/** Container requests and limits, applied to ESO's controller, webhook and cert controller. */
export interface ContainerResources {
  /** Requests (scheduling); both `cpu` and `memory`. */
  readonly requests: ResourceQuantities;
  /** Limits; `memory` required, `cpu` optional. */
  readonly limits: ResourceQuantities;
}

export interface EsoInstallArgs {
  /** Namespace to create for ESO. Default `external-secrets`. */
  readonly namespace?: string;
  /** ESO controller service account (the identity Vault roles bind). Default `external-secrets`. */
  readonly serviceAccountName?: string;
  /** Controller replicas. Default 1; use 2+ in production. */
  readonly replicas?: number;
  /** Leader election between replicas. Default: on when replicas > 1. */
  readonly leaderElect?: boolean;
  /** Container resources for controller, webhook and cert controller. Default 50m/128Mi requests, 256Mi limit. */
  readonly resources?: ContainerResources;
  /** Bind ESO's service account to `system:auth-delegator` (token review mode "clientJwt"). Default false. */
  readonly systemAuthDelegator?: boolean;
  /** Concurrent ExternalSecret reconciles. Default: the chart's (1). */
  readonly concurrent?: number;
  /** Chart version. Default: the pinned `ESO_CHART.version`. */
  readonly chartVersion?: string;
  /** More chart values (e.g. monitoring), deep-merged over the hardened ones. Default: none. */
  // `any`, not `unknown`: the schema inference (provider/experimental/analyzer.js) maps `any` to pulumi.json#/Any.
  readonly extraValues?: Record<string, any>;
}

/**
 * ESO installed from its Helm chart as a `helm.v3.Release`, in a namespace
 * that enforces the Pod Security "restricted" profile.
 *
 * Why `helm.v3.Release` and not `helm.v4.Chart`: a Release is a real Helm
 * release (`helm list`, `helm rollback`, chart hooks, `atomic` rollback on
 * failure), it waits for the webhook Deployment to be ready before
 * dependants (stores) are created, and its inputs (the values) are visible to
 * the test mocks. The price is that `pulumi preview` shows a values diff
 * rather than per-object diffs; `npm run render` and the pinned chart version
 * make up for part of that.
 */
export class EsoInstall extends pulumi.ComponentResource {
  /** ESO's namespace. */
  public readonly namespace: pulumi.Output<string>;
  /** ESO's controller service account (the identity Vault roles bind). */
  public readonly serviceAccountName: string;
  /** The Helm release (pass the component itself as `dependsOn` to wait for CRDs and webhook). */
  public readonly release: k8s.helm.v3.Release;
  /** The exact values handed to the chart. */
  public readonly values: Record<string, any>;

  constructor(name: string, args: EsoInstallArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    // Which resources exist follows from these args: an Output outside the Input fields is refused, never stringified.
    refuse("EsoInstall", name, deferredProblems(args, []));
    const resources = args.resources ?? { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } };
    // Refused before super(): nothing registers, and the CLI shows only the message.
    if (resources.requests.cpu === undefined) throw new InputError(`EsoInstall ${name}: resources.requests.cpu is required. Fix: set a quantity such as "50m"`);
    super("vault-eso:index:EsoInstall", name, {}, opts);
    const replicas = args.replicas ?? 1;
    this.serviceAccountName = args.serviceAccountName ?? "external-secrets";
    this.values = mergeValues(esoChartValues({
      serviceAccountName: this.serviceAccountName,
      replicas,
      leaderElect: args.leaderElect ?? replicas > 1,
      resources: { requests: { cpu: resources.requests.cpu, memory: resources.requests.memory }, limits: resources.limits },
      systemAuthDelegator: args.systemAuthDelegator ?? false,
      concurrent: args.concurrent,
    }), args.extraValues ?? {});

    const namespace = args.namespace ?? "external-secrets";
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: namespace,
          labels: { ...MANAGED_BY_LABELS, ...RESTRICTED_POD_SECURITY },
        },
      },
      { parent: this },
    );

    this.release = new k8s.helm.v3.Release(
      `${name}-chart`,
      {
        // A fixed release name keeps the chart's object names (and the
        // service account Vault roles bind) stable.
        name: ESO_CHART.name,
        chart: ESO_CHART.name,
        version: args.chartVersion ?? ESO_CHART.version,
        repositoryOpts: { repo: ESO_CHART.repo },
        // A literal (ordered after the namespace by dependsOn): adoption matches the release by it (vault-backend/adopt.ts).
        namespace,
        values: this.values,
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 10,
        timeout: 600,
      },
      { parent: this, dependsOn: [ns] },
    );

    // Dependants that need the chart (CRDs, webhook) ready use `dependsOn: <this>`.
    this.namespace = ns.metadata.name;
    this.registerOutputs({ namespace: this.namespace, serviceAccountName: this.serviceAccountName });
  }
}
