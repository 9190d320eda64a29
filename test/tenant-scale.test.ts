/**
 * 1,000 generated tenants evaluate without error, each independent of the
 * others: no tenant resource depends on another tenant's, and every tenant
 * gets the same set of objects. (Speed is measured by `npm run bench`.)
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../components/lib/stack-config";
import { buildPlatform } from "../components/platform";
import { flat, validSections } from "./helpers/fixtures";
import { installMocks } from "./helpers/mocks";

const engine = installMocks("scale");
const N = Number(process.env.TENANTS ?? 200);

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
});
