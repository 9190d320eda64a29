/**
 * hashicorp/vault's own ACL and capability tables, run end to end through
 * this project's parser and evaluator (policy text -> parsePolicyHcl ->
 * compileAcl -> answer), with Vault's expected answers.
 *
 * Ported from hashicorp/vault `vault/acl_test.go` (TestACL_Root,
 * TestACL_Capabilities, TestACL_Single, TestACL_Layered,
 * TestACL_SegmentWildcardPriority, TestACLGrantingPolicies,
 * TestACL_AllowOperation, TestACL_ValuePermissions, TestACL_MFAMethods; stored version
 * 01c88db77d4c1060ae8d293006a8107d253481c1) and `vault/capabilities_test.go`
 * (TestCapabilities, TestCapabilities_DerivedPolicies,
 * TestCapabilities_TemplatedPolicies; stored version
 * 030fcaff747d957f1e70bb28bd731f3ad93a8546). The code under test models
 * vault/acl.go `NewACL` / `AllowOperation` / `CheckAllowedFromNonExactPaths`
 * and vault/policy.go `parsePaths`.
 *
 * Vault's operations map to capabilities one to one (read, list, update,
 * delete, create, patch, recover). `help` rows are left out: Vault allows
 * help before looking at any policy, so they say nothing about policies.
 * Rows whose Vault answer depends on request data (parameters, wrapping
 * TTLs) are answered conservatively: allowed wherever the capability is.
 */
import { compileAcl } from "../../policies/vault/acl";
import { parsePolicyHcl } from "../../policies/vault/hcl";
import type { Capability, VaultPolicy } from "../../policies/vault/model";
import * as fx from "./fixtures";

type Op = "read" | "list" | "update" | "delete" | "create" | "patch" | "recover";
type Row = [Op, string, boolean, boolean];

const parse = (name: string, text: string) => parsePolicyHcl(name, text);
/** Vault's RootPrivs: sudo on the rule that decides the request (root: always). */
const rootPrivs = (acl: ReturnType<typeof compileAcl>, op: Op, path: string, root = false) => root || acl.decidingRule(path, op === "list")?.capabilities.has("sudo") === true;

describe("hashicorp/vault vault/acl_test.go TestACL_Root (acl.go AllowOperation root fast path)", () => {
  test("a root token may update sys/mount/foo with root privileges", () => {
    const acl = compileAcl([{ name: "root", rules: [] }]);
    expect(acl.allows("update", "sys/mount/foo")).toBe(true);
    expect(acl.check("update", "sys/mount/foo").rootPrivs).toBe(true);
  });
});

describe("hashicorp/vault vault/acl_test.go TestACL_Capabilities (acl.go Capabilities, looked up as a list request)", () => {
  test("root: every capability on any path", async () => {
    expect([...compileAcl([{ name: "root", rules: [] }]).capabilities("any/path")].sort()).toEqual(["create", "delete", "list", "patch", "read", "recover", "subscribe", "sudo", "update"]);
  });
  test.each([
    ["dev", []],
    ["dev/", ["sudo", "read", "list", "update", "delete", "create"]],
    ["stage/aws/test", ["sudo", "read", "list", "update"]],
  ])("aclPolicy: capabilities on %j", async (path, expected) => {
    const acl = compileAcl([await parse("dev", fx.aclPolicy)]);
    expect([...acl.capabilities(path)].sort()).toEqual([...expected].sort());
  });
});

