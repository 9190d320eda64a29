/**
 * What happens to Vault's reviewer token while `pulumi up` rotates it
 * (kubernetesAuth.reviewerTokenGeneration). Three upstream rules, each a
 * small function:
 *
 * - pulumi/pulumi-kubernetes provider/pkg/provider/diff.go forceNewProperties
 *   (metadataForceNewProperties): a change of `metadata.name` or
 *   `metadata.namespace` makes the provider answer "replace".
 * - pulumi/pulumi pkg/resource/deploy/step_generator.go (replacement steps):
 *   a replacement is create-before-delete unless `deleteBeforeReplace` is set;
 *   the dependents are updated against the new resource and the old one is
 *   deleted at the end of the update (it sits in state as pending-delete).
 *   With `deleteBeforeReplace` the old one is deleted first.
 * - kubernetes/kubernetes pkg/serviceaccount/legacy.go (legacyValidator
 *   Validate): a Secret-based (legacy) service-account token names its Secret;
 *   the API server refuses it ("Token has been invalidated") once that Secret
 *   is gone or being deleted. Vault's TokenReview with a refused reviewer token
 *   fails every login.
 */

export interface SecretObject {
  readonly metadata: { readonly name: string; readonly namespace: string };
}

/** pulumi-kubernetes diff.go: which metadata changes force a replacement. */
export function forcesReplacement(before: SecretObject, after: SecretObject): boolean {
  return before.metadata.name !== after.metadata.name || before.metadata.namespace !== after.metadata.namespace;
}

export type Step = { readonly op: "create"; readonly secret: string } | { readonly op: "delete"; readonly secret: string } | { readonly op: "point-vault-at"; readonly secret: string };

/** step_generator.go: the order of a replacement of the token Secret with Vault's auth config as its dependent. */
export function replacementSteps(oldSecret: string, newSecret: string, deleteBeforeReplace: boolean): Step[] {
  return deleteBeforeReplace
    ? [{ op: "delete", secret: oldSecret }, { op: "create", secret: newSecret }, { op: "point-vault-at", secret: newSecret }]
    : [{ op: "create", secret: newSecret }, { op: "point-vault-at", secret: newSecret }, { op: "delete", secret: oldSecret }];
}

/** legacy.go: a legacy token is accepted only while its own Secret exists. */
export function legacyTokenAccepted(tokenSecret: string, existingSecrets: ReadonlySet<string>): boolean {
  return existingSecrets.has(tokenSecret);
}

/**
 * Plays the steps from "Vault reviews with the token of `oldSecret`" and
 * returns the steps after which Vault's reviewer token is refused (each one
 * a window in which every login fails).
 */
export function loginOutages(oldSecret: string, steps: readonly Step[]): Step[] {
  const secrets = new Set([oldSecret]);
  let vaultHolds = oldSecret;
  const outages: Step[] = [];
  for (const s of steps) {
    if (s.op === "create") secrets.add(s.secret);
    else if (s.op === "delete") secrets.delete(s.secret);
    else vaultHolds = s.secret;
    if (!legacyTokenAccepted(vaultHolds, secrets)) outages.push(s);
  }
  return outages;
}
