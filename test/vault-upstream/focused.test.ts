/**
 * Focused contract tests for the differences issue 13 names, each citing the
 * hashicorp/vault code it models: vault/acl.go as of the version with
 * `resolveACLPermsForListOp` (2025 copyright header; pre-fix list lookup
 * from commit 0192881f11237a8cf4654cc6178fcde59ba67fac), vault/policy.go
 * (004997b36c4620cad018b108c22ac875e7356476 and the later version with
 * `subscribe_event_types`), sdk/helper/identitytpl/templating.go
 * (1bc7e7cef9810184ad674220ac58c93c480c3ed3), and hashicorp/hcl
 * v1.0.1-vault-7 (02db4972906a1b43a46e2ffb0d2aae2c71875d94).
 */
import { compileAcl } from "../../policies/vault/acl";
import { parsePolicy, parsePolicyHcl } from "../../policies/vault/hcl";
import type { VaultPolicy } from "../../policies/vault/model";

const one = (path: string, capabilities: VaultPolicy["rules"][number]["capabilities"], name = "p"): VaultPolicy => ({ name, rules: [{ path, capabilities }] });

describe("hashicorp/vault vault/acl.go AllowOperation: list requests on a path ending in /", () => {
  test("VAULT-3825: a + rule on the path without its / grants the list (both Vault generations)", () => {
    for (const listLookup of ["current", "legacy", "either"] as const) {
      expect(compileAcl([one("kv1/+", ["list"])], {}, { listLookup }).allows("list", "kv1/private/")).toBe(true);
    }
  });
  test("resolveACLPermsForListOp: a more specific deny on kv1/private/* beats a list grant reached through kv1/+ (current Vault); pre-fix Vault listed", () => {
    const ps = [one("kv1/+", ["list"]), one("kv1/private/*", ["deny"], "q")];
    expect(compileAcl(ps, {}, { listLookup: "current" }).allows("list", "kv1/private/")).toBe(false);
    expect(compileAcl(ps, {}, { listLookup: "legacy" }).allows("list", "kv1/private/")).toBe(true);
    expect(compileAcl(ps).allows("list", "kv1/private/")).toBe(true); // default: never less permissive than either
  });
  test("resolveACLPermsForListOp: a rule on the full path granting list wins over a trimmed-path rule without list (current); pre-fix Vault refused", () => {
    const ps = [one("kv1/+", ["read"]), one("kv1/private/*", ["list"], "q")];
    expect(compileAcl(ps, {}, { listLookup: "current" }).allows("list", "kv1/private/")).toBe(true);
    expect(compileAcl(ps, {}, { listLookup: "legacy" }).allows("list", "kv1/private/")).toBe(false);
  });
});

describe("hashicorp/vault vault/acl.go NewACL: root", () => {
  test("a policy named root next to any other is refused, as Vault refuses to build that ACL", () => {
    expect(() => compileAcl([{ name: "root", rules: [] }, one("a", ["read"])])).toThrow(/other policies present along with root/);
  });
});

describe("hashicorp/vault vault/policy.go parsePaths: leading slashes", () => {
  test("exactly one leading / is stripped: /secret/x matches secret/x, //secret/x matches nothing", () => {
    expect(compileAcl([one("/secret/x", ["read"])]).allows("read", "secret/x")).toBe(true);
    expect(compileAcl([one("//secret/x", ["read"])]).allows("read", "secret/x")).toBe(false);
    expect(compileAcl([one("//secret/*", ["read"])]).allows("read", "secret/x")).toBe(false);
  });
});

describe("hashicorp/vault vault/policy.go parsePaths: legacy policy field and key checks", () => {
  test('policy = "read" next to capabilities adds read and list (it used to be dropped)', async () => {
    const p = await parsePolicyHcl("p", 'path "a/*" {\n  policy = "read"\n  capabilities = ["update"]\n}\n');
    expect(compileAcl([p]).allows("read", "a/x")).toBe(true);
    expect(compileAcl([p]).allows("list", "a/")).toBe(true);
    expect(compileAcl([p]).allows("update", "a/x")).toBe(true);
  });
  test('policy = "deny" next to capabilities denies everything (it used to be ignored)', async () => {
    const p = await parsePolicyHcl("p", 'path "a/*" {\n  policy = "deny"\n  capabilities = ["read"]\n}\n');
    expect(p.rules[0].capabilities).toEqual(["deny"]);
    expect(compileAcl([p, one("a/*", ["read"], "q")]).allows("read", "a/x")).toBe(false);
  });
  test("a stanza with only mfa_methods parses and grants nothing", async () => {
    const p = await parsePolicyHcl("p", 'path "a/x" {\n  mfa_methods = ["totp"]\n}\n');
    expect(compileAcl([p]).decidingRule("a/x")?.path).toBe("a/x");
    expect(compileAcl([p]).capabilities("a/x").size).toBe(0);
  });
  test.each([
    ['path "a" { capabilities = ["read"] }\nunknown = 1', /invalid key "unknown"/],
    ['path "a" { capabilites = ["read"] }', /invalid key "capabilites"/],
    ['path = "read"', /cannot check HCL keys/],
    ['path "a" = { capabilities = ["read"] }', /nested object expected/],
    ['path "a/{{identity.entity.id}" { capabilities = ["read"] }', /unbalanced templating characters/],
    ['path "a" { capabilities = "read" }', /unknown slice type/],
  ])("refused: %s", async (text, error) => {
    await expect(parsePolicyHcl("p", text)).rejects.toThrow(error);
  });
});

