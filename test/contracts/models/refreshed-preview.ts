/**
 * What `pulumi preview --refresh` plans for a stack whose program did not change, given which resources
 * the refresh drops from state. Pulumi engine rules (pulumi/pulumi `pkg/resource/deploy/step_generator.go`
 * GenerateSteps / generateStepsFromDiff): a registered resource absent from state is a `create`; one whose
 * inputs take a value the engine does not know yet (the output of a resource being created: unknown in a
 * preview) is an `update` of those properties, or a `replace` when the provider says the property cannot
 * change in place (a Job's `spec.template` is immutable in Kubernetes: pulumi-kubernetes replaces the Job,
 * see components/token-renewer/renewer-builders.ts renewerJobSpec); every other resource is `same`.
 *
 * Which resources a refresh drops comes from the provider models: the bootstrap `vault.Token` after the
 * bootstrap Job revoked it (./tf-vault-token.ts tokenResource.read, ./token-lifecycle.ts).
 * Dependencies are found by data flow: the dropped resource's ID or output value (raw or base64) in an input.
 */
import type { Registered } from "../../helpers/mocks";
import type { PreviewStep } from "../../../scripts/lib/drift";

/** Outputs the mock engine gave a resource (test/helpers/mocks.ts: id `<name>-id`, a token's clientToken). */
export function mockOutputs(r: Registered): string[] {
  const out = [`${r.name}-id`];
  if (r.type === "vault:index/token:Token") out.push(`hvs.mock-${r.name}`);
  return out;
}

/** Property paths (dotted) of `inputs` whose string value contains one of `needles` (raw or base64). */
export function pathsHolding(inputs: unknown, needles: readonly string[], at = ""): string[] {
  const forms = needles.flatMap((n) => [n, Buffer.from(n, "utf8").toString("base64")]);
  if (typeof inputs === "string") return forms.some((f) => inputs.includes(f)) ? [at] : [];
  if (inputs === null || typeof inputs !== "object") return [];
  // A secret value on the wire (pulumi/pulumi sdk/nodejs runtime/rpc.ts specialSigKey + value): transparent.
  const o = inputs as Record<string, unknown>;
  if (o[SECRET_SIG] === SECRET_SIG_VALUE) return pathsHolding(o.value, needles, at);
  // Keys that are not identifiers print quoted (pulumi/pulumi sdk/go/common/resource/properties_path.go: `["vault-eso.io/x"]`).
  const seg = (k: string) => (/^[a-zA-Z_$][a-zA-Z0-9_$]*$/.test(k) ? (at ? `.${k}` : k) : `[${JSON.stringify(k)}]`);
  return Object.entries(inputs as Record<string, unknown>).flatMap(([k, v]) => pathsHolding(v, needles, `${at}${seg(k)}`));
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

const REPLACE_ON: Record<string, RegExp> = { "kubernetes:batch/v1:Job": /^spec\.template(\.|$)/ };

export function refreshedPreview(
  stack: string,
  resources: readonly Registered[],
  droppedByRefresh: ReadonlySet<string>,
  parentsOf: (r: Registered) => readonly string[],
): PreviewStep[] {
  const urn = (r: Registered) => `urn:pulumi:${stack}::vault-eso::${[...parentsOf(r), r.type].join("$")}::${r.name}`;
  const dropped = resources.filter((r) => droppedByRefresh.has(r.name));
  const unknown = dropped.flatMap(mockOutputs);
  const steps: PreviewStep[] = [];
  for (const r of resources) {
    if (r.read) continue;
    if (droppedByRefresh.has(r.name)) {
      steps.push({ op: "create", urn: urn(r) });
      continue;
    }
    // ignoreChanges: the engine keeps the old value of those properties (step_generator.go processIgnoreChanges).
    const ignored = (p: string) => (r.ignoreChanges ?? []).some((i) => p === i || p.startsWith(`${i}.`));
    const paths = pathsHolding(r.inputs, unknown).filter((p) => !ignored(p));
    if (paths.length === 0) {
      steps.push({ op: "same", urn: urn(r) });
      continue;
    }
    // detailedDiff keys as the engine prints them: the top-level property and the path below it.
    const detailedDiff = Object.fromEntries(paths.map((p) => [p, { kind: REPLACE_ON[r.type]?.test(p) ? "update-replace" : "update", inputDiff: true }]));
    const replace = paths.some((p) => REPLACE_ON[r.type]?.test(p));
    steps.push({ op: replace ? "replace" : "update", urn: urn(r), diffReasons: [...new Set(paths.map((p) => p.split(".")[0]))], detailedDiff });
  }
  return steps;
}

/** pulumi/pulumi `pkg/engine` HasChanges as `--expect-no-changes` applies it: any step other than same/read/refresh. */
export function expectNoChangesFails(steps: readonly PreviewStep[]): boolean {
  return steps.some((s) => !["same", "read", "read-discard", "refresh"].includes(s.op));
}
