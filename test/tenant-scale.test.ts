/**
 * Generated tenants evaluate without error, each with its own set of
 * objects. (1,000 tenants, their speed and the graph depth are measured by
 * `npm run bench`; its smoke run in npm test asserts depth and growth.)
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../components/config/stack-config";
import { buildPlatform } from "../components/platform";
import { flat, validSections } from "./helpers/fixtures";
import { installMocks } from "./helpers/mocks";

const engine = installMocks("scale");
// 1,000 tenants are evaluated by `npm run bench` (BENCHMARKS.md); here a size that keeps npm test short.
const N = Number(process.env.TENANTS ?? 50);

test(`${N} tenants register, each with its own namespace, SA, policy, role and store`, async () => {
  const tenants = Array.from({ length: N }, (_, i) => ({ name: `team-${i}`, externalSecrets: [{ name: "db", data: [{ secretKey: "p", remoteRef: { key: "db", property: "p" } }] }] }));
  pulumi.runtime.setAllConfig(flat({ ...validSections(), tenancy: { org: "acme", cluster: "c1" }, tenants }), []);
  const platform = buildPlatform(loadStackConfig());
  await engine.settle();
  expect(platform.tenants).toHaveLength(N);
  for (const type of [
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:ServiceAccount",
    "vault:index/policy:Policy",
    "vault:kubernetes/authBackendRole:AuthBackendRole",
    "kubernetes:external-secrets.io/v1:SecretStore",
    "kubernetes:external-secrets.io/v1:ExternalSecret",
  ]) {
    const own = engine.ofType(type).filter((r) => r.name.startsWith("tenant-"));
    expect({ type, count: own.length }).toEqual({ type, count: N });
  }
  const roles = engine.ofType("vault:kubernetes/authBackendRole:AuthBackendRole").filter((r) => r.inputs.roleName.startsWith("tenant-"));
  expect(new Set(roles.map((r) => r.inputs.boundServiceAccountNamespaces[0])).size).toBe(N);
}, 120_000);