describe("hashicorp/vault sdk/helper/identitytpl/templating.go: templates in ACL paths", () => {
  const tpl = (path: string) => one(path, ["read"]);
  test("groups by name and id, time.now, alias custom_metadata, metadata keys containing '.'", () => {
    const id = {
      entity: { id: "e", metadata: { "team.name": "blue" }, aliases: { acc: { customMetadata: { env: "prod" } } } },
      groups: [{ id: "g1", name: "ops" }],
      now: 1000,
    };
    expect(compileAcl([tpl("kv/{{identity.groups.names.ops.id}}/*")], id).allows("read", "kv/g1/x")).toBe(true);
    expect(compileAcl([tpl("kv/{{identity.groups.ids.g1.name}}/*")], id).allows("read", "kv/ops/x")).toBe(true);
    expect(compileAcl([tpl("kv/{{time.now.plus.1m}}")], id).allows("read", "kv/1060")).toBe(true);
    expect(compileAcl([tpl("kv/{{identity.entity.aliases.acc.custom_metadata.env}}/*")], id).allows("read", "kv/prod/x")).toBe(true);
    expect(compileAcl([tpl("kv/{{identity.entity.metadata.team.name}}/*")], id).allows("read", "kv/blue/x")).toBe(true);
  });
  test("a metadata key that exists with an empty value resolves to the empty string (simpleTemplateHandler's map lookup), an absent key drops the path", () => {
    const id = { entity: { id: "e", metadata: { team: "" } } };
    expect(compileAcl([tpl("kv/{{identity.entity.metadata.team}}/x")], id).allows("read", "kv//x")).toBe(true);
    expect(compileAcl([tpl("kv/{{identity.entity.metadata.other}}/x")], id).decidingRule("kv//x")).toBeUndefined();
  });
  test("a value containing * or +, or an empty name, drops the path instead of widening it", () => {
    const id = (name: string) => ({ entity: { id: "e", name } });
    expect(compileAcl([tpl("kv/{{identity.entity.name}}/x")], id("*")).allows("read", "kv/*/x")).toBe(false);
    expect(compileAcl([tpl("kv/{{identity.entity.name}}")], id("a/*")).allows("read", "kv/a/b")).toBe(false);
    expect(compileAcl([tpl("kv/{{identity.entity.name}}/+")], id("+")).decidingRule("kv/q/z")).toBeUndefined();
    expect(compileAcl([tpl("kv/{{identity.entity.name}}/*")], id("")).allows("read", "kv//x")).toBe(false);
  });
});

describe("hashicorp/hcl v1.0.1-vault-7 (the HCL v1 fork Vault builds with): grammar points checked against the real parser", () => {
  const dup = 'path "secret" {\n  capabilities = ["create", "update", "delete"]\n  capabilities = ["create"]\n}\n';
  test("hcl/parser/parser.go objectList: an attribute set twice is refused, as current Vault refuses it (command/policy_fmt_test.go hcl_duplicate_key)", () => {
    expect(() => parsePolicy("p", dup)).toThrow(/The argument "capabilities" at 3 was already set. Each argument can only be defined once/);
  });
  test("with VAULT_ALLOW_PENDING_REMOVAL_DUPLICATE_HCL_ATTRIBUTES=true Vault reads it again, the lists appended (hashicorp/hcl decoder.go decodeSlice)", () => {
    expect(parsePolicy("p", dup, { allowDuplicateAttributes: true }).rules[0].capabilities).toEqual(["create", "update", "delete"]);
  });
  test("two path blocks, and the same block twice, are not duplicates (only `=` items are checked)", () => {
    expect(parsePolicy("p", 'path "a" { capabilities = ["read"] }\npath "a" { capabilities = ["list"] }').rules).toHaveLength(2);
  });
  test("json/parser listType drops booleans; json/parser/flatten.go makes a stanza holding only an object a deeper key, which Vault then refuses", () => {
    expect(parsePolicy("p", '{"path": {"a": {"capabilities": ["read", true, "list"]}}}').rules[0].capabilities).toEqual(["read", "list"]);
    expect(() => parsePolicy("p", '{"path": {"a": {"allowed_parameters": {"foo": []}}}}')).toThrow(/invalid key "foo"/);
  });
  test("hcl/parser objectItem: the input ending right after `=` drops that item", () => {
    expect(parsePolicy("p", 'path "a" { capabilities = ["read"] }\nname = #"x"').rules).toHaveLength(1);
  });
});
