/**
 * Tenants' writers (issue 15, "who writes the secrets"): config, the writer
 * policy against the `vault kv` CLI's requests, isolation for generated
 * tenant sets, the guard's rules, and Vault's identity-store rules.
 * The prod stack's real registrations are checked in test/stack-prod.test.ts.
 */
import fc from "fast-check";
import { parseStackConfig, PlatformConfig } from "../components/config/config";
import { tenantWriterPolicyName } from "../components/tenants/writers-config";
import { compileAcl, VAULT_DEFAULT_POLICY } from "../policies/vault/acl";
import { tenantWriterPolicy } from "../policies/vault/builders";
import { renderPolicyHcl } from "../policies/vault/hcl";
import { flat, validSections } from "./helpers/fixtures";
import { writerViolations } from "./helpers/isolation";
import { guardResource, runGuard } from "./helpers/guard";
import { IdentityStore } from "./contracts/models/vault-identity";

const OIDC = "auth_oidc_1a2b3c4d";

function parse(tenants: unknown[], extra: Record<string, unknown> = {}) {
  return parseStackConfig(flat({ ...validSections(), kv: { path: "secret", scope: "platform/eso" }, tenancy: { org: "acme", cluster: "c1" }, tenants, ...extra }), { secretKeys: new Set(), readFile: () => "" });
}
function problems(tenants: unknown[]): string[] {
  try {
    parse(tenants);
    return [];
  } catch (e) {
    return (e as { problems: Array<{ key: string; message: string }> }).problems.map((p) => `${p.key}: ${p.message}`);
  }
}

