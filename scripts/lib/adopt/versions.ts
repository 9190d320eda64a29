/**
 * The installed ESO, read from a dump, and the way from it to the version the
 * program pins. Pure.
 *
 * external-secrets `docs/introduction/stability-support.md` (v2.9.0): only the
 * latest minor is supported, and upgrades go "one minor version at a time
 * (e.g., 0.18.x -> 0.19.x -> 0.20.x) rather than skipping versions". The minors
 * below are the project's release tags `v<major>.<minor>.0` (0.1 ... 0.20,
 * 1.0 ... 1.3, 2.0 ... 2.9): after 0.20 came 1.0, after 1.3 came 2.0.
 *
 * ESO 2.9.0's CRDs (`config/crds/bases/external-secrets.io_*.yaml`): `v1` is
 * served and the storage version; `v1beta1` is still listed but `served:
 * false`; PushSecret is `v1alpha1` only. Objects written as v1beta1 by an older
 * ESO stay stored as v1beta1 until rewritten, and the CRD keeps `v1beta1` in
 * `status.storedVersions` until it is removed by hand; the API server refuses
 * a CRD that drops a version still in `storedVersions`
 * (kubernetes `apiextensions-apiserver` validation of `status.storedVersions`).
 */
import { ESO_CHART } from "../../../components/eso/eso";
import type { KubeObject } from "./dump";

export const ESO_MINORS: readonly string[] = [
  ...Array.from({ length: 21 }, (_, i) => `0.${i}`).slice(1),
  "1.0", "1.1", "1.2", "1.3",
  ...Array.from({ length: 10 }, (_, i) => `2.${i}`),
];

const minorOf = (version: string) => /^v?(\d+)\.(\d+)/.exec(version)?.slice(1, 3).join(".");

/**
 * The chart versions to install one after the other to get from `from` to
 * `to` (each the next minor's `.0`, the last one `to` itself); empty when
 * `from` is already at `to`'s minor. Undefined if either is unknown or `from` is newer.
 */
export function upgradePath(from: string, to: string = ESO_CHART.version): string[] | undefined {
  const a = ESO_MINORS.indexOf(minorOf(from) ?? "");
  const b = ESO_MINORS.indexOf(minorOf(to) ?? "");
  if (a < 0 || b < 0 || a > b) return undefined;
  return ESO_MINORS.slice(a + 1, b + 1).map((m, i, all) => (i === all.length - 1 ? to.replace(/^v/, "") : `${m}.0`));
}

export interface InstalledEso {
  /** The Helm release (from `meta.helm.sh/release-name`/`release-namespace` on the controller Deployment). */
  readonly release?: { readonly name: string; readonly namespace: string };
  /** `helm.sh/chart: external-secrets-<version>` on the controller Deployment. */
  readonly chartVersion?: string;
  /** `app.kubernetes.io/version`. */
  readonly appVersion?: string;
  /** The controller's service account. */
  readonly serviceAccountName?: string;
  /** The Flux HelmRelease (`<namespace>/<name>`) that installed it, if any (labels `helm.toolkit.fluxcd.io/*`). */
  readonly flux?: string;
  readonly namespace: string;
}

/** ESO's controller Deployment(s): `app.kubernetes.io/name: external-secrets` (the chart's controller, not webhook/cert-controller). */
export function findEso(objects: readonly KubeObject[]): InstalledEso[] {
  return objects
    .filter((o) => o.kind === "Deployment" && o.metadata.labels?.["app.kubernetes.io/name"] === "external-secrets")
    .map((d) => {
      const labels = d.metadata.labels ?? {};
      const ann = d.metadata.annotations ?? {};
      const chart = /^external-secrets-(.+)$/.exec(labels["helm.sh/chart"] ?? "")?.[1];
      const spec = d.spec as { template?: { spec?: { serviceAccountName?: string } } } | undefined;
      const releaseName = ann["meta.helm.sh/release-name"];
      return {
        namespace: d.metadata.namespace ?? "default",
        ...(releaseName ? { release: { name: releaseName, namespace: ann["meta.helm.sh/release-namespace"] ?? d.metadata.namespace ?? "default" } } : {}),
        ...(chart ? { chartVersion: chart } : {}),
        ...(labels["app.kubernetes.io/version"] ? { appVersion: labels["app.kubernetes.io/version"] } : {}),
        ...(spec?.template?.spec?.serviceAccountName ? { serviceAccountName: spec.template.spec.serviceAccountName } : {}),
        ...(labels["helm.toolkit.fluxcd.io/name"] ? { flux: `${labels["helm.toolkit.fluxcd.io/namespace"] ?? d.metadata.namespace}/${labels["helm.toolkit.fluxcd.io/name"]}` } : {}),
      };
    });
}

/** What to do about ESO's CRDs before the upgrade: a step per CRD that still lists `v1beta1` as stored or does not serve `v1`. */
export function crdStoragePlan(objects: readonly KubeObject[]): { steps: string[]; refusals: string[] } {
  const steps: string[] = [];
  const refusals: string[] = [];
  for (const crd of objects.filter((o) => o.kind === "CustomResourceDefinition" && o.metadata.name.endsWith(".external-secrets.io"))) {
    const spec = crd.spec as { names?: { plural?: string }; versions?: Array<{ name: string; served?: boolean; storage?: boolean }> } | undefined;
    const stored = ((crd.status as { storedVersions?: string[] } | undefined)?.storedVersions ?? []).filter((v) => v !== "v1" && v !== "v1alpha1");
    const v1 = spec?.versions?.find((v) => v.name === "v1");
    const plural = spec?.names?.plural ?? crd.metadata.name.split(".")[0];
    if (["externalsecrets", "secretstores", "clustersecretstores", "clusterexternalsecrets"].includes(plural) && !v1?.served) {
      refusals.push(`CRD ${crd.metadata.name} does not serve external-secrets.io/v1 (served: ${(spec?.versions ?? []).filter((v) => v.served).map((v) => v.name).join(", ") || "none"}): the installed ESO predates v1 (ESO 0.16), and the program's objects are v1. Upgrade ESO with Helm one minor at a time first (the path is printed above), then dump again`);
    }
    if (stored.length > 0) {
      steps.push(
        `CRD ${crd.metadata.name}: status.storedVersions still lists ${stored.join(", ")}. After the upgrade, rewrite every object so it is stored as v1 (\`kubectl get ${plural} -A -o json | kubectl replace -f -\`), then drop the old version from the CRD's status (\`kubectl patch crd ${crd.metadata.name} --subresource=status --type=merge -p '{"status":{"storedVersions":["v1"]}}'\`); an ESO release that removes ${stored.join(", ")} from the CRD is refused by the API server until then`,
      );
    }
  }
  return { steps, refusals };
}
