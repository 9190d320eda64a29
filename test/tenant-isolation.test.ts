/**
 * Isolation, proven with Vault's own rules: for generated tenant sets (names
 * that are prefixes of each other, digits, 63-character names), every tenant
 * identity (its role's policies plus Vault's `default`) can read and list its
 * own subtree and can do nothing on any other tenant's `data/` or `metadata/`
 * paths, nor outside its subtree of the mount. Per-tenant policies and the
 * single identity-templated policy are both checked. The stack tests run the
 * same proof on the policies the real program emits for dev and prod.
 */
import fc from "fast-check";
import { parseStackConfig, PlatformConfig, tenantSubtree } from "../components/config/config";
import { tenantVaultName } from "../components/tenants/tenant";
import { compileAcl, VAULT_DEFAULT_POLICY } from "../policies/vault/acl";
import { templatedTenantPolicy, tenantPushPolicy, tenantReadPolicy } from "../policies/vault/builders";
import { tenantPushPolicyName } from "../components/tenants/push-config";
import type { Capability, VaultPolicy } from "../policies/vault/model";
import { flat, validSections } from "./helpers/fixtures";
import { ACCESSOR, identityOf, isolationViolations } from "./helpers/isolation";
const RESERVED = /^(kube-.*|default|external-secrets)$/;

/** DNS-1123 labels, biased towards prefix families (team, team-a, team-a-b), digits and the 63-character limit. */
const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
const family = label.chain((base) =>
  fc.constantFrom(
    [base, `${base}-a`, `${base}-a-b`],
    [base, `${base}0`, `${base}-1`],
    [base.padEnd(63, "x").slice(0, 63), base.padEnd(62, "x").slice(0, 62)],
  ),
);
const tenantNames = fc
  .array(fc.oneof(label.map((l) => [l]), family), { minLength: 1, maxLength: 4 })
  .map((groups) => [...new Set(groups.flat().map((n) => n.replace(/-+$/, "").slice(0, 63)))].filter((n) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n) && !RESERVED.test(n)))
  .filter((names) => names.length >= 2);

const TEMPLATES = ["{org}/{env}/clusters/{cluster}/apps/{tenant}", "teams/{tenant}", "{org}/{tenant}/{env}/kv"];

function configFor(names: readonly string[], pathTemplate: string, policy: "perTenant" | "templated"): PlatformConfig {
  const sections = {
    ...validSections(),
    kv: { path: "secret", scope: "platform/eso" },
    tenancy: { org: "acme", cluster: "c1", pathTemplate, policy },
    tenants: names.map((name) => ({ name })),
  };
  return parseStackConfig(flat(sections), { secretKeys: new Set(), readFile: () => "" }).config;
}

/** Each tenant's token policies, built by the same builders the components call; `push` tenants get their push policy too. */
function rolePolicies(config: PlatformConfig, push: ReadonlySet<string> = new Set()): Map<string, VaultPolicy[]> {
  const out = new Map<string, VaultPolicy[]>();
  const templated = templatedTenantPolicy("vault-eso-tenants", config.kv.path, ACCESSOR, (t) => tenantSubtree(config.tenancy, config.environment, t));
  for (const t of config.tenants) {
    const own = config.tenancy.policy === "templated" ? templated : tenantReadPolicy(tenantVaultName(t.name), config.kv.path, t.subtree);
    const pushPolicy = push.has(t.name) ? [tenantPushPolicy(tenantPushPolicyName(t.name), config.kv.path, t.subtree, true)] : [];
    out.set(t.name, [own, ...pushPolicy, VAULT_DEFAULT_POLICY]);
  }
  return out;
}

describe.each(["perTenant", "templated"] as const)("%s policies", (mode) => {
  test("every tenant reaches its own subtree and nothing of any other tenant, for generated tenant sets, with and without push", () => {
    fc.assert(
      fc.property(tenantNames, fc.constantFrom(...TEMPLATES), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (names, template, pushFlags) => {
        const config = configFor(names, template, mode);
        const push = new Set(config.tenants.filter((_, i) => pushFlags[i % pushFlags.length]).map((t) => t.name));
        const policies = rolePolicies(config, push);
        const tenants = config.tenants.map((t) => ({ name: t.name, subtree: t.subtree, policies: policies.get(t.name)!, push: push.has(t.name) }));
        expect(isolationViolations(config.kv.path, tenants, config.tenancy.serviceAccountName)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  test("the prefix family team, team-a, team-a-b at the 63-character limit stays apart", () => {
    const long = "t".repeat(59);
    const names = ["team", "team-a", "team-a-b", "team0", long, `${long}-a-b`];
    const config = configFor(names, TEMPLATES[0], mode);
    const policies = rolePolicies(config);
    expect(isolationViolations(config.kv.path, config.tenants.map((t) => ({ name: t.name, subtree: t.subtree, policies: policies.get(t.name)! })), "vault-secrets")).toEqual([]);
  });
});

test("the proof catches a widened policy and a glob without its slash (it is not vacuous)", () => {
  const config = configFor(["team", "team-a"], TEMPLATES[1], "perTenant");
  const widened = (name: string, subtree: string): VaultPolicy[] => [{ name, rules: [{ path: `secret/data/${subtree}*`, capabilities: ["read"] }, { path: `secret/metadata/${subtree}/*`, capabilities: ["read", "list"] }] }];
  const tenants = config.tenants.map((t) => ({ name: t.name, subtree: t.subtree, policies: widened(t.name, t.subtree) }));
  expect(isolationViolations("secret", tenants, "vault-secrets")).toContain("team can read secret/data/teams/team-a/db");

  const noMetadata = config.tenants.map((t) => ({ name: t.name, subtree: t.subtree, policies: [{ name: t.name, rules: [{ path: `secret/data/${t.subtree}/*`, capabilities: ["read"] as Capability[] }] }] }));
  expect(isolationViolations("secret", noMetadata, "vault-secrets")).toContain("team cannot list its own secret/metadata/teams/team/");
});

test("a templated policy resolved for the wrong auth mount grants nothing (the accessor is part of the boundary)", () => {
  const config = configFor(["team-a", "team-b"], TEMPLATES[0], "templated");
  const policy = templatedTenantPolicy("t", "secret", "auth_other_mount", (t) => tenantSubtree(config.tenancy, config.environment, t));
  const acl = compileAcl([policy], identityOf("team-a", "vault-secrets"));
  expect(acl.allows("read", `secret/data/${config.tenants[0].subtree}/db`)).toBe(false);
});