describe("config vault-eso:tenants[].writers", () => {
  test("a tenant's writers: SSO group on an auth mount accessor, default group name, delete off by default", () => {
    const { config } = parse([{ name: "team-a", writers: { alias: { mountAccessor: OIDC, name: "team-a-admins" } } }]);
    expect(config.tenants[0].writers).toEqual({ alias: { mountAccessor: OIDC, name: "team-a-admins" }, allowDelete: false });
  });
  test("an accessor that is not one (a mount path) is refused, naming the key and how to find the accessor", () => {
    expect(problems([{ name: "team-a", writers: { alias: { mountAccessor: "oidc/", name: "x" } } }])).toEqual([expect.stringMatching(/^vault-eso:tenants\[0\]\.writers\.alias\.mountAccessor: .*auth_oidc_1a2b3c4d.*vault auth list/)]);
  });
  test("hashicorp/vault identity_store_group_aliases.go handleGroupAliasUpdateCommon: one SSO group on one mount maps to one tenant's writers", () => {
    const w = { alias: { mountAccessor: OIDC, name: "admins" } };
    expect(problems([{ name: "team-a", writers: w }, { name: "team-b", writers: w }])).toEqual([expect.stringMatching(/^vault-eso:tenants\[1\]\.writers\.alias\.name: .*already mapped to tenant "team-a"/)]);
    // the same IdP group name on another mount is another alias
    expect(problems([{ name: "team-a", writers: w }, { name: "team-b", writers: { alias: { mountAccessor: "auth_ldap_0badf00d", name: "admins" } } }])).toEqual([]);
  });
  test("hashicorp/vault identity_store_groups.go handleGroupUpdateCommon: group names are unique; a tenant named <t>-writer would share <t>'s writer policy", () => {
    const alias = (n: string) => ({ mountAccessor: OIDC, name: n });
    expect(problems([{ name: "team-a", writers: { group: "admins", alias: alias("a") } }, { name: "team-b", writers: { group: "admins", alias: alias("b") } }])).toEqual([expect.stringMatching(/writers\.group: "admins" is also tenant "team-a"'s writer group/)]);
    expect(problems([{ name: "team-a", writers: { alias: alias("a") } }, { name: "team-a-writer" }])).toEqual([
      expect.stringMatching(/^vault-eso:tenants\[1\]\.name: Vault policy "tenant-team-a-writer" of tenant "team-a-writer" is also tenant "team-a"'s/),
    ]);
  });
  test("vault/identity_store_schema.go: group and group-alias names are case-insensitive (memdb Lowercase indexes), so names differing only in case are one group, one alias", () => {
    const alias = (n: string) => ({ mountAccessor: OIDC, name: n });
    expect(problems([{ name: "team-a", writers: { group: "Admins", alias: alias("a") } }, { name: "team-b", writers: { group: "admins", alias: alias("b") } }])).toEqual([
      expect.stringMatching(/^vault-eso:tenants\[1\]\.writers\.group: "admins" is also tenant "team-a"'s writer group/),
    ]);
    expect(problems([{ name: "team-a", writers: { alias: alias("Payments") } }, { name: "team-b", writers: { alias: alias("payments") } }])).toEqual([
      expect.stringMatching(/^vault-eso:tenants\[1\]\.writers\.alias\.name: .*already mapped to tenant "team-a"/),
    ]);
  });
  test("a push policy named like another tenant's own policy is refused on the later tenant, whichever order (one function derives every name)", () => {
    expect(problems([{ name: "team-a-push" }, { name: "team-a", push: { secrets: [] } }])).toEqual([
      expect.stringMatching(/^vault-eso:tenants\[1\]\.push: Vault policy "tenant-team-a-push" of tenant "team-a" is also tenant "team-a-push"'s/),
    ]);
  });
});

describe("hashicorp/vault command/kv_put.go, kv_get.go, kv_list.go, kv_delete.go (deleteV2), kv_undelete.go + vault-plugin-secrets-kv path_data.go: the writer policy", () => {
  const sub = "acme/dev/clusters/c1/apps/team-a";
  const acl = (allowDelete: boolean) => compileAcl([tenantWriterPolicy("tenant-team-a-writer", "secret", sub, allowDelete), VAULT_DEFAULT_POLICY]);
  test("vault kv put (create, then update), get, list and metadata get are allowed; patch and destroy are not", () => {
    const a = acl(false);
    expect([a.allows("create", `secret/data/${sub}/db`), a.allows("update", `secret/data/${sub}/db`), a.allows("read", `secret/data/${sub}/db`), a.allows("list", `secret/metadata/${sub}/`), a.allows("read", `secret/metadata/${sub}/db`)]).toEqual([true, true, true, true, true]);
    expect([a.allows("patch", `secret/data/${sub}/db`), a.allows("update", `secret/destroy/${sub}/db`), a.allows("delete", `secret/metadata/${sub}/db`)]).toEqual([false, false, false]);
  });
  test("vault kv delete (DELETE data/), delete -versions (delete/) and undelete only with allowDelete", () => {
    const probes = (a: ReturnType<typeof acl>) => [a.allows("delete", `secret/data/${sub}/db`), a.allows("update", `secret/delete/${sub}/db`), a.allows("update", `secret/undelete/${sub}/db`)];
    expect(probes(acl(false))).toEqual([false, false, false]);
    expect(probes(acl(true))).toEqual([true, true, true]);
  });
});

/** DNS labels biased towards prefix families (team, team-a, team0). */
const names = fc
  .array(fc.stringMatching(/^[a-z]([a-z0-9]{0,6})$/), { minLength: 1, maxLength: 3 })
  .map((bases) => [...new Set(bases.flatMap((b) => [b, `${b}-a`, `${b}0`]))].filter((n) => !/^(kube-.*|default)$/.test(n)))
  .filter((n) => n.length >= 2);

describe.each(["perTenant", "templated"] as const)("isolation with writers (%s tenant policies)", (policy) => {
  test("every tenant's writers reach their own subtree only, never another tenant's nor ESO's scope, for generated tenant sets", () => {
    fc.assert(
      fc.property(names, fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (tenantNames, flags) => {
        const tenants = tenantNames.map((name, i) => ({ name, writers: { alias: { mountAccessor: OIDC, name: `${name}-admins` }, allowDelete: flags[i % flags.length] } }));
        const config: PlatformConfig = parse(tenants, { tenancy: { org: "acme", cluster: "c1", policy } }).config;
        const writers = config.tenants.map((t) => ({
          tenant: t.name,
          subtree: t.subtree,
          allowDelete: t.writers!.allowDelete,
          policies: [tenantWriterPolicy(tenantWriterPolicyName(t.name), config.kv.path, t.subtree, t.writers!.allowDelete), VAULT_DEFAULT_POLICY],
        }));
        expect(writerViolations(config.kv.path, writers, config.tenants.map((t) => ({ name: t.name, subtree: t.subtree })), config.kv.scope)).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });
});

test("the writer proof fails a writer policy widened to a sibling, one that deletes without allowDelete, and one reaching ESO's scope", () => {
  const subA = "acme/apps/team-a";
  const others = [{ name: "team-a", subtree: subA }, { name: "team-b", subtree: "acme/apps/team-b" }];
  const widened = { name: "w", rules: [{ path: "secret/data/acme/apps/team*", capabilities: ["create", "read", "update"] as const }] };
  const base = tenantWriterPolicy("tenant-team-a-writer", "secret", subA, false);
  const check = (extra: typeof widened | undefined, allowDelete = false, policy = base) =>
    writerViolations("secret", [{ tenant: "team-a", subtree: subA, allowDelete, policies: [policy, ...(extra ? [{ ...extra, rules: extra.rules.map((r) => ({ ...r, capabilities: [...r.capabilities] })) }] : [])] }], others, "acme/shared");
  expect(check(undefined)).toEqual([]);
  expect(check(widened)).toEqual(expect.arrayContaining([expect.stringContaining("can create secret/data/acme/apps/team-b/db")]));
  expect(check(undefined, false, tenantWriterPolicy("tenant-team-a-writer", "secret", subA, true))).toEqual(expect.arrayContaining([expect.stringContaining("without allowDelete")]));
  expect(check({ name: "e", rules: [{ path: "secret/data/acme/shared/*", capabilities: ["create", "read", "update"] }] })).toEqual(expect.arrayContaining([expect.stringContaining("can read secret/data/acme/shared/db")]));
});

describe("guard: tenant-reach-disjoint and tenant-policy-in-subtree judge writer groups", () => {
  type R = Parameters<typeof guardResource>[0];
  const mount: R = { type: "vault:index/mount:Mount", name: "kv", props: { path: "secret", type: "kv" }, protect: true };
  const ns = (t: string): R => ({ type: "kubernetes:core/v1:Namespace", name: `${t}-ns`, props: { metadata: { name: t, labels: { "vault-eso.io/tenant": t } } } });
  const pol = (name: string, text: string): R => ({ type: "vault:index/policy:Policy", name, props: { name, policy: text } });
  const group = (t: string, policies: string[]): R => ({ type: "vault:identity/group:Group", name: `${t}-writers`, props: { name: `tenant-${t}-writers`, type: "external", policies } });
  const writer = (t: string, allowDelete = true) => pol(`tenant-${t}-writer`, renderPolicyHcl(tenantWriterPolicy(`tenant-${t}-writer`, "secret", `acme/apps/${t}`, allowDelete)));
  const run = async (rs: R[], rule: string) => (await runGuard(rs.map((r) => guardResource(r, "prod")))).filter((f) => f.policy === rule && !f.undecided).map((f) => f.message);

  test("writers of two tenants, each on its own subtree (with soft delete), pass both rules", async () => {
    const rs = [mount, ns("team-a"), ns("team-b"), writer("team-a"), writer("team-b"), group("team-a", ["tenant-team-a-writer"]), group("team-b", ["tenant-team-b-writer"])];
    expect(await run(rs, "tenant-reach-disjoint")).toEqual([]);
    expect(await run(rs, "tenant-policy-in-subtree")).toEqual([]);
  });
  test("a writer group that also holds another tenant's writer policy reaches that tenant: flagged", async () => {
    const rs = [mount, ns("team-a"), ns("team-b"), writer("team-a"), writer("team-b"), group("team-a", ["tenant-team-a-writer", "tenant-team-b-writer"]), group("team-b", ["tenant-team-b-writer"])];
    expect(await run(rs, "tenant-reach-disjoint")).toEqual([expect.stringMatching(/tenants "team-a" and "team-b" both reach "secret\/data\/acme\/apps\/team-b\/.*group "tenant-team-a-writers"/)]);
  });
  test("a writer policy granting destroy/ is outside the tenant's subtree paths", async () => {
    const text = `${renderPolicyHcl(tenantWriterPolicy("tenant-team-a-writer", "secret", "acme/apps/team-a", true))}\npath "secret/destroy/acme/apps/team-a/*" {\n  capabilities = ["update"]\n}\n`;
    expect(await run([mount, ns("team-a"), pol("tenant-team-a-writer", text)], "tenant-policy-in-subtree")).toEqual([expect.stringContaining('"secret/destroy/acme/apps/team-a/*" is not of the form')]);
  });
});

describe("model of hashicorp/vault vault/identity_store_groups.go + identity_store_group_aliases.go (test/contracts/models/vault-identity.ts)", () => {
  test("an alias needs an external group, a known non-local mount, and a free (mount, name) pair", () => {
    const store = new IdentityStore(new Map([[OIDC, { local: false }], ["auth_oidc_00000000", { local: true }]]));
    const internal = store.writeGroup({ name: "internal" });
    const external = store.writeGroup({ name: "writers", type: "external", policies: ["tenant-a-writer"] });
    if (!internal.ok || !external.ok) throw new Error("setup");
    expect(store.writeGroupAlias({ name: "x", mountAccessor: OIDC, canonicalId: internal.id })).toEqual({ ok: false, error: "alias can't be set on an internal group" });
    expect(store.writeGroupAlias({ name: "x", canonicalId: external.id })).toEqual({ ok: false, error: "missing mount_accessor" });
    expect(store.writeGroupAlias({ name: "x", mountAccessor: "auth_oidc_00000000", canonicalId: external.id })).toEqual({ ok: false, error: expect.stringContaining("is a local mount") });
    expect(store.writeGroupAlias({ name: "x", mountAccessor: OIDC, canonicalId: external.id }).ok).toBe(true);
    expect(store.writeGroupAlias({ name: "x", mountAccessor: OIDC })).toEqual({ ok: false, error: "combination of mount and group alias name is already in use" });
    expect(store.writeGroup({ name: "writers", type: "external" })).toEqual({ ok: false, error: expect.stringContaining("group already exists") });
    expect(store.writeGroup({ name: "w2", type: "external", memberEntityIds: ["e"] })).toEqual({ ok: false, error: "member entities can't be set manually for external groups" });
    expect(store.writeGroup({ name: "w3", policies: ["Root"] })).toEqual({ ok: false, error: "policies cannot contain root" });
  });
});
