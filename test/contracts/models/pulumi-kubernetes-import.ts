/**
 * What pulumi-kubernetes and Helm do with an adopted object, written from the
 * sources (not copied), for the adoption contract tests:
 *
 * - pulumi/pulumi-kubernetes (snapshot 94977969d, the 4.33 line; the project
 *   pins 4.34.2) `provider/pkg/provider/util.go` `parseFqName`: the import ID
 *   split on "/": one part is a name (cluster-scoped), otherwise the first two
 *   parts are namespace and name. `provider.go` `Read`: with no old inputs (an
 *   import) the GVK comes from the URN's type and the object is read from the
 *   cluster; the returned inputs are its live fields. `helm_release.go` `Read`:
 *   the same `parseFqName` on the ID, then the release from Helm's storage.
 * - `provider/pkg/await/await.go` `Creation`: a create of an existing object
 *   fails with AlreadyExists (client-side create) unless `upsertExistingObjects`.
 * - helm/helm v3.19.5 `pkg/action/validate.go` `checkOwnership`: an existing
 *   object is taken into a release only if it carries the label
 *   `app.kubernetes.io/managed-by: Helm` and the annotations
 *   `meta.helm.sh/release-name` and `meta.helm.sh/release-namespace` equal to
 *   that release's; `install.go` `availableName`: "cannot re-use a name that is
 *   still in use" for a deployed release of that name.
 */

export function parseFqName(id: string): { namespace: string; name: string } {
  const split = id.split("/");
  if (split.length === 1) return { namespace: "", name: split[0] };
  return { namespace: split[0], name: split[1] };
}

export function helmOwnershipProblems(
  obj: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } },
  releaseName: string,
  releaseNamespace: string,
): string[] {
  const out: string[] = [];
  const need = (m: Record<string, string> | undefined, k: string, v: string, what: string) => {
    const actual = m?.[k];
    if (actual === undefined) out.push(`${what} validation error: missing key "${k}": must be set to "${v}"`);
    else if (actual !== v) out.push(`${what} validation error: key "${k}" must equal "${v}": current value is "${actual}"`);
  };
  need(obj.metadata.labels, "app.kubernetes.io/managed-by", "Helm", "label");
  need(obj.metadata.annotations, "meta.helm.sh/release-name", releaseName, "annotation");
  need(obj.metadata.annotations, "meta.helm.sh/release-namespace", releaseNamespace, "annotation");
  return out;
}
