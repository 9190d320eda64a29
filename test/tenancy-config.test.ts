/** Tenant configuration: accepted shapes and every rejected one, before anything registers. */
import { ConfigError, parseStackConfig } from "../components/config/config";
import { flat, RawSections, validSections } from "./helpers/fixtures";

const read = (): string => {
  throw new Error("no files");
};
const parse = (s: RawSections) => parseStackConfig(flat(s), { secretKeys: new Set(), readFile: read });

function withTenants(tenants: unknown[], tenancy: Record<string, unknown> = {}): RawSections {
  return { ...validSections(), tenancy: { org: "acme", cluster: "c1", ...tenancy }, tenants };
}

function problem(s: RawSections, key: string): string {
  try {
    parse(s);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const p = e.problems.find((x) => x.key === key);
    if (!p) throw new Error(`no problem reported for ${key}; got: ${e.message}`);
    return `${p.value} ${p.message}`;
  }
  throw new Error("config was accepted");
}

const es = (extra: Record<string, unknown> = {}) => ({ name: "db", data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }], ...extra });

test("tenants get their subtree from the path template, or their own path", () => {
  const { config } = parse(withTenants([{ name: "team-a" }, { name: "legacy", path: "old/apps/legacy" }]));
  expect(config.tenants.map((t) => t.subtree)).toEqual(["acme/dev/clusters/c1/apps/team-a", "old/apps/legacy"]);
  expect(config.tenancy).toMatchObject({ mode: "isolated", policy: "perTenant", serviceAccountName: "vault-secrets", storeName: "vault", podSecurity: "restricted" });
  expect(config.tenants[0].developers).toEqual({ users: [], groups: [] });
});

test("an ExternalSecret gets ESO's defaults", () => {
  const { config } = parse(withTenants([{ name: "team-a", externalSecrets: [es()] }]));
  expect(config.tenants[0].externalSecrets[0].refreshInterval).toBe("1h");
});

test.each<[string, RawSections, string, string]>([
  ["duplicate tenant names", withTenants([{ name: "team-a" }, { name: "team-a" }]), "vault-eso:tenants[1].name", "duplicates tenants[0]"],
  ["name that is not a DNS-1123 label", withTenants([{ name: "Team_A" }]), "vault-eso:tenants[0].name", "DNS-1123"],
  ["name longer than 63", withTenants([{ name: "t".repeat(64) }]), "vault-eso:tenants[0].name", "at most 63"],
  ["kube-system", withTenants([{ name: "kube-system" }]), "vault-eso:tenants[0].name", "reserved"],
  ["any kube- prefix", withTenants([{ name: "kube-foo" }]), "vault-eso:tenants[0].name", "reserved"],
  ["the default namespace", withTenants([{ name: "default" }]), "vault-eso:tenants[0].name", "reserved"],
  ["the ESO namespace", withTenants([{ name: "external-secrets" }]), "vault-eso:tenants[0].name", "reserved"],
  [
    "the reviewer namespace",
    { ...withTenants([{ name: "vault-auth" }]), kubernetesAuth: { host: "https://k:6443", tokenReview: "reviewerServiceAccount" } },
    "vault-eso:tenants[0].name",
    "reserved",
  ],
  ["overlapping subtrees (one inside another)", withTenants([{ name: "a", path: "apps/a" }, { name: "b", path: "apps/a/b" }]), "vault-eso:tenants[1].name", "overlaps tenant \"a\""],
  ["identical subtrees", withTenants([{ name: "a", path: "apps/x" }, { name: "b", path: "apps/x" }]), "vault-eso:tenants[1].name", "overlaps"],
  ["ESO scope above the tenants", { ...withTenants([{ name: "a" }]), kv: { scope: "acme/dev" } }, "vault-eso:kv.scope", "could read that tenant's secrets"],
  ["per-tenant path with the templated policy", withTenants([{ name: "a", path: "x/a" }], { policy: "templated" }), "vault-eso:tenants[0].path", "templated policy"],
  ["template without {tenant}", withTenants([{ name: "a" }], { pathTemplate: "{org}/{env}/apps" }), "vault-eso:tenancy.pathTemplate", '"{tenant}" exactly once'],
  ["template with {tenant} inside a segment", withTenants([{ name: "a" }], { pathTemplate: "apps/team-{tenant}" }), "vault-eso:tenancy.pathTemplate", "whole path segment"],
  ["template with an unknown placeholder", withTenants([{ name: "a" }], { pathTemplate: "{region}/{tenant}" }), "vault-eso:tenancy.pathTemplate", "{region}"],
  ["unknown store kind (tenancy mode)", withTenants([{ name: "a" }], { mode: "cluster" }), "vault-eso:tenancy.mode", '"isolated", "shared"'],
  ["an ExternalSecret naming its own store", withTenants([{ name: "a", externalSecrets: [es({ secretStoreRef: { name: "x", kind: "ClusterSecretStore" } })] }]), "vault-eso:tenants[0].externalSecrets[0].secretStoreRef", "not a known setting"],
  ["key escaping with ..", withTenants([{ name: "a", externalSecrets: [es({ data: [{ secretKey: "p", remoteRef: { key: "../team-b/db" } }] })] }]), "vault-eso:tenants[0].externalSecrets[0].data[0].remoteRef.key", '".."'],
  ["key with a leading /", withTenants([{ name: "a", externalSecrets: [es({ data: [{ secretKey: "p", remoteRef: { key: "/secret/data/team-b/db" } }] })] }]), "vault-eso:tenants[0].externalSecrets[0].data[0].remoteRef.key", "starts with"],
  ["key with a wildcard", withTenants([{ name: "a", externalSecrets: [es({ data: [{ secretKey: "p", remoteRef: { key: "db*" } }] })] }]), "vault-eso:tenants[0].externalSecrets[0].data[0].remoteRef.key", "wildcard"],
  ["extract escaping", withTenants([{ name: "a", externalSecrets: [{ name: "x", dataFrom: [{ extract: { key: "a/../../b" } }] }] }]), "vault-eso:tenants[0].externalSecrets[0].dataFrom[0].extract.key", '".."'],
  ["find path escaping", withTenants([{ name: "a", externalSecrets: [{ name: "x", dataFrom: [{ find: { path: ".." } }] }] }]), "vault-eso:tenants[0].externalSecrets[0].dataFrom[0].find.path", '".."'],
  ["ExternalSecret without data", withTenants([{ name: "a", externalSecrets: [{ name: "x" }] }]), "vault-eso:tenants[0].externalSecrets[0]", "neither data nor dataFrom"],
  ["duplicate ExternalSecret names", withTenants([{ name: "a", externalSecrets: [es(), es()] }]), "vault-eso:tenants[0].externalSecrets[1].name", "duplicates"],
  ["bad refreshInterval", withTenants([{ name: "a", externalSecrets: [es({ refreshInterval: "1 day" })] }]), "vault-eso:tenants[0].externalSecrets[0].refreshInterval", "Go duration"],
  ["bad creation policy field", withTenants([{ name: "a", externalSecrets: [es({ deletionPolicy: "Wipe" })] }]), "vault-eso:tenants[0].externalSecrets[0].deletionPolicy", "Retain"],
])("rejects %s", (_d, sections, key, words) => {
  expect(problem(sections, key)).toContain(words);
});