const singleRows: Row[] = [
  ["read", "root", false, false],
  ["read", "dev/foo", true, true],
  ["update", "dev/foo", true, true],
  ["delete", "stage/foo", true, false],
  ["list", "stage/aws/foo", true, true],
  ["update", "stage/aws/foo", true, true],
  ["update", "stage/aws/policy/foo", true, true],
  ["delete", "prod/foo", false, false],
  ["update", "prod/foo", false, false],
  ["read", "prod/foo", true, false],
  ["list", "prod/foo", true, false],
  ["read", "prod/aws/foo", false, false],
  ["read", "foo/bar", true, true],
  ["list", "foo/bar", false, true],
  ["update", "foo/bar", false, true],
  ["create", "foo/bar", true, true],
  ["read", "baz/quux", true, false],
  ["create", "baz/quux", true, false],
  ["patch", "baz/quux", true, false],
  ["list", "baz/quux", false, false],
  ["update", "baz/quux", false, false],
  ["read", "test/foo/bar/segment", false, false],
  ["read", "test/foo/segment", true, false],
  ["read", "test/bar/segment", true, false],
  ["read", "test/segment/at/frond", false, false],
  ["read", "test/segment/at/front", true, false],
  ["read", "test/segment/at/end/foo", true, false],
  ["read", "test/segment/at/end/foo/", false, false],
  ["read", "test/segment/at/end/v2/foo/", true, false],
  ["read", "test/segment/wildcard/at/foo/", true, false],
  ["read", "test/segment/wildcard/at/end", true, false],
  ["read", "test/segment/wildcard/at/end/", true, false],
  ["read", "1/2/3/4", false, false],
  ["read", "1/2/3", true, false],
  ["update", "1/2/3", false, false],
  ["update", "1/2/3/4", true, false],
  ["create", "1/2/3/4/5", true, false],
  ["recover", "1/2/3/4", true, false],
];

describe("hashicorp/vault vault/acl_test.go TestACL_Single (acl.go AllowOperation, one policy with legacy `policy =` stanzas)", () => {
  let acl: ReturnType<typeof compileAcl>;
  beforeAll(async () => {
    acl = compileAcl([await parse("dev", fx.aclPolicy)]);
  });
  test("sys/mount/foo: no root privileges", () => expect(rootPrivs(acl, "read", "sys/mount/foo")).toBe(false));
  test.each(singleRows)("%s %j: allowed %j, rootPrivs %j", (op, path, allowed, sudo) => {
    expect(acl.allows(op as Capability, path)).toBe(allowed);
    expect(rootPrivs(acl, op, path)).toBe(sudo);
  });
});

const layeredRows: Row[] = [
  ["read", "root", false, false],
  ["read", "dev/foo", true, true],
  ["update", "dev/foo", true, true],
  ["read", "dev/hide/foo", false, false],
  ["update", "dev/hide/foo", false, false],
  ["delete", "stage/foo", true, false],
  ["list", "stage/aws/foo", true, true],
  ["update", "stage/aws/foo", true, true],
  ["update", "stage/aws/policy/foo", false, false],
  ["delete", "prod/foo", true, false],
  ["update", "prod/foo", true, false],
  ["read", "prod/foo", true, false],
  ["list", "prod/foo", true, false],
  ["read", "prod/aws/foo", false, false],
  ["read", "sys/status", false, false],
  ["update", "sys/seal", true, true],
  ["read", "foo/bar", false, false],
  ["list", "foo/bar", false, false],
  ["update", "foo/bar", false, false],
  ["create", "foo/bar", false, false],
  ["read", "baz/quux", false, false],
  ["list", "baz/quux", false, false],
  ["update", "baz/quux", false, false],
  ["create", "baz/quux", false, false],
  ["patch", "baz/quux", false, false],
];

describe("hashicorp/vault vault/acl_test.go TestACL_Layered (acl.go NewACL merge: union, deny wins)", () => {
  let acl: ReturnType<typeof compileAcl>;
  beforeAll(async () => {
    acl = compileAcl([await parse("dev", fx.aclPolicy), await parse("ops", fx.aclPolicy2)]);
  });
  test.each(layeredRows)("%s %j: allowed %j, rootPrivs %j", (op, path, allowed, sudo) => {
    expect(acl.allows(op as Capability, path)).toBe(allowed);
    expect(rootPrivs(acl, op, path)).toBe(sudo);
  });
});

