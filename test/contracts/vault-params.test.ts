/**
 * The parameter-constraint model (policies/vault/params.ts) against Vault's own
 * behaviour, read in hashicorp/vault vault/acl.go (AllowOperation after the
 * capability check, valueInAllowedParameterList, valueInDeniedParameterList,
 * valueInParameterList), go-secure-stdlib strutil.GlobbedStringsMatch and
 * parseutil.ParseCommaStringSlice, and through the ACL evaluator
 * (compileAcl(...).allowsRequest) on parsed HCL.
 */
import { compileAcl } from "../../policies/vault/acl";
import { parsePolicy, renderPolicyHcl } from "../../policies/vault/hcl";
import { globbedStringsMatch, keySpace, parametersAllow, valueInAllowedParameterList, valueInDeniedParameterList } from "../../policies/vault/params";

describe("go-secure-stdlib strutil.GlobbedStringsMatch", () => {
  test("a leading and/or trailing * only; an element shorter than 2 is literal, so \"*\" matches only \"*\"", () => {
    expect([globbedStringsMatch("team-*", "team-a"), globbedStringsMatch("*-a", "team-a"), globbedStringsMatch("*am-*", "team-a"), globbedStringsMatch("te*am", "team")]).toEqual([true, true, true, false]);
    expect([globbedStringsMatch("*", "anything"), globbedStringsMatch("*", "*"), globbedStringsMatch("", "")]).toEqual([false, true, true]);
  });
});

describe("hashicorp/vault vault/acl.go valueInAllowedParameterList / valueInDeniedParameterList (current, and VAULT_LEGACY_EXACT_MATCHING_ON_LIST)", () => {
  test("an empty list allows (and denies) any value", () => {
    expect(valueInAllowedParameterList("x", [])).toBe(true);
    expect(valueInDeniedParameterList("x", [])).toBe(true);
  });
  test("a JSON list passes item by item since the fix, and only as a whole in legacy mode", () => {
    expect(valueInAllowedParameterList(["a", "b"], ["a", "b", "c"])).toBe(true);
    expect(valueInAllowedParameterList(["a", "z"], ["a", "b"])).toBe(false);
    expect(valueInAllowedParameterList(["a", "b"], ["a", "b"], true)).toBe(false);
    expect(valueInAllowedParameterList(["a", "b"], [["a", "b"]], true)).toBe(true);
    expect(valueInDeniedParameterList(["ok", "bad"], ["bad"])).toBe(true);
  });
  test("a string passes when every comma item (trimmed) is allowed: \"a, b\", and the empty string, pass [\"a\",\"b\"]", () => {
    expect(valueInAllowedParameterList("a, b", ["a", "b"])).toBe(true);
    expect(valueInAllowedParameterList("", ["a"])).toBe(true);
    expect(valueInAllowedParameterList(" ", [""])).toBe(true);
    expect(valueInAllowedParameterList("{}", [""])).toBe(false);
    expect(valueInDeniedParameterList("ok,bad", ["bad"])).toBe(true);
  });
  test("a JSON number (json.Number) matches neither a string nor a number element", () => {
    expect(valueInAllowedParameterList(60, [60, "60"])).toBe(false);
    expect(valueInAllowedParameterList(true, [true])).toBe(true);
  });
});

describe("hashicorp/vault vault/acl.go AllowOperation: the parameter section", () => {
  const c = { allowed: { policy: ["exact text"], ttl: [] }, denied: { ttl: ["0"] } };
  test("an unlisted key is refused; listed keys must hold allowed values; keys match case-insensitively", () => {
    expect(parametersAllow("update", c, { policy: "exact text" })).toBe(true);
    expect(parametersAllow("update", c, { POLICY: "exact text" })).toBe(true);
    expect(parametersAllow("update", c, { policy: "other" })).toBe(false);
    expect(parametersAllow("update", c, { policy: "exact text", name: "x" })).toBe(false);
  });
  test("denied beats allowed; an empty body passes; delete and list are never checked", () => {
    expect(parametersAllow("update", c, { ttl: "0" })).toBe(false);
    expect(parametersAllow("update", c, { ttl: "5" })).toBe(true);
    expect(parametersAllow("update", c, {})).toBe(true);
    expect(parametersAllow("delete", c, { policy: "other" })).toBe(true);
  });
  test("the * key: alone it allows anything; beside others it lets unlisted keys through while listed ones stay constrained; denied * refuses any body", () => {
    expect(parametersAllow("update", { allowed: { "*": [] } }, { x: 1 })).toBe(true);
    const star = { allowed: { "*": [], policy: ["p"] } };
    expect([parametersAllow("update", star, { x: 1 }), parametersAllow("update", star, { policy: "q" })]).toEqual([true, false]);
    expect(parametersAllow("update", { denied: { "*": [] } }, { x: 1 })).toBe(false);
  });
  test("required_parameters must be present", () => {
    expect(parametersAllow("create", { required: ["policy"] }, {})).toBe(false);
  });
});

describe("through HCL and the ACL evaluator: NewACL merges parameter maps; keySpace over-approximates what passes", () => {
  const text = 'path "secret/data/x/*" {\n  capabilities = ["read"]\n}\n';
  const policy = { name: "d", rules: [{ path: "sys/policies/acl/x", capabilities: ["update" as const], conditions: { allowedParameters: { policy: [text] } } }] };
  test("rendered allowed_parameters parse back to the same value (escapes) and the evaluator enforces them", () => {
    const parsed = parsePolicy("d", renderPolicyHcl(policy));
    expect(parsed.rules[0].conditions?.allowedParameters).toEqual({ policy: [text] });
    const acl = compileAcl([parsed]);
    expect(acl.allowsRequest("update", "sys/policies/acl/x", { policy: text })).toBe(true);
    expect(acl.allowsRequest("update", "sys/policies/acl/x", { policy: 'path "*" {capabilities=["sudo"]}' })).toBe(false);
  });
  test("a second policy granting the same path with [] widens the key to any value (an empty list wins the merge)", () => {
    const wide = { name: "w", rules: [{ path: "sys/policies/acl/x", capabilities: ["update" as const], conditions: { allowedParameters: { policy: [] } } }] };
    expect(compileAcl([policy, wide]).allowsRequest("update", "sys/policies/acl/x", { policy: "anything" })).toBe(true);
    expect(compileAcl([policy]).allowsRequest("update", "sys/policies/acl/x", { policy: "anything" })).toBe(false);
  });
  test("keySpace: a glob or [] is unbounded; an element without a comma admits comma joins unless commas and whitespace are denied", () => {
    expect(keySpace({ allowed: { a: ["x*"] } }, "a").kind).toBe("any");
    expect(keySpace({ allowed: { a: ["x"] } }, "b").kind).toBe("refused");
    expect(keySpace({ allowed: { a: [""] } }, "a")).toMatchObject({ kind: "items", commaJoins: true });
    const ws = ["*,*", ..."\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"].map((c) => (c === "*,*" ? c : `*${c}*`));
    expect(keySpace({ allowed: { a: [""] }, denied: { a: ws } }, "a")).toMatchObject({ kind: "items", commaJoins: false });
    expect(parametersAllow("update", { allowed: { a: [""] }, denied: { a: ws } }, { a: " " })).toBe(false);
    expect(parametersAllow("update", { allowed: { a: [""] }, denied: { a: ws } }, { a: "" })).toBe(true);
  });
});
