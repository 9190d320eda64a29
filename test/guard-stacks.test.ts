/**
 * The whole pack over whole stacks: everything the program registers for the
 * dev and prod stack files goes through every rule (resource rules per
 * resource, stack rules once). Both pass; each deliberately broken variant is
 * caught by the rule meant to catch it. (50 tenants: guard-generated.test.ts.)
 */
import type { GuardResource } from "../policies/guard/rule";
import { mutate, runGuard, UNKNOWN_WIRE, violationsOf } from "./helpers/guard";
import { registeredFor } from "./helpers/guard-stack";
import { readStackFile } from "./helpers/stack-file";
import { flat, validSections } from "./helpers/fixtures";

const stacks: Record<string, GuardResource[]> = {};

beforeAll(async () => {
  for (const stack of ["dev", "prod"]) {
    const { config, secretKeys } = readStackFile(stack);
    stacks[stack] = await registeredFor(stack, config, secretKeys);
  }
  // prod with token auth: the renewer's token role, token, Secret and CronJob go through every rule too.
  const prod = readStackFile("prod");
  const tokenAuth = JSON.stringify({ enabled: true, period: "7d", explicitMaxTtl: "30d", rotateBefore: "7d", schedule: "0 */12 * * *" });
  stacks.tokenAuth = await registeredFor("prod", { ...prod.config, "vault-eso:tokenAuth": tokenAuth }, prod.secretKeys);
  const shared = { ...validSections(), tenancy: { mode: "shared", org: "acme", cluster: "kind" }, tenants: [{ name: "team-a" }, { name: "team-b" }] };
  stacks.shared = await registeredFor("dev", flat(shared));
});

const byType = (type: string) => (r: GuardResource) => r.type === type;
const CLUSTER_STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const POLICY = "vault:index/policy:Policy";
const ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";

test("the prod stack with token auth passes every rule; its token Secret is labelled and lives in the credentials namespace", async () => {
  expect(await runGuard(stacks.tokenAuth)).toEqual([]);
  const secret = stacks.tokenAuth.find((r) => r.type === "kubernetes:core/v1:Secret" && r.props.metadata?.labels?.["vault-eso.io/credential"] === "vault-token");
  expect(secret?.props.metadata.namespace).toBe("external-secrets-credentials");
  expect(stacks.tokenAuth.some((r) => r.type === "kubernetes:batch/v1:CronJob")).toBe(true);
  const moved = stacks.tokenAuth.map((r) => (r === secret ? { ...r, props: { ...r.props, metadata: { ...r.props.metadata, namespace: "team-x" } } } : r));
  expect(violationsOf(await runGuard(moved))).toEqual([expect.stringMatching(/^vault-tokens-in-credentials-namespace: Secret "vault-token" labelled/)]);
});

describe.each(["dev", "prod"])("the %s stack", (stack) => {
  test("passes every rule, with nothing left undecided", async () => {
    const findings = await runGuard(stacks[stack]);
    expect(findings).toEqual([]);
  });

  test("its shape is what the rules expect to judge (so the pass means something)", () => {
    const rs = stacks[stack];
    const tenants = rs.filter((r) => r.type === "kubernetes:core/v1:Namespace" && r.props.metadata.labels?.["vault-eso.io/tenant"]);
    expect(tenants.length).toBe({ dev: 2, prod: 3 }[stack]);
    // One role per tenant, ESO's, and in prod Prometheus' (observability.vaultMetrics).
    expect(rs.filter(byType(ROLE))).toHaveLength(tenants.length + (stack === "prod" ? 2 : 1));
    // The KV mount's protect flag is the one the SDK sent to the engine, not an assumption.
    expect(rs.filter(byType("vault:index/mount:Mount")).map((r) => r.protect)).toEqual([true]);
    expect(rs.filter(byType(POLICY)).every((r) => r.protect === false)).toBe(true);
    // ESO's chart, and in prod Reloader's (reloader.enabled): both judged by eso-chart-pinned and pod-security-restricted.
    expect(rs.filter(byType("kubernetes:helm.sh/v3:Release")).map((r) => `${r.props.chart}@${r.props.version}`)).toEqual(stack === "prod" ? ["external-secrets@2.9.0", "reloader@2.2.16"] : ["external-secrets@2.9.0"]);
    // In prod, two tenants' writers: identity groups the reach rule judges.
    expect(rs.filter(byType("vault:identity/group:Group"))).toHaveLength(stack === "prod" ? 2 : 0);
  });
});

