/**
 * The judge of a tenant stack's deploy token (policies/vault/tenant-deployer-reach.ts) on a small
 * pinned policy, and on each way of loosening it: every loosening that lets the token write past
 * its tenants must be named, and the pinned policy must pass. The pins are the ones
 * policies/vault/deployer.ts renders for a tenant stack (test/tenant-stacks.test.ts runs the real one).
 */
import type { PathRule, VaultPolicy } from "../../policies/vault/model";
import { ROLE_FREE_KEYS, SELECTOR_DENIED } from "../../policies/vault/deployer";
import { renderPolicyHcl } from "../../policies/vault/hcl";
import { tenantReadPolicy } from "../../policies/vault/builders";
import { patternInsideSubtrees, tenantDeployerReachProblems } from "../../policies/vault/tenant-deployer-reach";

const SUB = "acme/prod/clusters/c1/apps/checkout";
const TEXT = renderPolicyHcl(tenantReadPolicy("tenant-checkout", "secret", SUB));
const scope = { kvMount: "secret", subtrees: [SUB], namespaces: ["checkout"], authPath: "kubernetes", policies: ["tenant-checkout"], roles: ["tenant-checkout"], attachable: ["tenant-checkout"] };

const roleAllowed = {
  bound_service_account_names: ["vault-secrets"],
  bound_service_account_namespaces: ["checkout"],
  bound_service_account_namespace_selector: [""],
  token_policies: ["tenant-checkout"],
  audience: ["vault"],
  ...Object.fromEntries(ROLE_FREE_KEYS.map((k) => [k, [] as unknown[]])),
};
function policy(over: { text?: unknown[]; role?: Record<string, unknown[]>; denied?: Record<string, unknown[]>; extra?: PathRule[] } = {}): VaultPolicy {
  return {
    name: "deployer",
    rules: [
      { path: "auth/kubernetes/role/tenant-checkout", capabilities: ["create", "read", "update", "delete"], conditions: { allowedParameters: over.role ?? roleAllowed, deniedParameters: over.denied ?? { bound_service_account_namespace_selector: [...SELECTOR_DENIED] } } },
      { path: "auth/token/create", capabilities: ["update"] },
      { path: "auth/token/lookup-self", capabilities: ["read"] },
      { path: "sys/policies/acl/tenant-checkout", capabilities: ["read", "update", "delete"], conditions: { allowedParameters: { policy: over.text ?? [TEXT] } } },
      ...(over.extra ?? []),
    ],
  };
}

test("the pinned policy: nothing beyond the tenant", () => {
  expect(tenantDeployerReachProblems(policy(), scope)).toEqual([]);
});

test.each<[string, Parameters<typeof policy>[0], RegExp]>([
  ["any policy text ([])", { text: [] }, /body "policy": allowed_parameters "policy" = \[\] \(any value\)/],
  ["a glob policy text", { text: ['path "secret/*"*'] }, /has the glob/],
  ["a text granting outside the subtree", { text: ['path "secret/data/acme/prod/clusters/c1/apps/*" {\n  capabilities = ["read"]\n}\n'] }, /grants read on "secret\/data\/acme\/prod\/clusters\/c1\/apps\/\*", outside/],
  ["a text granting sys/", { text: ['path "sys/policies/acl/x" {\n  capabilities = ["update"]\n}\n'] }, /grants update on "sys\/policies\/acl\/x"/],
  ["another namespace", { role: { ...roleAllowed, bound_service_account_namespaces: ["checkout", "payments"] } }, /bound_service_account_namespaces may be "payments"/],
  ["any namespace", { role: { ...roleAllowed, bound_service_account_namespaces: [] } }, /bound_service_account_namespaces takes any value/],
  ["another policy", { role: { ...roleAllowed, token_policies: ["tenant-checkout", "vault-eso-deployer"] } }, /token_policies may be "vault-eso-deployer"/],
  ["the legacy policies key", { role: { ...roleAllowed, policies: [] } }, /policies takes any value/],
  ["a namespace selector", { role: { ...roleAllowed, bound_service_account_namespace_selector: [] } }, /bound_service_account_namespace_selector may be set/],
  ["a selector of whitespace", { denied: {} }, /strings of commas and whitespace/],
  ["alias metadata", { role: { ...roleAllowed, alias_metadata: [] } }, /body "alias_metadata" is allowed and not known to be harmless/],
  ["every key (*)", { role: { ...roleAllowed, "*": [] } }, /body keys are not constrained/],
  ["another tenant's policy path", { extra: [{ path: "sys/policies/acl/tenant-payments", capabilities: ["update"], conditions: { allowedParameters: { policy: [TEXT] } } }] }, /sys\/policies\/acl\/tenant-payments: the policy "tenant-payments" is not one of this stack's/],
  ["a pattern", { extra: [{ path: "auth/kubernetes/role/+", capabilities: ["create"] }] }, /auth\/kubernetes\/role\/\+: a pattern the token may write/],
  ["an identity group", { extra: [{ path: "identity/group", capabilities: ["update"] }] }, /identity\/group: the token may write here/],
  ["a token role", { extra: [{ path: "auth/token/create/admin", capabilities: ["update"] }] }, /auth\/token\/create\/admin: not one of this stack's tenants' roles|auth\/token\/create\/admin: the token may write here/],
])("loosened by %s: named", (_what, over, expected) => {
  expect(tenantDeployerReachProblems(policy(over), scope)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
});

test("a pattern is inside a subtree only when its literal prefix is a KV v2 path of the subtree, at a segment boundary", () => {
  expect(patternInsideSubtrees(`secret/data/${SUB}/*`, "secret", [SUB])).toBe(true);
  expect(patternInsideSubtrees(`secret/metadata/${SUB}`, "secret", [SUB])).toBe(true);
  expect(patternInsideSubtrees(`secret/data/${SUB}*`, "secret", [SUB])).toBe(false);
  expect(patternInsideSubtrees(`secret/+/${SUB}/x`, "secret", [SUB])).toBe(false);
  expect(patternInsideSubtrees(`secret/data/${SUB}/{{identity.entity.name}}`, "secret", [SUB])).toBe(true);
  expect(patternInsideSubtrees("secret/config", "secret", [SUB])).toBe(false);
});
