/**
 * hashicorp/vault's policy parse tests and identity-templating table, run
 * through this project's parser (parsePolicyHcl: HCL v1 / JSON, then
 * vault/policy.go `parseACLPolicyWithTemplating` + `parsePaths` rules) and
 * template resolver (sdk/helper/identitytpl/templating.go `PopulateString`).
 *
 * Ported from hashicorp/vault `vault/policy_test.go` (TestPolicy_Parse,
 * TestPolicy_ParseBadRoot, TestPolicy_ParseBadPath, TestPolicy_ParseBadPolicy,
 * TestPolicy_ParseBadWrapping, TestPolicy_ParseBadCapabilities,
 * TestPolicy_ParseBadSegmentWildcard, TestPolicy_ParseControlGroup(WrongCaps),
 * TestPolicy_Subscribe(_EventTypes); the main-branch version that has
 * TestPolicy_Subscribe_EventTypes — the index did not report its commit),
 * `vault/acl_test.go`
 * TestACL_ParseMalformedPolicy, and
 * `sdk/helper/identitytpl/templating_test.go` TestPopulate_Basic, ACL-mode
 * rows (stored version 1326fba03b36eccf7a5399e5a73553268b2e34c5).
 */
import { parsePolicyHcl } from "../../policies/vault/hcl";
import { IdentityContext, resolveTemplates } from "../../policies/vault/templates";
import * as fx from "./fixtures";

const stripOneSlash = (p: string) => (p.startsWith("/") ? p.slice(1) : p);

describe("hashicorp/vault vault/policy_test.go TestPolicy_Parse (policy.go parsePaths)", () => {
  test("rawPolicy: every stanza, legacy policies mapped, one leading slash stripped, conditions kept", async () => {
    const p = await parsePolicyHcl("dev", fx.rawPolicy);
    const rows = p.rules.map((r) => [stripOneSlash(r.path), [...r.capabilities]]);
    expect(rows).toEqual([
      ["*", ["deny"]],
      ["stage/*", ["create", "read", "update", "delete", "list", "sudo"]],
      ["prod/version", ["read", "list"]],
      ["foo/bar", ["read", "list"]],
      ["foo/bar", ["create", "sudo"]],
      ["foo/bar", ["create", "sudo"]],
      ["baz/bar", ["create", "sudo"]],
      ["biz/bar", ["create", "sudo"]],
      ["test/types", ["create", "sudo"]],
      ["test/req", ["create", "sudo"]],
      ["test/patch", ["patch"]],
      ["test/mfa", ["create", "sudo"]],
      ["test/+/segment", ["create", "sudo"]],
      ["test/segment/at/end/+", ["create", "sudo"]],
      ["test/segment/at/end/v2/+/", ["create", "sudo"]],
      ["test/+/wildcard/+/*", ["create", "sudo"]],
      ["test/+/wildcard/+/end*", ["create", "sudo"]],
    ]);
    const c = p.rules.map((r) => r.conditions);
    expect(c[3]).toEqual({ minWrappingTtl: 300, maxWrappingTtl: 3600 });
    expect(c[4]).toEqual({ minWrappingTtl: 300, maxWrappingTtl: 3600 });
    expect(c[5]).toEqual({ allowedParameters: { zip: [], zap: [] } });
    expect(c[6]).toEqual({ deniedParameters: { zip: [], zap: [] } });
    expect(c[8]).toEqual({ allowedParameters: { map: [{ good: "one" }], int: [1, 2] }, deniedParameters: { string: ["test"], bool: [false] } });
    expect(c[9]).toEqual({ requiredParameters: ["foo"] });
    expect(c[11]).toEqual({ mfaMethods: ["my_totp", "my_totp2"] });
  });
});

