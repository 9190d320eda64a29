/**
 * Vault ACL path patterns as sets of paths (policies/vault/patterns.ts), the
 * sensitive path space (policies/vault/sensitive.ts), and the property that
 * ties them to the least-privilege rule: whenever the ACL evaluator (acl.ts,
 * Vault's own matching) grants a dangerous capability on a concrete
 * sensitive path, the rule raises a mandatory violation naming that class
 * of endpoint. Matching semantics: hashicorp/vault vault/acl.go
 * (`CheckAllowedFromNonExactPaths`, segment wildcards), vault/policy.go
 * `parsePaths` (one leading "/", templating), sdk/helper/identitytpl
 * templating.go (values substituted verbatim).
 */
import fc from "fast-check";
import { compileAcl } from "../policies/vault/acl";
import type { Capability, PathRule } from "../policies/vault/model";
import { mayAddressNamespace, policyMeetsSensitive, policyPathsMeet, sensitiveMatches } from "../policies/vault/patterns";
import { SENSITIVE_ENDPOINTS, sensitiveReach } from "../policies/vault/sensitive";
import { policyLeastPrivilege } from "../policies/guard/rules/vault";
import { renderPolicyHcl } from "../policies/vault/hcl";
import type { GuardResource } from "../policies/guard/rule";

const NS = "{{identity.entity.aliases.auth_kubernetes_x.metadata.service_account_namespace}}";

