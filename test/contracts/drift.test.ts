/**
 * The drift check's judge (scripts/lib/drift.ts) on focused preview digests, in the shape pulumi/pulumi
 * `pkg/backend/display/json.go` ShowJSONEvents prints (`steps[].op/urn/diffReasons/detailedDiff`,
 * `diagnostics[].severity`), and the exit status the workflow fails on. The program's own refreshed
 * preview is judged in test/contracts/token-auth.test.ts.
 */
import { classifyPreview, driftExitCode, driftReport, parsePropertyPath, parseUrn } from "../../scripts/lib/drift";

const U = "urn:pulumi:prod::vault-eso::";
const R = "vault-eso:index:TokenRenewer$";
const tokenCreate = { op: "create", urn: `${U}${R}vault:index/token:Token::token-renewer-token` };
const secretData = { op: "update", urn: `${U}${R}kubernetes:core/v1:Secret::token-renewer-bootstrap-secret`, diffReasons: ["data"], detailedDiff: { "data.token": { kind: "update" } } };
const JOB = `${U}${R}kubernetes:batch/v1:Job::token-renewer-bootstrap`;
// pulumi/pulumi sdk/go/common/resource/properties_path.go: a key that is not an identifier prints as ["..."].
const ACCESSOR_PATH = 'spec.template.metadata.annotations["vault-eso.io/bootstrap-accessor"]';
const jobReplace = { op: "replace", urn: JOB, replaceReasons: ["spec"], detailedDiff: { [ACCESSOR_PATH]: { kind: "update-replace" } } };

