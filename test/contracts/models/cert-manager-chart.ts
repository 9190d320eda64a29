/**
 * Model of how cert-manager's CRDs get installed through
 * `@pulumi/kubernetes-cert-manager` 0.2.0 (written from the sources, not copied):
 *
 * 1. The component (pulumi/pulumi-kubernetes-cert-manager
 *    provider/pkg/provider/chart.go `CertManagerArgs`) builds the Helm values
 *    with pulumi/pulumi-go-helmbase base.go `InitDefaults`: it starts from
 *    `helmOptions.values` and copies the component's typed fields over it
 *    ("the strongly typed values override the weakly typed map"). A key that is
 *    not a typed field (such as `crds`) reaches the chart as the program gave it.
 * 2. The chart (cert-manager/cert-manager deploy/charts/cert-manager, v1.15+):
 *    values.yaml defaults `installCRDs: false`, `crds.enabled: false`,
 *    `crds.keep: true`; templates/_helpers.tpl `cert-manager.crd-check` fails the
 *    render when `installCRDs` and `crds.enabled` are both set, or `installCRDs`
 *    with `crds.keep: false`; each templates/crd-*.yaml renders when
 *    `crds.enabled or installCRDs`, annotated `helm.sh/resource-policy: keep`
 *    when `crds.keep`. `installCRDs` is documented as deprecated.
 */

/** chart.go `CertManagerArgs` pulumi tags: the fields the component copies over `helmOptions.values`. */
export const TYPED_FIELDS = [
  "global", "installCRDs", "replicaCount", "strategy", "featureGates", "image", "clusterResourceNamespace",
  "serviceAccount", "extraArgs", "extraEnv", "resources", "securityContext", "containerSecurityContext",
  "extraVolumes", "extraVolumeMounts", "deploymentAnnotations", "podAnnotations", "podLabels", "serviceLabels",
  "serviceAnnotations", "podDnsPolicy", "podDnsConfig", "nodeSelector", "ingressShim", "prometheus",
  "http_proxy", "https_proxy", "no_proxy", "affinity", "tolerations", "webhook", "cainjector", "startupapicheck",
] as const;

/** base.go `InitDefaults`: the values the Helm release gets from the component's inputs. */
export function releaseValues(inputs: Record<string, unknown>): Record<string, unknown> {
  const helmOptions = (inputs.helmOptions ?? {}) as { values?: Record<string, unknown> };
  const values: Record<string, unknown> = { ...(helmOptions.values ?? {}) };
  for (const f of TYPED_FIELDS) {
    // An unset typed field leaves the chart default in place (absent or null: Helm drops null keys).
    if (inputs[f] !== undefined) values[f] = inputs[f];
    else if (f in values) delete values[f];
  }
  return values;
}

export interface CrdOutcome {
  /** The chart's render error, if any (`cert-manager.crd-check`). */
  readonly renderError?: string;
  readonly crdsInstalled: boolean;
  /** CRDs carry `helm.sh/resource-policy: keep` (survive `helm uninstall`). */
  readonly crdsKept: boolean;
  /** The deprecated `installCRDs` is in use. */
  readonly deprecatedInstallCRDs: boolean;
}

/** The chart's CRD logic over the final values. */
export function chartCrds(values: Record<string, unknown>): CrdOutcome {
  const crds = (values.crds ?? {}) as { enabled?: unknown; keep?: unknown };
  const installCRDs = values.installCRDs === true;
  const enabled = crds.enabled === true;
  const keep = crds.keep === undefined ? true : crds.keep === true;
  let renderError: string | undefined;
  if (installCRDs && enabled) renderError = "the deprecated .installCRDs option cannot be enabled at the same time as its replacement .crds.enabled";
  else if (installCRDs && !keep) renderError = ".crds.keep is not compatible with .installCRDs";
  const crdsInstalled = !renderError && (enabled || installCRDs);
  return { renderError, crdsInstalled, crdsKept: crdsInstalled && keep, deprecatedInstallCRDs: installCRDs };
}