describe("a policy path as a set of request paths", () => {
  test.each<[string, string, string | undefined]>([
    // `+` is one segment at any position, the first included.
    ["+/policies/acl/*", "sys/policies/acl/+", "sys/policies/acl/x"],
    ["sys/+/acl/p", "sys/policies/acl/+", "sys/policies/acl/p"],
    // A trailing `*` is a string prefix: it may end inside a segment.
    ["sys/pol*", "sys/policies/acl/+", "sys/policies/acl/x"],
    ["sy*", "sys/mounts/**", "sys/mounts/x"],
    // A template can be any string: "sys", and, with a "/" in the value, several segments.
    [`${NS}/policies/acl/x`, "sys/policies/acl/+", "sys/policies/acl/x"],
    [`${NS}/x`, "sys/policies/acl/+", "sys/policies/acl/x"],
    [`secret/data/${NS}/*`, "sys/policies/acl/+", undefined],
    // One leading "/" is dropped; a second one can match no request.
    ["/sys/raw/k", "sys/raw/**", "sys/raw/k"],
    ["//sys/raw/k", "sys/raw/**", undefined],
    // An auth method may be mounted at any path, also several segments deep.
    ["auth/kubernetes/prod/role/r", "auth/**/role/+", "auth/kubernetes/prod/role/r"],
    ["auth/+/role/*", "auth/**/role/+", "auth/x/role/x"],
    ["secret/data/acme/team-a/*", "sys/policies/acl/+", undefined],
    ["sys/policies/acl", "sys/policies/acl/+", undefined],
  ])("%s meets %s at %s", (path, sensitive, witness) => {
    expect(policyMeetsSensitive(path, sensitive)).toBe(witness);
    if (witness !== undefined) {
      expect(sensitiveMatches(sensitive, witness)).toBe(true);
      // The witness is a path Vault's own matcher (the evaluator) gives to this rule: templates aside, where the value is chosen.
      if (!path.includes("{{")) expect(compileAcl([{ name: "p", rules: [{ path, capabilities: ["update"] }] }]).allows("update", witness)).toBe(true);
    }
  });

  test("Vault Enterprise namespaces: a root-namespace path reaches a child namespace's sys/, unless its first segment is a mount or a reserved name", () => {
    expect(policyMeetsSensitive("ns1/sys/policies/acl/p", "sys/policies/acl/+", {}, true)).toBe("ns1/sys/policies/acl/p");
    expect(policyMeetsSensitive("+/+/sys/mounts/*", "sys/mounts/**", {}, true)).toBe("x/x/sys/mounts/x");
    expect(policyMeetsSensitive("secret/data/team-a/*", "sys/policies/acl/+", { mounts: new Set(["secret"]) }, true)).toBeUndefined();
    expect(policyMeetsSensitive("secret/data/team-a/*", "sys/policies/acl/+", {}, true)).toBe("secret/data/team-a/sys/policies/acl/x");
    expect(mayAddressNamespace("sys/x/sys/mounts/a")).toBe(false);
    expect(mayAddressNamespace(`${NS}/sys/mounts/a`)).toBe(true);
  });

  test("two policy paths meet where both match", () => {
    expect(policyPathsMeet("secret/data/+/x", "secret/data/team*")).toBe("secret/data/team/x");
    expect(policyPathsMeet("secret/data/a/*", "secret/data/b/*")).toBeUndefined();
    expect(policyPathsMeet(`secret/data/${NS}/*`, "secret/data/b/k")).toBe("secret/data/b/k");
  });

  test("sensitiveReach: one witness per endpoint class, only for the capabilities dangerous there", () => {
    expect(sensitiveReach("sys/policies/acl/*", ["read", "list"])).toEqual([]);
    expect(sensitiveReach("sys/policies/acl/*", ["update"]).map((h) => [h.endpoint.what, h.witness])).toEqual([["ACL and other policies", "sys/policies/acl/x"]]);
    // Reading raw storage or a snapshot reads every secret.
    expect(sensitiveReach("*", ["read"]).map((h) => h.endpoint.what)).toEqual(["raw storage", "storage and snapshots"]);
    // Vault's default policy is not sensitive.
    for (const r of [
      ["auth/token/lookup-self", ["read"]],
      ["sys/leases/renew", ["update"]],
      ["sys/leases/lookup", ["update"]],
      ["sys/tools/hash/*", ["update"]],
      ["sys/mfa/validate", ["update"]],
      ["identity/oidc/provider/+/authorize", ["read", "update"]],
      ["cubbyhole/*", ["create", "read", "update", "delete", "list"]],
    ] as Array<[string, Capability[]]>) {
      expect(sensitiveReach(r[0], r[1])).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------
// The property: the evaluator's grants on sensitive paths are always caught.

const SEGMENTS = ["sys", "auth", "identity", "policies", "policy", "acl", "mounts", "raw", "audit", "token", "create", "role", "kubernetes", "config", "entity", "group", "secret", "data", "ns1", "p"];
const TEMPLATE = "{{identity.entity.metadata.m}}";
const CAPS: Capability[] = ["create", "read", "update", "patch", "delete", "list", "sudo"];

const segment = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SEGMENTS) }, { weight: 2, arbitrary: fc.constant("+") }, { weight: 1, arbitrary: fc.constant(TEMPLATE) });
const policyPath = fc
  .record({
    segs: fc.array(segment, { minLength: 1, maxLength: 5 }),
    star: fc.constantFrom("", "", "*", "/*"),
    cut: fc.nat(3),
    slash: fc.boolean(),
  })
  .map(({ segs, star, cut, slash }) => {
    let p = segs.join("/");
    // A trailing `*` may end inside a segment ("pol*"), never right after a `+` (Vault refuses "+*").
    if (star === "*" && !p.endsWith("+") && !p.endsWith("}")) p = p.slice(0, Math.max(1, p.length - cut)) + "*";
    else if (star === "/*") p += "/*";
    if (p.includes("+*")) p = p.replace("+*", "+/*");
    return (slash ? "/" : "") + p;
  });
const rule = fc.record({ path: policyPath, capabilities: fc.oneof({ weight: 5, arbitrary: fc.subarray(CAPS, { minLength: 1 }) }, { weight: 1, arbitrary: fc.constant<Capability[]>(["deny"]) }) });
/** A template value: Vault substitutes it verbatim, "/" included (current releases refuse only "+" and "*", which the evaluator drops). */
const templateValue = fc.constantFrom("sys", "auth", "identity", "x", "sys/policies", "sys/policies/acl/p", "auth/kubernetes", "ns1/sys");

/** Concrete paths of a sensitive pattern: `+` one segment, `**` one or two, a trailing `*` any continuation. */
function instances(pattern: string): string[] {
  const prefix = pattern.endsWith("*") && !pattern.endsWith("**");
  const body = prefix ? pattern.slice(0, -1) : pattern;
  let out = [""];
  body.split("/").forEach((s, i) => {
    const choices = s === "+" ? ["p", "kubernetes"] : s === "**" ? ["kubernetes", "k8s/prod", "p"] : [s];
    out = out.flatMap((o) => choices.map((c) => (i === 0 ? c : `${o}/${c}`)));
  });
  return prefix ? out.flatMap((o) => [o, `${o}/p`, `${o}-orphan`]) : out;
}
const SENSITIVE_PATHS = SENSITIVE_ENDPOINTS.flatMap((e) => instances(e.pattern).map((path) => ({ endpoint: e, path })));

const ruleConfig = { allowedSystemPaths: {}, mounts: [] };
const asResource = (rules: PathRule[]): GuardResource => ({
  type: "vault:index/policy:Policy",
  name: "p",
  urn: "urn:pulumi:test::vault-eso::vault:index/policy:Policy::p",
  props: { name: "p", policy: renderPolicyHcl({ name: "p", rules }) },
  protect: false,
});

test("property: whenever the ACL evaluator grants a dangerous capability on a sensitive path (this namespace or another), vault-policy-least-privilege reports that endpoint class", async () => {
  let granted = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(rule, { minLength: 1, maxLength: 4 }), templateValue, fc.constantFrom("", "ns1/", "team-a/"), async (rules, m, ns) => {
      let acl;
      try {
        acl = compileAcl([{ name: "p", rules }], { entity: { metadata: { m } } });
      } catch {
        return; // Vault refuses the policy ("+*"): nothing to judge
      }
      // A namespace cannot share its name with a mount: when the policy uses `ns1` as a KV mount, `ns1/` is not a namespace.
      if (ns !== "" && rules.some((r) => r.path.replace(/^\//, "").startsWith(`${ns}data/`))) return;
      const findings = (await policyLeastPrivilege.check(asResource(rules), ruleConfig)) as string[];
      for (const { endpoint, path } of SENSITIVE_PATHS) {
        const caps = endpoint.dangerous.filter((c) => acl.allows(c, ns + path));
        if (caps.length === 0) continue;
        granted++;
        if (!findings.some((f) => f.includes(endpoint.what))) {
          throw new Error(`the evaluator grants ${caps.join(", ")} on "${ns + path}" (${endpoint.what}), and the rule reports only: ${JSON.stringify(findings)}`);
        }
      }
    }),
    { numRuns: 150, seed: 18 },
  );
  // The generator does reach sensitive paths (the property is not vacuous).
  expect(granted).toBeGreaterThan(100);
});

test("the rule is not 'refuse everything': what the project writes passes, and so do narrow grants beside sensitive endpoints", async () => {
  const pass = [
    [{ path: "secret/data/acme/team-a/*", capabilities: ["create", "read", "update", "delete"] }],
    [{ path: `secret/data/acme/apps/${NS}/*`, capabilities: ["read"] }, { path: `secret/metadata/acme/apps/${NS}/*`, capabilities: ["read", "list"] }],
    [{ path: "sys/metrics", capabilities: ["read", "list"] }],
    [{ path: "sys/policies/acl/*", capabilities: ["read", "list"] }],
  ] as PathRule[][];
  for (const rules of pass) {
    const f = (await policyLeastPrivilege.check(asResource(rules), policyLeastPrivilege.config!.defaults)) as string[];
    expect(f.filter((m) => /sensitive endpoints/.test(m))).toEqual([]);
  }
});