describe("hashicorp/vault vault/acl_test.go TestACL_SegmentWildcardPriority (acl.go wildcardPathDescriptorComparePriority)", () => {
  test.each([
    ['path "+/*" { capabilities = ["read"] }\npath "*" { capabilities = ["update"] }', "foo/bar/bar/baz"],
    ['path "+/*" { capabilities = ["read"] }\npath "foo/+/*" { capabilities = ["update"] }', "foo/bar/bar/baz"],
    ['path "foo/+/+/*" { capabilities = ["read"] }\npath "foo/+/bar/baz" { capabilities = ["update"] }', "foo/bar/bar/baz"],
    ['path "foo/+/+/baz" { capabilities = ["read"] }\npath "foo/+/bar/baz" { capabilities = ["update"] }', "foo/bar/bar/baz"],
    ['path "foo/+/(ar/baz" { capabilities = ["read"] }\npath "foo/(ar/+/baz" { capabilities = ["update"] }', "foo/(ar/(ar/baz"],
    ['path "foo/bar/+/baz*" { capabilities = ["read"] }\npath "foo/bar/+/baz" { capabilities = ["update"] }', "foo/bar/bar/baz"],
    ['path "foo/bar/+/b*" { capabilities = ["read"] }\npath "foo/bar/+/ba*" { capabilities = ["update"] }', "foo/bar/bar/baz"],
  ])("%s: the update rule decides %j", async (text, path) => {
    const acl = compileAcl([await parse("p", text)]);
    expect(acl.allows("update", path)).toBe(true);
    expect(acl.allows("read", path)).toBe(false);
  });
});

describe("hashicorp/vault vault/acl_test.go TestACLGrantingPolicies (acl.go GrantingPoliciesMap)", () => {
  let policy: VaultPolicy;
  let merged: VaultPolicy;
  beforeAll(async () => {
    policy = await parse("granting_policy", fx.grantingTestPolicy);
    merged = await parse("granting_policy_merged", fx.grantingTestPolicyMerged);
  });
  const rows: Array<[string, Op, "one" | "both", string[], boolean]> = [
    ["kv/foo", "read", "one", ["granting_policy"], true],
    ["kv/foo", "update", "one", ["granting_policy"], true],
    ["kv/bad", "read", "one", [], false],
    ["kv/deny", "read", "one", [], false],
    ["kv/path/foo", "read", "one", ["granting_policy"], true],
    ["kv/path/longer", "read", "one", ["granting_policy"], true],
    ["kv/foo", "read", "both", ["granting_policy", "granting_policy_merged"], true],
    ["kv/path/longer3", "read", "both", ["granting_policy_merged"], true],
    ["kv/bar", "read", "both", ["granting_policy_merged"], true],
    ["kv/deny", "read", "both", [], false],
    ["kv/path/longer", "update", "both", ["granting_policy"], true],
    ["kv/path/foo", "read", "both", ["granting_policy", "granting_policy_merged"], true],
    ["ns1/kv/foo", "recover", "both", ["granting_policy"], true],
  ];
  test.each(rows)("%j %s with %s policy: granted by %j (allowed %j)", (path, op, which, granting, allowed) => {
    const acl = compileAcl(which === "one" ? [policy] : [policy, merged]);
    const d = acl.check(op as Capability, path);
    expect(d.allowed).toBe(allowed);
    expect(d.grantingPolicies).toEqual(granting);
  });
});

describe("hashicorp/vault vault/acl_test.go TestACL_AllowOperation / TestACL_ValuePermissions: answered conservatively (acl.go AllowOperation checks parameters and wrapping TTLs after the capability)", () => {
  // Vault's answers per row depend on the request's data and wrapping TTL; the evaluator has neither.
  const allowOperation: Array<[string, boolean]> = [
    ["dev/ops", true], ["foo/bar", false], ["foo/bar", false], ["foo/bar", false], ["foo/bar", false], ["foo/bar", true],
    ["foo/baz", false], ["foo/baz", false], ["foo/baz", true], ["foo/baz", false], ["broken/phone", false], ["working/phone", false],
    ["working/phone", false], ["working/phone", true], ["hello/world", false], ["tree/fort", true], ["tree/fort", false],
    ["fruit/apple", false], ["fruit/apple", false], ["cold/weather", true], ["var/aws", false], ["var/req", false], ["var/req", true],
  ];
  test.each(allowOperation)("permissionsPolicy %j (Vault: %j): allowed for update and create, and the conditions are reported", async (path, vault) => {
    const acl = compileAcl([await parse("dev", fx.permissionsPolicy)]);
    for (const op of ["update", "create"] as Capability[]) {
      const d = acl.check(op, path);
      expect(d.allowed).toBe(true); // never less permissive than Vault: true whatever Vault's answer for this request
      if (!vault) expect(d.conditions.length).toBeGreaterThan(0); // and where Vault can refuse, the answer says it is conditional
    }
  });
  test.each(["dev/ops", "foo/bar", "foo/baz", "fizz/buzz", "test/types", "test/star"])("valuePermissionsPolicy %j: update and create allowed, conditional on parameters", async (path) => {
    const acl = compileAcl([await parse("op", fx.valuePermissionsPolicy)]);
    for (const op of ["update", "create"] as Capability[]) {
      const d = acl.check(op, path);
      expect(d.allowed).toBe(true);
      expect(d.conditions.some((c) => c.endsWith("_parameters"))).toBe(true);
    }
  });
});

