/**
 * Generated stack configs for the scale benchmark: a base stack file with its
 * tenants replaced by `n` generated ones, each with developers and one
 * ExternalSecret (the most resources a tenant makes). The program validates
 * them with `parseStackConfig` like any stack file.
 */
import * as fs from "fs";
import * as path from "path";
import { readStackFile, StackFileConfig } from "./stack-file";

export function tenantName(i: number): string {
  return `team-${String(i).padStart(5, "0")}`;
}

export function generatedTenants(n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => ({
    name: tenantName(i),
    owner: `owner-${i % 17}`,
    developers: { groups: [`${tenantName(i)}-devs`] },
    externalSecrets: [{ name: "db", data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }] }],
  }));
}

/**
 * The base stack's config with `n` generated tenants; with `filesDir`, written there as
 * tenant files (ten tenants a file) and named by `vault-eso:tenantFiles` (docs/sharding.md).
 */
export function benchStackConfig(base: string, n: number, projectDir = process.cwd(), filesDir?: string): StackFileConfig {
  const { config, secretKeys } = readStackFile(base, projectDir);
  const tenants = generatedTenants(n);
  if (!filesDir) return { config: { ...config, "vault-eso:tenants": JSON.stringify(tenants) }, secretKeys };
  fs.mkdirSync(filesDir, { recursive: true });
  for (let f = 0; f * 10 < n; f++) fs.writeFileSync(path.join(filesDir, `team-${String(f).padStart(4, "0")}.yaml`), JSON.stringify(tenants.slice(f * 10, f * 10 + 10)));
  const { "vault-eso:tenants": _inline, ...rest } = config;
  return { config: { ...rest, "vault-eso:tenantFiles": `${filesDir}/*.yaml` }, secretKeys };
}

/**
 * A tenant stack of `n` generated tenants for the sharded figures (docs/sharding.md):
 * its platform is `base` with those tenants assigned to it in `vault-eso:shards`.
 * Returns the tenant stack's config and the platform's config (render it for the contract).
 */
export function benchShardConfigs(base: string, n: number, projectDir = process.cwd()): { platform: StackFileConfig; tenant: StackFileConfig; platformRef: string; tenantRef: string } {
  const { config, secretKeys } = readStackFile(base, projectDir);
  const platformRef = `organization/vault-eso/${base}`;
  const tenantRef = "organization/vault-eso/bench";
  const tenants = generatedTenants(n) as Array<{ name: string }>;
  return {
    platform: { config: { ...config, "vault-eso:shards": JSON.stringify({ [tenantRef]: tenants.map((t) => t.name) }) }, secretKeys },
    tenant: { config: { "vault-eso:platform": platformRef, "vault-eso:tenants": JSON.stringify(tenants) }, secretKeys: [] },
    platformRef,
    tenantRef,
  };
}