describe("hashicorp/vault vault/policy_test.go: what Vault refuses (policy.go parseACLPolicyWithTemplating, parsePaths; hclutil CheckHCLKeys)", () => {
  test.each([
    ["TestPolicy_ParseBadRoot", 'name = "test"\nbad  = "foo"\nnope = "yes"', /invalid key "bad" on line 2.*invalid key "nope" on line 3/],
    ["TestPolicy_ParseBadPath (misspelt capabilites)", 'path "/" {\n\tcapabilities = ["read"]\n\tcapabilites  = ["read"]\n}', /invalid key "capabilites" on line 3/],
    ["TestPolicy_ParseBadPolicy", 'path "/" {\n\tpolicy = "banana"\n}', /path "\/": invalid policy "banana"/],
    ["TestPolicy_ParseBadWrapping", 'path "/" {\n\tpolicy = "read"\n\tmin_wrapping_ttl = 400\n\tmax_wrapping_ttl = 200\n}', /max_wrapping_ttl cannot be less than min_wrapping_ttl/],
    ["TestPolicy_ParseBadCapabilities", 'path "/" {\n\tcapabilities = ["read", "banana"]\n}', /path "\/": invalid capability "banana"/],
    ["TestPolicy_ParseBadSegmentWildcard", 'path "foo/+*" {\n\tcapabilities = ["read"]\n}', /path "foo\/\+\*": invalid use of wildcards \('\+\*' is forbidden\)/],
    ["TestACL_ParseMalformedPolicy", "name{}", /name/],
    [
      "TestPolicy_ParseControlGroupWrongCaps",
      'name = "controlgroups"\npath "secret/*" {\n\tcapabilities = ["create", "read"]\n\tcontrol_group = {\n\t\tmax_ttl = "1h"\n\t\tfactor "ops_manager" {\n\t\t\tcontrolled_capabilities = ["read", "write"]\n\t\t\tidentity {\n\t\t\t\tgroup_names = ["blah"]\n\t\t\t\tapprovals = 1\n\t\t\t}\n\t\t}\n\t}\n}',
      /control group factor capabilities must be a subset of the policy's capabilities/,
    ],
  ])("%s", async (_name, text, error) => {
    await expect(parsePolicyHcl("p", text)).rejects.toThrow(error);
  });
});

describe("hashicorp/vault vault/policy_test.go: what Vault accepts", () => {
  test("TestPolicy_ParseControlGroup", async () => {
    const p = await parsePolicyHcl(
      "cg",
      'name = "controlgroups"\npath "secret/*" {\n\tcapabilities = ["create", "read"]\n\tcontrol_group = {\n\t\tmax_ttl = "1h"\n\t\tfactor "ops_manager" {\n\t\t\tcontrolled_capabilities = ["create"]\n\t\t\tidentity {\n\t\t\t\tgroup_names = ["blah"]\n\t\t\t\tapprovals = 1\n\t\t\t}\n\t\t}\n\t}\n}',
    );
    expect(p.rules[0].conditions?.controlGroupFactors).toEqual(["ops_manager"]);
    expect(p.rules[0].capabilities).toEqual(["create", "read"]);
  });
  test("TestPolicy_Subscribe and TestPolicy_Subscribe_EventTypes", async () => {
    expect((await parsePolicyHcl("s", 'path "secret/*" {\n\tcapabilities = ["subscribe", "create", "read"]\n}')).rules[0].capabilities).toContain("subscribe");
    const p = await parsePolicyHcl("s", 'path "secret/*" {\n\tcapabilities = ["subscribe"]\n\tsubscribe_event_types = ["kv-v2/data-write", "kv-v1/*"]\n}');
    expect(p.rules[0].conditions?.subscribeEventTypes).toEqual(["kv-v2/data-write", "kv-v1/*"]);
  });
});