describe("broken variants are caught", () => {
  const caught = async (resources: GuardResource[], config: Record<string, Record<string, unknown>> = {}) => violationsOf(await runGuard(resources, config));

  test("a widened tenant policy (dev): the subtree rule and the reach rule both object", async () => {
    const broken = mutate(stacks.dev, (r) => r.type === POLICY && r.props.name === "tenant-team-a", (r) => ({
      ...r,
      props: { ...r.props, policy: r.props.policy.replaceAll("apps/team-a/*", "apps/team*") },
    }));
    const v = await caught(broken);
    expect(v).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tenant-policy-in-subtree: path "secret\/data\/acme\/dev\/clusters\/kind\/apps\/team\*" has no segment named after tenant "team-a"/),
        expect.stringMatching(/^tenant-reach-disjoint: tenants "team-a" and "team-b" both reach/),
      ]),
    );
  });

  test("a widened templated policy (prod) is caught for every pair of tenants", async () => {
    const broken = mutate(stacks.prod, (r) => r.type === POLICY && r.props.name === "vault-eso-tenants", (r) => ({
      ...r,
      props: { ...r.props, policy: r.props.policy.replace(/apps\/\{\{[^}]+\}\}\/\*/, "apps/*") },
    }));
    const v = await caught(broken);
    const reach = v.filter((m) => m.startsWith("tenant-reach-disjoint:"));
    // Three pairs of tenant roles, and each widened role against the two tenants' writer groups it now reaches.
    expect(reach.filter((m) => !m.includes("writers (group"))).toHaveLength(3);
    expect(reach.filter((m) => m.includes("writers (group"))).toHaveLength(4);
    expect(v.some((m) => m.startsWith("vault-policy-least-privilege:"))).toBe(false);
  });

  test("a user's JSON policy (JSON.stringify, as Pulumi programs write them) that widens a tenant's reach is read and caught (issue 13)", async () => {
    const json = JSON.stringify({ path: { "secret/data/acme/dev/clusters/kind/apps/*": { capabilities: ["read"] } } });
    const broken = mutate(stacks.dev, (r) => r.type === POLICY && r.props.name === "tenant-team-a", (r) => ({ ...r, props: { ...r.props, policy: json } }));
    const v = await caught(broken);
    expect(v).toEqual(expect.arrayContaining([expect.stringMatching(/^tenant-reach-disjoint: tenants "team-a" and "team-b" both reach/)]));
    expect(v.some((m) => m.includes("does not parse"))).toBe(false);
  });

  test("a v1beta1 store", async () => {
    const broken = mutate(stacks.prod, byType(CLUSTER_STORE), (r) => ({ ...r, type: "kubernetes:external-secrets.io/v1beta1:ClusterSecretStore" }));
    expect(await caught(broken)).toEqual(["eso-api-versions: ClusterSecretStore uses external-secrets.io/v1beta1; ESO 2.x serves external-secrets.io/v1"]);
  });

  test("a root-running pod in a tenant namespace", async () => {
    const pod: GuardResource = {
      type: "kubernetes:core/v1:Pod",
      name: "debug",
      urn: "urn:pulumi:dev::vault-eso::kubernetes:core/v1:Pod::debug",
      props: { metadata: { name: "debug", namespace: "team-a" }, spec: { containers: [{ name: "sh", image: "busybox", securityContext: { runAsUser: 0 } }] } },
      protect: false,
    };
    const v = await caught([...stacks.dev, pod]);
    expect(v).toContain('pod-security-restricted: debug: container "sh" must run with runAsNonRoot: true');
    expect(v.every((m) => m.startsWith("pod-security-restricted:"))).toBe(true);
  });

  test("vault family: an unprotected KV mount, sudo in the ESO policy, a wildcard role, a periodic token without a max", async () => {
    const token: GuardResource = { type: "vault:index/token:Token", name: "renewer", urn: "urn:pulumi:prod::vault-eso::vault:index/token:Token::renewer", props: { policies: ["external-secrets-read"], period: "768h" }, protect: false };
    let broken = mutate(stacks.prod, byType("vault:index/mount:Mount"), (r) => ({ ...r, protect: false }));
    broken = mutate(broken, (r) => r.type === POLICY && r.props.name === "external-secrets-read", (r) => ({ ...r, props: { ...r.props, policy: r.props.policy.replace('"read", "list"', '"read", "list", "sudo"') } }));
    broken = mutate(broken, (r) => r.type === ROLE && r.props.roleName === "external-secrets", (r) => ({ ...r, props: { ...r.props, boundServiceAccountNamespaces: ["*"] } }));
    const v = await caught([...broken, token]);
    expect(v.map((m) => m.split(":")[0]).sort()).toEqual(["k8s-auth-role-binding", "kv-mount-protected", "vault-policy-least-privilege", "vault-token-lifetime"]);
  });

});

