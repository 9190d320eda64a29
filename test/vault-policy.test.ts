/** Vault policy builders and HCL rendering, parsed back with HashiCorp's HCL parser. */
import { esoReadPolicy, kvReadRules } from "../policies/vault/builders";
import { renderPolicyHcl } from "../policies/vault/hcl";
import { mountProblem, subtreeProblem } from "../policies/vault/paths";
import { parsePolicyHcl } from "./helpers/schemas";

test("the ESO read policy is read on data/<scope>/* and read+list on metadata/<scope>/*, nothing else", async () => {
  const policy = esoReadPolicy("eso-read", "secret", "acme/prod/shared");
  const parsed = await parsePolicyHcl(policy.name, renderPolicyHcl(policy));
  expect(Object.keys(parsed).sort()).toEqual(["secret/data/acme/prod/shared/*", "secret/metadata/acme/prod/shared/*"]);
  expect(parsed["secret/data/acme/prod/shared/*"][0].capabilities).toEqual(["read"]);
  expect(parsed["secret/metadata/acme/prod/shared/*"][0].capabilities).toEqual(["read", "list"]);
});

test("the glob sits after a slash, so the scope never prefix-matches a sibling (eso vs eso-other)", () => {
  for (const rule of kvReadRules("secret", "eso")) expect(rule.path.endsWith("/eso/*")).toBe(true);
});

test("rendering is deterministic and quotes paths as HCL strings", () => {
  const p = esoReadPolicy("x", "kv", "a/b");
  expect(renderPolicyHcl(p)).toBe(renderPolicyHcl(esoReadPolicy("x", "kv", "a/b")));
  expect(renderPolicyHcl(p)).toContain('path "kv/data/a/b/*" {\n  capabilities = ["read"]\n}');
});

test("an empty policy or an empty capability list is refused", () => {
  expect(() => renderPolicyHcl({ name: "empty", rules: [] })).toThrow(/no rules/);
  expect(() => renderPolicyHcl({ name: "p", rules: [{ path: "a/*", capabilities: [] }] })).toThrow(/no capabilities/);
});

test("HCL the parser rejects is caught by the validation layer", async () => {
  await expect(parsePolicyHcl("bad", 'path "a/*" { capabilities = ["read" }')).rejects.toThrow();
});

test.each([
  ["secret", undefined],
  ["kv-v2", undefined],
  ["secret/data", "data/data"],
  ["data", "API segment"],
  ["sys", "reserved"],
  ["", "empty"],
  ["sec ret", "may only contain"],
])("mount %j", (mount, problem) => {
  if (problem === undefined) expect(mountProblem(mount)).toBeUndefined();
  else expect(mountProblem(mount)).toContain(problem);
});

test.each([
  ["acme/prod/clusters/c1/apps/billing", undefined],
  ["team-a", undefined],
  ["/team-a", "starts with"],
  ["team-a/", "ends with"],
  ["team-a/../team-b", '".."'],
  ["team-a//x", "empty segment"],
  ["team-*", "wildcard"],
  ["team/+/x", "wildcard"],
  ["{{identity.entity.name}}", "template"],
  ["", "whole mount"],
])("subtree %j", (subtree, problem) => {
  if (problem === undefined) expect(subtreeProblem(subtree)).toBeUndefined();
  else expect(subtreeProblem(subtree)).toContain(problem);
});
