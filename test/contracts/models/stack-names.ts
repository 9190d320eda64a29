/**
 * The Vault names a shipped stack file's config says the program manages
 * (components/vault-backend/adopt-config.ts managedVaultNames), sorted, for comparing
 * with what the program really registered (apply-program.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { managedVaultNames } from "../../../components/vault-backend/adopt-config";
import { parseStackConfig } from "../../../components/config/config";

export function configuredVaultNames(config: Record<string, string>, secretKeys: readonly string[]): { policies: string[]; roles: string[]; auditDevices: string[] } {
  const { config: c } = parseStackConfig(config, { secretKeys: new Set(secretKeys), readFile: (p) => fs.readFileSync(path.resolve(p), "utf8") });
  const n = managedVaultNames({ ...c, auditDevicePaths: c.audit.devices.map((d) => d.path ?? d.type) });
  return { policies: [...n.policies].sort(), roles: [...n.roles].sort(), auditDevices: [...n.auditDevices].sort() };
}