describe("hashicorp/vault sdk/helper/identitytpl/templating_test.go TestPopulate_Basic, ACL-mode rows (templating.go PopulateString)", () => {
  const testNow = 1_900_000_000;
  interface Row {
    name: string;
    input: string;
    output?: string;
    entityName?: string;
    metadata?: Record<string, string>;
    aliasAccessor?: string;
    aliasID?: string;
    aliasName?: string;
    aliasMetadata?: Record<string, string>;
    nilEntity?: boolean;
    groupName?: string;
    groupMemberships?: string[];
  }
  const rows: Row[] = [
    { name: "time now", input: "{{time.now}}", output: String(testNow) },
    { name: "time plus", input: "{{time.now.plus.1h}}", output: String(testNow + 3600) },
    { name: "time minus", input: "{{time.now.minus.5m}}", output: String(testNow - 300) },
    { name: "invalid operator", input: "{{time.now.divide.5m}}" },
    { name: "time missing operand", input: "{{time.now.plus}}" },
    { name: "no_templating", input: "path foobar {", output: "path foobar {" },
    { name: "only_closing", input: "path foobar}} {" },
    { name: "closing_in_front", input: "path }} {{foobar}} {" },
    { name: "closing_in_back", input: "path {{foobar}} }}" },
    { name: "basic", input: "path /{{identity.entity.id}}/ {", output: "path /entityID/ {" },
    { name: "multiple", input: "path {{identity.entity.name}} {\n\tval = {{identity.entity.metadata.foo}}\n}", entityName: "entityName", metadata: { foo: "bar" }, output: "path entityName {\n\tval = bar\n}" },
    { name: "multiple_bad_name", input: "path {{identity.entity.name}} {\n\tval = {{identity.entity.metadata.foo}}\n}", metadata: { foo: "bar" } },
    { name: "unbalanced_close", input: "path {{identity.entity.id}} {\n\tval = {{ent}}ity.metadata.foo}}\n}" },
    { name: "unbalanced_open", input: "path {{identity.entity.id}} {\n\tval = {{ent{{ity.metadata.foo}}\n}" },
    { name: "no_entity_no_directives", input: "path {{identity.entity.id}} {\n\tval = {{ent{{ity.metadata.foo}}\n}", nilEntity: true },
    { name: "no_entity_no_diretives", input: "path name {\n\tval = foo\n}", output: "path name {\n\tval = foo\n}", nilEntity: true },
    {
      name: "alias_id_name",
      input: "path {{ identity.entity.name}} {\n\tval = {{identity.entity.aliases.foomount.id}}  nval = {{identity.entity.aliases.foomount.name}}\n}",
      entityName: "entityName",
      aliasAccessor: "foomount",
      aliasID: "aliasID",
      aliasName: "aliasName",
      metadata: { foo: "bar" },
      output: "path entityName {\n\tval = aliasID  nval = aliasName\n}",
    },
    { name: "alias_id_name_bad_selector", input: "path foobar {\n\tval = {{identity.entity.aliases.foomount}}\n}", aliasAccessor: "foomount" },
    { name: "alias_id_name_bad_accessor", input: 'path "foobar" {\n\tval = {{identity.entity.aliases.barmount.id}}\n}', aliasAccessor: "foomount" },
    {
      name: "alias_id_name (metadata)",
      input: 'path "{{identity.entity.name}}" {\n\tval = {{identity.entity.aliases.foomount.metadata.zip}}\n}',
      entityName: "entityName",
      aliasAccessor: "foomount",
      aliasID: "aliasID",
      metadata: { foo: "bar" },
      aliasMetadata: { zip: "zap" },
      output: 'path "entityName" {\n\tval = zap\n}',
    },
    { name: "group_name", input: 'path "{{identity.groups.ids.groupID.name}}" {\n\tval = {{identity.entity.name}}\n}', entityName: "entityName", groupName: "groupName", output: 'path "groupName" {\n\tval = entityName\n}' },
    { name: "group_bad_id", input: 'path "{{identity.groups.ids.hroupID.name}}" {\n\tval = {{identity.entity.name}}\n}', entityName: "entityName", groupName: "groupName" },
    { name: "group_id", input: 'path "{{identity.groups.names.groupName.id}}" {\n\tval = {{identity.entity.name}}\n}', entityName: "entityName", groupName: "groupName", output: 'path "groupID" {\n\tval = entityName\n}' },
    { name: "group_bad_name", input: 'path "{{identity.groups.names.hroupName.id}}" {\n\tval = {{identity.entity.name}}\n}', entityName: "entityName", groupName: "groupName" },
    { name: "metadata_object_disallowed", input: "{{identity.entity.metadata}}", metadata: { foo: "bar" } },
    { name: "alias_metadata_object_disallowed", input: "{{identity.entity.aliases.foomount.metadata}}", aliasAccessor: "foomount", aliasMetadata: { foo: "bar" } },
    { name: "groups.names_disallowed", input: "{{identity.entity.groups.names}}", groupMemberships: ["foo", "bar"] },
    { name: "groups.ids_disallowed", input: "{{identity.entity.groups.ids}}", groupMemberships: ["foo", "bar"] },
  ];
  test.each(rows.map((r) => [r.name, r] as const))("%s", (_n, r) => {
    const identity: IdentityContext = {
      now: testNow,
      entity: r.nilEntity
        ? undefined
        : {
            id: "entityID",
            name: r.entityName,
            metadata: r.metadata,
            aliases: r.aliasAccessor ? { [r.aliasAccessor]: { id: r.aliasID, name: r.aliasName, metadata: r.aliasMetadata } } : undefined,
          },
      groups: [...(r.groupName ? [{ id: "groupID", name: r.groupName }] : []), ...(r.groupMemberships ?? []).map((g, i) => ({ id: `${g}_${i}`, name: g }))],
    };
    // Vault's error rows: the path is dropped (undefined); success rows: the exact output.
    expect(resolveTemplates(r.input, identity)).toBe(r.output);
  });
});
