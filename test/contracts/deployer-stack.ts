/**
 * The deployer-policy contract applied to what the program really registers
 * for a shipped stack. Called from the stack test files so that the program
 * runs once per stack (test/stack-dev.test.ts, stack-prod.test.ts,
 * stack-token-auth.test.ts). Upstream: hashicorp/terraform-provider-vault
 * v5.8.0 resource Create/Read/Update/Delete, hashicorp/vault
 * request_handling.go CheckToken and logical_system.go PathsSpecial.Root
 * (see policies/vault/deployer.ts).
 */
import type { DeployedResource } from "../../policies/vault/deployer";
import { checkStack } from "./deployer-checks";

export interface StackUnderTest {
  readonly resources: readonly DeployedResource[];
  readonly kvPath: string;
  readonly authPath: string;
  readonly readScope: string;
}

export function deployerPolicyStackTests(label: string, get: () => StackUnderTest, expected: Record<string, readonly string[]>, absent: readonly string[] = []): void {
  describe(`deployer policy for ${label} (hashicorp/terraform-provider-vault v5.8.0 resources; hashicorp/vault request_handling.go CheckToken, logical_system.go PathsSpecial.Root)`, () => {
    let result: ReturnType<typeof checkStack>;
    beforeAll(() => {
      const s = get();
      result = checkStack(s.resources, s.kvPath, s.authPath, s.readScope);
    });

    test("covers every Vault resource the stack registers, in every phase", () => {
      expect(result.vaultResources).toBeGreaterThan(3);
      expect(result.uncovered).toEqual([]);
      expect([...result.phases].sort()).toEqual(["create", "delete", "read", "startup", "update"]);
    });

    test("sufficient: allows every call of create, read/refresh/import, update and delete, with sudo where Vault requires it", () => {
      expect(result.denied.map((c) => `${c.phase} ${c.method} ${c.path}`)).toEqual([]);
    });

    test("minimal: removing any single capability (or rule) from it denies a call the stack makes", () => {
      expect(result.unneeded).toEqual([]);
    });

    test("exact paths only: the stack's names are all known, so no wildcard (but Vault's own ids of identity groups and aliases, one segment each)", () => {
      const idPaths = new Set(["identity/group/id/+", "identity/group-alias/id/+"]);
      expect(result.built.policy.rules.filter((r) => /[*+]/.test(r.path) && !idPaths.has(r.path))).toEqual([]);
    });

    test("each modelled capability and sudo agree with Vault's request rules (ExistenceCheck, root paths, periodic tokens)", () => {
      expect(result.disagreements).toEqual([]);
    });

    test("denies what the stack must not reach: other mounts and auth methods, other policies, its own policy, seal/raw, tenants' data, other token roles", () => {
      expect(result.granted).toEqual([]);
      expect(result.grantedWithDefault).toEqual([]);
    });

    test("grants these rules, and none on the absent paths", () => {
      const rules = Object.fromEntries(result.built.policy.rules.map((r) => [r.path, [...r.capabilities]]));
      for (const [path, caps] of Object.entries(expected)) expect({ path, caps: rules[path] }).toEqual({ path, caps });
      for (const path of absent) expect({ path, caps: rules[path] }).toEqual({ path, caps: undefined });
    });
  });
}