test("shared tenancy (tenants on the ClusterSecretStore) is flagged by both stack rules until accepted in the pack config", async () => {
  expect(violationsOf(await runGuard(stacks.shared))).toEqual([
    'tenant-own-role-and-store: tenant "team-a" has no SecretStore of its own in team-a',
    'tenant-own-role-and-store: tenant "team-b" has no SecretStore of its own in team-b',
    expect.stringMatching(/^tenant-reach-disjoint: ClusterSecretStore "vault-backend" \(role "external-secrets"\) reaches "secret\/data\/acme\/dev\/clusters\/kind\/apps\/team-a\/.*" of tenant "team-a"/),
    expect.stringMatching(/^tenant-reach-disjoint: ClusterSecretStore "vault-backend" .* of tenant "team-b"/),
  ]);
  const accepted = { "tenant-own-role-and-store": { allowSharedTenancy: true }, "tenant-reach-disjoint": { allowSharedTenancy: true } };
  expect(await runGuard(stacks.shared, accepted)).toEqual([]);
});

test("a cluster-store scope above the tenants' paths (dev): the store's identity reaches every tenant", async () => {
  const broken = mutate(stacks.dev, (r) => r.type === POLICY && r.props.name === "external-secrets-read", (r) => ({ ...r, props: { ...r.props, policy: r.props.policy.replaceAll("secret/data/dev/shared/*", "secret/data/acme/dev/*") } }));
  const v = violationsOf(await runGuard(broken));
  expect(v).toHaveLength(2);
  expect(v.every((m) => m.startsWith('tenant-reach-disjoint: ClusterSecretStore "vault-backend"'))).toBe(true);
});

test("preview of a first deployment (prod): unknown policy names and templated text are undecided, never a crash or a silent pass", async () => {
  // What the engine sends before the auth mount exists: the templated policy's text and the roles' policy names are unknown.
  let preview = mutate(stacks.prod, (r) => r.type === POLICY && r.props.name === "vault-eso-tenants", (r) => ({ ...r, props: { ...r.props, policy: UNKNOWN_WIRE.unknownStringValue } }));
  for (const role of preview.filter((r) => r.type === ROLE && r.props.roleName.startsWith("tenant-"))) {
    preview = mutate(preview, (r) => r === role, (r) => ({ ...r, props: { ...r.props, tokenPolicies: UNKNOWN_WIRE.unknownArrayValue } }));
  }
  const findings = await runGuard(preview);
  expect(violationsOf(findings)).toEqual([]);
  expect(findings.filter((f) => f.undecided).map((f) => f.policy).sort()).toEqual(["tenant-policy-in-subtree", "tenant-reach-disjoint", "vault-policy-least-privilege"]);
  // A real violation next to the unknowns is still reported.
  const broken = mutate(preview, byType(CLUSTER_STORE), (r) => ({ ...r, type: "kubernetes:external-secrets.io/v1beta1:ClusterSecretStore" }));
  expect(violationsOf(await runGuard(broken))).toEqual([expect.stringMatching(/^eso-api-versions:/)]);
});