describe("hashicorp/vault vault/capabilities_test.go (capabilities.go Capabilities over the token's, entity's and groups' policies)", () => {
  test("TestCapabilities: aclPolicy gives create, read, sudo on foo/bar", async () => {
    const acl = compileAcl([await parse("dev", fx.aclPolicy)]);
    expect([...acl.capabilities("foo/bar")].sort()).toEqual(["create", "read", "sudo"]);
  });

  test("TestCapabilities_DerivedPolicies: entity + token policies union; a group's policy adds list (duplicates collapse)", async () => {
    const p1 = await parse("policy1", 'name = "policy1"\npath "secret/sample" {\n\tcapabilities = ["update", "create", "sudo"]\n}\n');
    const p2 = await parse("policy2", 'name = "policy2"\npath "secret/sample" {\n\tcapabilities = ["read", "delete"]\n}\n');
    const p3 = await parse("policy3", 'name = "policy3"\npath "secret/sample" {\n\tcapabilities = ["list", "list"]\n}\n');
    expect([...compileAcl([p2, p1]).capabilities("secret/sample")].sort()).toEqual(["create", "delete", "read", "sudo", "update"]);
    expect([...compileAcl([p2, p1, p3]).capabilities("secret/sample")].sort()).toEqual(["create", "delete", "list", "read", "sudo", "update"]);
  });

  test.each([
    ['name = "testpolicy"\n\t\t\tpath "secret/{{identity.entity.id}}/sample" {\n\t\t\t\tcapabilities = ["update", "create"]\n\t\t\t}\n', "secret/E-1/sample", ["create", "update"]],
    ['{"name": "testpolicy", "path": {"secret/{{identity.entity.id}}/sample": {"capabilities": ["read", "create"]}}}', "secret/E-1/sample", ["create", "read"]],
    ['{"name": "testpolicy", "path": {"secret/sample": {"capabilities": ["read"]}}}', "secret/sample", ["read"]],
  ])("TestCapabilities_TemplatedPolicies: %s", async (text, path, expected) => {
    const acl = compileAcl([await parse("testpolicy", text)], { entity: { id: "E-1" } });
    expect([...acl.capabilities(path)].sort()).toEqual(expected);
  });
});

describe("hashicorp/vault vault/acl_test.go TestACL_MFAMethods (policy.go: stanzas with only mfa_methods; acl.go NewACL merges them per path)", () => {
  const mfaRules = `
path "secret/foo/*" {
	mfa_methods = ["mfa_method_1", "mfa_method_2", "mfa_method_3"]
}
path "secret/exact/path" {
	mfa_methods = ["mfa_method_4", "mfa_method_5"]
}
path "secret/split/definition" {
	mfa_methods = ["mfa_method_6", "mfa_method_7"]
}
path "secret/split/definition" {
	mfa_methods = ["mfa_method_7", "mfa_method_8", "mfa_method_9"]
}
	`;
  test.each(["secret/foo/testing/glob/pattern", "secret/exact/path", "secret/split/definition"])("update %j: decided by an MFA stanza, which grants no capability", async (path) => {
    const acl = compileAcl([await parse("mfa", mfaRules)]);
    expect(acl.decidingRule(path)?.conditions).toEqual(["mfa_methods"]);
    expect(acl.allows("update", path)).toBe(false);
  });
  test("the split definition's methods are both stanzas' (parsed per stanza, merged per path)", async () => {
    const p = await parse("mfa", mfaRules);
    expect(p.rules.filter((r) => r.path === "secret/split/definition").flatMap((r) => r.conditions?.mfaMethods ?? [])).toEqual(["mfa_method_6", "mfa_method_7", "mfa_method_7", "mfa_method_8", "mfa_method_9"]);
  });
});
