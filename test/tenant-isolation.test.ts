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
import { configProblemLines, flat, validSections } from "./helpers/fixtures";
import { ACCESSOR, identityOf, isolationViolations, requestViolations } from "./helpers/isolation";
import { ConfigError } from "../components/config/config";
import { externalSecretManifest } from "../components/tenants/tenant";
import { pushSecretManifest } from "../components/tenants/push";
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

/**
 * Issue 18 class 4: ESO rewrites keys. external-secrets v2.9.0 providers/v1/vault/client_get.go
 * `buildPath` strips one leading "<store path>/" (then "data/") from a key (model:
 * components/tenants/eso-paths.ts). For generated configs whose subtrees, tenant paths and keys start
 * with the mount name or "data/", in both tenancy modes, the config either refuses them or every
 * Vault request ESO makes for the rendered ExternalSecrets and PushSecrets stays in the tenant's own
 * subtree (and, isolated, is allowed by the tenant's own policies).
 */
describe("the paths ESO actually requests stay in each tenant's subtree (class 4)", () => {
  const seg = fc.constantFrom("secret", "data", "metadata", "db", "team-a", "app");
  const key = fc.array(seg, { minLength: 1, maxLength: 3 }).map((x) => x.join("/"));
  const tenantSpec = fc.record({
    path: fc.option(fc.array(seg, { minLength: 1, maxLength: 3 }).map((x) => x.join("/")), { nil: undefined }),
    keys: fc.array(key, { minLength: 1, maxLength: 3 }),
    find: fc.option(key, { nil: undefined }),
    push: fc.option(key, { nil: undefined }),
  });
  const scenario = fc.record({
    mode: fc.constantFrom("isolated" as const, "shared" as const),
    org: fc.constantFrom("secret", "acme", "data"),
    template: fc.constantFrom("{org}/{tenant}", "{tenant}", "teams/{tenant}"),
    tenants: fc.array(tenantSpec, { minLength: 2, maxLength: 3 }),
  });

  function run(sc: any): string[] | "refused" {
    const names = sc.tenants.map((_: unknown, i: number) => `team-${String.fromCharCode(97 + i)}`);
    const tenants = sc.tenants.map((t: any, i: number) => ({
      name: names[i],
      ...(t.path !== undefined ? { path: t.path } : {}),
      externalSecrets: [
        { name: "app", data: t.keys.map((k: string, j: number) => ({ secretKey: `k${j}`, remoteRef: { key: k } })), ...(t.find !== undefined ? { dataFrom: [{ find: { path: t.find, name: { regexp: ".*" } } }] } : {}) },
      ],
      ...(t.push !== undefined && sc.mode === "isolated" ? { push: { secrets: [{ name: "p", secretName: "s", data: [{ secretKey: "k", remoteKey: t.push }] }] } } : {}),
    }));
    const sections = {
      ...validSections(),
      store: { allowAllNamespaces: true },
      kv: { path: "secret", scope: "platform/eso" },
      tenancy: { mode: sc.mode, org: sc.org, pathTemplate: sc.template },
      tenants,
    };
    let config: PlatformConfig;
    try {
      config = parseStackConfig(flat(sections), { secretKeys: new Set(), readFile: () => "" }).config;
    } catch (e) {
      if (e instanceof ConfigError) return "refused";
      throw e;
    }
    const policies = rolePolicies(config, new Set(config.tenants.filter((t) => t.push).map((t) => t.name)));
    const rendered = config.tenants.map((t) => ({
      name: t.name,
      subtree: t.subtree,
      externalSecrets: t.externalSecrets.map((es) => externalSecretManifest(es, { namespace: t.name, subtree: t.subtree, storeRef: { name: "vault", kind: sc.mode === "isolated" ? "SecretStore" : "ClusterSecretStore" }, labels: {} })),
      pushSecrets: (t.push?.secrets ?? []).map((ps) => pushSecretManifest(ps, { namespace: t.name, subtree: t.subtree, storeName: "vault", labels: {} })),
    }));
    // Isolated: the tenant's own token; shared: ESO's one identity spans every tenant, only the path keeps them apart.
    return requestViolations("secret", rendered, sc.mode === "isolated" ? (n) => policies.get(n)! : undefined);
  }

  test("generated configs: refused, or every request in the tenant's own subtree", () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const r = run(sc);
        if (r !== "refused") expect(r).toEqual([]);
      }),
      { numRuns: 120 },
    );
  });

  test("shared tenancy, a tenant whose path starts with the mount name is refused (it would read another tenant's secrets), and the error says what ESO would request", () => {
    const sections = {
      ...validSections(),
      store: { allowAllNamespaces: true },
      kv: { path: "secret", scope: "platform/eso" },
      tenancy: { mode: "shared", pathTemplate: "teams/{tenant}" },
      tenants: [
        { name: "team-a", externalSecrets: [{ name: "db", data: [{ secretKey: "p", remoteRef: { key: "db" } }] }] },
        { name: "team-x", path: "secret/teams/team-a", externalSecrets: [{ name: "steal", data: [{ secretKey: "p", remoteRef: { key: "db" } }] }] },
      ],
    };
    expect(configProblemLines(() => parseStackConfig(flat(sections), { secretKeys: new Set(), readFile: () => "" }))).toEqual([
      expect.stringMatching(/^vault-eso:tenants\[1\]\.path = "secret\/teams\/team-a": the subtree "secret\/teams\/team-a" starts with the KV mount name "secret".*ESO would read "secret\/data\/teams\/team-a\/listed-child".*Fix: /),
    ]);
  });

  test("a remoteRef.key starting with the mount or data/ is explained (what ESO would request), not silently prefixed", () => {
    const sections = {
      ...validSections(),
      kv: { path: "secret", scope: "platform/eso" },
      tenancy: { pathTemplate: "teams/{tenant}" },
      tenants: [{ name: "team-a", externalSecrets: [{ name: "db", data: [{ secretKey: "p", remoteRef: { key: "secret/data/teams/team-a/db" } }, { secretKey: "q", remoteRef: { key: "data/db" } }] }] }],
    };
    expect(configProblemLines(() => parseStackConfig(flat(sections), { secretKeys: new Set(), readFile: () => "" }))).toEqual([
      'vault-eso:tenants[0].externalSecrets[0].data[0].remoteRef.key = "secret/data/teams/team-a/db": remoteRef.key starts with "secret/", but keys are relative to the tenant\'s subtree: the program would send "teams/team-a/secret/data/teams/team-a/db" and ESO would request "secret/data/teams/team-a/secret/data/teams/team-a/db". Fix: drop the prefix, e.g. "teams/team-a/db"',
      'vault-eso:tenants[0].externalSecrets[0].data[1].remoteRef.key = "data/db": remoteRef.key starts with "data/", but keys are relative to the tenant\'s subtree: the program would send "teams/team-a/data/db" and ESO would request "secret/data/teams/team-a/data/db". Fix: drop the prefix, e.g. "db"',
    ]);
  });

  test("the proof is not vacuous: a subtree under the mount's name yields requests outside it", () => {
    const rendered = [
      { name: "team-a", subtree: "teams/team-a", externalSecrets: [] },
      { name: "team-x", subtree: "secret/teams/team-a", externalSecrets: [{ spec: { data: [{ remoteRef: { key: "secret/teams/team-a/db" } }] } }] },
    ];
    expect(requestViolations("secret", rendered)).toEqual(["team-x's ESO reads secret/data/teams/team-a/db, outside its subtree (tenant team-a's)"]);
  });
});