describe("pulumi/pulumi pkg/backend/display/json.go previewDigest: judging a refreshed preview", () => {
  test("URNs: parent types, the type and a name with '::' in it", () => {
    expect(parseUrn(`${U}${R}vault:index/token:Token::a::b`)).toEqual({ stack: "prod", project: "vault-eso", parents: ["vault-eso:index:TokenRenewer"], type: "vault:index/token:Token", name: "a::b" });
    expect(() => parseUrn("token-renewer-token")).toThrow(/not a Pulumi URN/);
  });

  test("same / read / refresh steps are no change: exit 0 whether the preview succeeded or not only if it proposed nothing", () => {
    const v = classifyPreview({ steps: [{ op: "same", urn: `${U}vault:index/policy:Policy::p` }, { op: "refresh", urn: `${U}vault:index/policy:Policy::p` }] });
    expect(v).toEqual({ drift: [], expected: [], errors: [] });
    expect(driftExitCode(v, true)).toBe(0);
    // A failed preview that planned nothing (no digest steps, no error diagnostics) is a failure of the check, not "no drift".
    expect(driftExitCode(v, false)).toBe(2);
  });

  test("the lifecycle is accepted only as a set: the Secret's data and the Job only next to a re-minted token", () => {
    expect(classifyPreview({ steps: [tokenCreate, secretData, jobReplace] }).drift).toEqual([]);
    expect(classifyPreview({ steps: [secretData] }).drift.map((c) => c.name)).toEqual(["token-renewer-bootstrap-secret"]);
    expect(classifyPreview({ steps: [jobReplace] }).drift.map((c) => c.name)).toEqual(["token-renewer-bootstrap"]);
    // Other properties of the bootstrap Secret (labels edited by hand) are drift even then.
    const labels = { ...secretData, detailedDiff: { "data.token": { kind: "update" }, "metadata.labels.team": { kind: "add" } } };
    expect(classifyPreview({ steps: [tokenCreate, labels] }).drift.map((c) => c.name)).toEqual(["token-renewer-bootstrap-secret"]);
    // A token replacement (a changed input) or deletion is not the refresh drop; nor is a token outside the renewer.
    expect(classifyPreview({ steps: [{ ...tokenCreate, op: "replace" }] }).drift).toHaveLength(1);
    expect(classifyPreview({ steps: [{ op: "create", urn: `${U}other:index:Thing$vault:index/token:Token::token-renewer-token` }] }).drift).toHaveLength(1);
    // The main token Secret is the renewer's: its data never shows (ignoreChanges), so any step on it is drift.
    expect(classifyPreview({ steps: [tokenCreate, { op: "update", urn: `${U}${R}kubernetes:core/v1:Secret::token-renewer-secret`, diffReasons: ["metadata"] }] }).drift).toHaveLength(1);
  });

  test("the bootstrap Job is expected only when its accessor annotation alone differs: an image, command, service account or env change next to a re-mint is drift (issue 25)", () => {
    const withJob = (detailedDiff: Record<string, { kind: string }>, extra: Array<{ op: string; urn: string }> = []) => classifyPreview({ steps: [tokenCreate, secretData, { op: "replace", urn: JOB, replaceReasons: ["spec"], detailedDiff }, ...extra] });
    expect(withJob({ [ACCESSOR_PATH]: { kind: "update-replace" } }, [{ op: "create-replacement", urn: JOB }, { op: "delete-replaced", urn: JOB }]).drift).toEqual([]);
    for (const sneaked of [
      "spec.template.spec.containers[0].image",
      "spec.template.spec.containers[0].command[2]",
      "spec.template.spec.serviceAccountName",
      "spec.template.spec.containers[0].env[3].value",
      'spec.template.metadata.annotations["vault-eso.io/other"]',
      "spec.template.metadata.annotations",
    ]) {
      const v = withJob({ [ACCESSOR_PATH]: { kind: "update-replace" }, [sneaked]: { kind: "update-replace" } }, [{ op: "create-replacement", urn: JOB }, { op: "delete-replaced", urn: JOB }]);
      expect(`${sneaked}: ${v.drift.map((c) => `${c.op} ${c.name}`).join(", ")}`).toBe(`${sneaked}: replace token-renewer-bootstrap, create-replacement token-renewer-bootstrap, delete-replaced token-renewer-bootstrap`);
    }
    // No property detail at all: nothing shows the change is the annotation, so it is drift.
    expect(classifyPreview({ steps: [tokenCreate, { op: "replace", urn: JOB, replaceReasons: ["spec"] }] }).drift.map((c) => c.name)).toEqual(["token-renewer-bootstrap"]);
    // An in-place update of the Job is never the lifecycle (its template is immutable).
    expect(classifyPreview({ steps: [tokenCreate, { op: "update", urn: JOB, detailedDiff: { [ACCESSOR_PATH]: { kind: "update" } } }] }).drift).toHaveLength(1);
  });

  test("pulumi/pulumi properties_path.go ParsePropertyPath: names, indexes, quoted keys with escapes", () => {
    expect(parsePropertyPath('spec.template.metadata.annotations["vault-eso.io/bootstrap-accessor"]')).toEqual(["spec", "template", "metadata", "annotations", "vault-eso.io/bootstrap-accessor"]);
    expect(parsePropertyPath('a[0]["k \\"q\\" ."].b[*]')).toEqual(["a", 0, 'k "q" .', "b", "*"]);
    expect(parsePropertyPath('a["unterminated')).toBeUndefined();
    expect(parsePropertyPath("a[x]")).toBeUndefined();
  });

  test("drift: exit 1, a table of resource, operation and property paths; no values, even non-secret ones", () => {
    const step = {
      op: "update",
      urn: `${U}vault:index/policy:Policy::external-secrets-read`,
      diffReasons: ["policy"],
      detailedDiff: { policy: { kind: "update", inputDiff: false } },
      oldState: { inputs: { policy: 'path "secret/data/HAND-EDITED/*" {}' } },
      newState: { inputs: { policy: 'path "secret/data/acme/*" {}', token: "hvs.NEVER-PRINTED" } },
    };
    const deleted = { op: "create", urn: `${U}vault:kubernetes/authBackendRole:AuthBackendRole::tenant-billing-role` };
    const v = classifyPreview({ steps: [step, deleted, tokenCreate] });
    expect(driftExitCode(v, false)).toBe(1);
    const md = driftReport("prod", v);
    expect(md).toContain("| `update` | `vault:index/policy:Policy` | `external-secrets-read` | `policy` |");
    expect(md).toContain("| `create` | `vault:kubernetes/authBackendRole:AuthBackendRole` | `tenant-billing-role` | (whole resource) |");
    expect(md).toContain("docs/operations.md");
    expect(md).not.toMatch(/HAND-EDITED|acme|hvs\./);
  });

  test("an error diagnostic (the refresh itself failed, e.g. permission denied) is exit 2 and reported, not 'no drift'", () => {
    const v = classifyPreview({ steps: [], diagnostics: [{ severity: "error", message: "refreshing urn:...: permission denied\n" }, { severity: "warning", message: "w" }] });
    expect(v.errors).toEqual(["refreshing urn:...: permission denied"]);
    expect(driftExitCode(v, false)).toBe(2);
    expect(driftReport("prod", v)).toMatch(/did not complete/);
  });
});
