/**
 * The whole pack over a generated 50-tenant stack (isolated tenants, one
 * policy, role and SecretStore each, some with an ExternalSecret): it passes every
 * rule, and broken variants of the Kubernetes and stack rule families are
 * caught. The stack is named "staging": not dev, so store servers must be https.
 */
import type { GuardResource } from "../policies/guard/rule";
import { mutate, runGuard, violationsOf } from "./helpers/guard";
import { flat, validSections } from "./helpers/fixtures";
import { registeredFor } from "./helpers/guard-stack";

const TENANTS = 50;
let generated: GuardResource[];

beforeAll(async () => {
  const config = flat({
    ...validSections(),
    environment: "prod",
    vault: { address: "https://vault.staging.example.com:8200" },
    store: { namespaceSelector: { "vault-eso.io/secrets": "enabled" } },
    tenancy: { mode: "isolated", policy: "perTenant", org: "acme", cluster: "c1" },
    tenants: Array.from({ length: TENANTS }, (_, i) => ({
      name: `team-${String(i).padStart(2, "0")}`,
      // Every fifth tenant declares an ExternalSecret: enough to judge them, cheaper to register.
      externalSecrets: i % 5 === 0 ? [{ name: "db", data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }] }] : [],
    })),
  });
  generated = await registeredFor("staging", config);
});

const byType = (type: string) => (r: GuardResource) => r.type === type;
const STORE = "kubernetes:external-secrets.io/v1:SecretStore";
const CLUSTER_STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";
const caught = async (resources: GuardResource[]) => violationsOf(await runGuard(resources));

test("50 tenants: every rule passes, nothing undecided, and the stack has what the rules judge", async () => {
  expect(await runGuard(generated)).toEqual([]);
  expect(generated.filter((r) => r.type === "kubernetes:core/v1:Namespace" && r.props.metadata.labels?.["vault-eso.io/tenant"])).toHaveLength(TENANTS);
  expect(generated.filter(byType(STORE))).toHaveLength(TENANTS);
  expect(generated.filter((r) => r.type === "vault:index/policy:Policy" && r.props.name.startsWith("tenant-"))).toHaveLength(TENANTS);
});

test("kubernetes family: an http store in prod, an unpinned chart, a ClusterSecretStore for everyone, a token Secret in a tenant namespace", async () => {
  let broken = mutate(generated, byType(STORE), (r) => ({ ...r, props: { ...r.props, spec: { provider: { vault: { ...r.props.spec.provider.vault, server: "http://vault:8200" } } } } }));
  broken = mutate(broken, byType("kubernetes:helm.sh/v3:Release"), (r) => ({ ...r, props: { ...r.props, version: "^2.9.0" } }));
  broken = mutate(broken, byType(CLUSTER_STORE), (r) => ({ ...r, props: { ...r.props, spec: { ...r.props.spec, conditions: undefined } } }));
  const secret: GuardResource = {
    type: "kubernetes:core/v1:Secret",
    name: "leaked",
    urn: "urn:pulumi:staging::vault-eso::kubernetes:core/v1:Secret::leaked",
    props: { metadata: { name: "vault-token", namespace: "team-07" }, stringData: { token: "hvs.CAESIJlongtokenvalue1234567890" } },
    protect: false,
  };
  const v = await caught([...broken, secret]);
  expect(v.map((m) => m.split(":")[0]).sort()).toEqual(["cluster-store-conditions", "eso-chart-pinned", "store-server-https", "vault-tokens-in-credentials-namespace"]);
});

test("stack family: a role bound to two tenants, a tenant without a store", async () => {
  let broken = mutate(generated, (r) => r.type === ROLE && r.props.roleName === "tenant-team-03", (r) => ({ ...r, props: { ...r.props, boundServiceAccountNamespaces: ["team-03", "team-04"] } }));
  broken = broken.filter((r) => !(r.type === STORE && r.props.metadata.namespace === "team-10"));
  const v = await caught(broken);
  expect(v).toEqual(
    expect.arrayContaining([
      'tenant-own-role-and-store: tenant "team-04" has 2 Vault roles bound to namespace team-04; it needs exactly one of its own',
      'tenant-own-role-and-store: role "tenant-team-03" binds ["team-03","team-04"]: a tenant\'s role binds the tenant\'s namespace only',
      'tenant-own-role-and-store: tenant "team-10" has no SecretStore of its own in team-10',
      // team-04's service account can log in with team-03's role: their reach overlaps.
      expect.stringMatching(/^tenant-reach-disjoint: tenants "team-03" and "team-04" both reach "secret\/data\/acme\/prod\/clusters\/c1\/apps\/team-03\//),
    ]),
  );
});
