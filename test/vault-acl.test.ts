/**
 * The ACL evaluator against the examples and rules of Vault's policy
 * documentation, and against policies parsed back from HCL.
 */
import { compileAcl, isAllowed, resolveTemplates, VAULT_DEFAULT_POLICY } from "../policies/vault/acl";
import { parsePolicyHcl, renderPolicyHcl } from "../policies/vault/hcl";
import type { Capability, VaultPolicy } from "../policies/vault/model";

const policy = (name: string, rules: Array<[string, Capability[]]>): VaultPolicy => ({ name, rules: rules.map(([path, capabilities]) => ({ path, capabilities })) });
const reads = (p: VaultPolicy[], path: string) => isAllowed(p, "read", path);

describe("path matching (Vault docs, 'Policy syntax')", () => {
  test('an exact path matches only itself: "secret/foo" is not "secret/food" nor "secret/foo/bar"', () => {
    const p = [policy("p", [["secret/foo", ["read"]]])];
    expect(reads(p, "secret/foo")).toBe(true);
    expect(reads(p, "secret/food")).toBe(false);
    expect(reads(p, "secret/foo/bar")).toBe(false);
  });

  test('"secret/bar/*" matches everything under secret/bar/, not "secret/bars/zip"', () => {
    const p = [policy("p", [["secret/bar/*", ["read"]]])];
    expect(reads(p, "secret/bar/zip")).toBe(true);
    expect(reads(p, "secret/bar/zip/zap")).toBe(true);
    expect(reads(p, "secret/bars/zip")).toBe(false);
  });

  test('a trailing * is a string prefix: "secret/zip-*" matches "secret/zip-zap/zong", not "secret/zip/zap"; "team*" matches "team-a"', () => {
    const p = [policy("p", [["secret/zip-*", ["read"]], ["kv/data/team*", ["read"]]])];
    expect(reads(p, "secret/zip-zap")).toBe(true);
    expect(reads(p, "secret/zip-zap/zong")).toBe(true);
    expect(reads(p, "secret/zip/zap")).toBe(false);
    expect(reads(p, "kv/data/team-a/db")).toBe(true);
    expect(reads(p, "kv/data/team")).toBe(true);
  });

  test('"+" matches exactly one segment: "secret/+/teamb" matches "secret/foo/teamb", not "secret/foo/bar/teamb"', () => {
    const p = [policy("p", [["secret/+/teamb", ["read"]], ["secret/+/+/teamc/*", ["read"]]])];
    expect(reads(p, "secret/foo/teamb")).toBe(true);
    expect(reads(p, "secret/foo/bar/teamb")).toBe(false);
    expect(reads(p, "secret/a/b/teamc/x/y")).toBe(true);
    expect(reads(p, "secret/a/teamc/x")).toBe(false);
  });

  test("a leading slash in the request path is ignored", () => {
    expect(reads([policy("p", [["secret/foo", ["read"]]])], "/secret/foo")).toBe(true);
  });
});

describe("priority between overlapping rules (Vault docs, 'Priority matching')", () => {
  test("an exact path beats any pattern, and patterns are not unioned", () => {
    const acl = compileAcl([policy("p", [["secret/*", ["read", "update"]], ["secret/foo", ["list"]]])]);
    expect([...acl.capabilities("secret/foo")]).toEqual(["list"]);
    expect(acl.allows("read", "secret/foo")).toBe(false);
    expect(acl.allows("update", "secret/other")).toBe(true);
  });

  test("a later first wildcard wins: secret/foo/+ over secret/+/bar", () => {
    const acl = compileAcl([policy("p", [["secret/+/bar", ["read"]], ["secret/foo/+", ["list"]]])]);
    expect(acl.decidingRule("secret/foo/bar")?.path).toBe("secret/foo/+");
  });

  test("at the same position a pattern without * wins: secret/+ over secret/*", () => {
    const acl = compileAcl([policy("p", [["secret/*", ["read"]], ["secret/+", ["list"]]])]);
    expect(acl.decidingRule("secret/a")?.path).toBe("secret/+");
    expect(acl.decidingRule("secret/a/b")?.path).toBe("secret/*");
  });

  test("fewer + segments win: secret/+/b/c over secret/+/+/c", () => {
    const acl = compileAcl([policy("p", [["secret/+/+/c", ["read"]], ["secret/+/b/c", ["list"]]])]);
    expect(acl.decidingRule("secret/a/b/c")?.path).toBe("secret/+/b/c");
  });

  test("the longer pattern wins: secret/+/bar/ba* over secret/+/bar/b*", () => {
    const acl = compileAcl([policy("p", [["secret/+/bar/b*", ["read"]], ["secret/+/bar/ba*", ["list"]]])]);
    expect(acl.decidingRule("secret/x/bar/baz")?.path).toBe("secret/+/bar/ba*");
  });

  test("only the longest * prefix takes part: a narrower prefix with fewer rights shadows a wider one", () => {
    const acl = compileAcl([policy("p", [["secret/data/*", ["read"]], ["secret/data/team-a/*", ["list"]]])]);
    expect(acl.allows("read", "secret/data/team-a/db")).toBe(false);
    expect(acl.allows("read", "secret/data/team-b/db")).toBe(true);
  });

  test("a + pattern whose first wildcard comes after the prefix's glob outranks the prefix", () => {
    const acl = compileAcl([policy("p", [["secret/*", ["read"]], ["secret/data/+/x", ["deny"]]])]);
    expect(acl.allows("read", "secret/data/a/x")).toBe(false);
    expect(acl.allows("read", "secret/data/a/y")).toBe(true);
  });
});

describe("merging several policies on one token", () => {
  test("the same path in two policies unions capabilities", () => {
    const acl = compileAcl([policy("a", [["secret/data/x/*", ["read"]]]), policy("b", [["secret/data/x/*", ["update"]]])]);
    expect([...acl.capabilities("secret/data/x/k")].sort()).toEqual(["read", "update"]);
    expect(acl.decidingRule("secret/data/x/k")?.policies).toEqual(["a", "b"]);
  });

  test("deny on the same path wins whatever the order", () => {
    for (const order of [["allow", "deny"], ["deny", "allow"]]) {
      const ps = order.map((n) => policy(n, [["secret/data/x/*", n === "deny" ? ["deny"] : ["read", "list"]]]));
      expect(compileAcl(ps).capabilities("secret/data/x/k").size).toBe(0);
    }
  });

  test("a more specific deny carves a hole in a wider grant", () => {
    const ps = [policy("wide", [["secret/data/*", ["read"]]]), policy("hole", [["secret/data/admin/*", ["deny"]]])];
    expect(reads(ps, "secret/data/app/x")).toBe(true);
    expect(reads(ps, "secret/data/admin/x")).toBe(false);
  });

  test("root grants everything; no policy grants nothing", () => {
    expect(isAllowed([{ name: "root", rules: [] }], "sudo", "sys/mounts")).toBe(true);
    expect(isAllowed([], "read", "secret/data/x")).toBe(false);
  });

  test("list honours an exact rule on the path without its trailing slash", () => {
    const acl = compileAcl([policy("p", [["secret/metadata/team-a", ["list"]]])]);
    expect(acl.allows("list", "secret/metadata/team-a/")).toBe(true);
    expect(acl.allows("read", "secret/metadata/team-a/")).toBe(false);
  });

  test("'+*' is refused, as Vault refuses it", () => {
    expect(() => compileAcl([policy("p", [["secret/+*", ["read"]]])])).toThrow(/forbidden/);
  });
});

describe("templated paths", () => {
  const accessor = "auth_kubernetes_1234";
  const tpl = policy("t", [[`secret/data/apps/{{identity.entity.aliases.${accessor}.metadata.service_account_namespace}}/*`, ["read"]]]);
  const as = (ns: string) => ({ entity: { aliases: { [accessor]: { metadata: { service_account_namespace: ns } } } } });

  test("resolve per identity: each namespace reads its own subtree only", () => {
    expect(isAllowed([tpl], "read", "secret/data/apps/team-a/db", as("team-a"))).toBe(true);
    expect(isAllowed([tpl], "read", "secret/data/apps/team-b/db", as("team-a"))).toBe(false);
  });

  test("an unresolvable template drops the path (an alias of another mount gets nothing)", () => {
    const other = { entity: { aliases: { auth_other: { metadata: { service_account_namespace: "team-a" } } } } };
    expect(isAllowed([tpl], "read", "secret/data/apps/team-a/db", other)).toBe(false);
    expect(isAllowed([tpl], "read", "secret/data/apps//db")).toBe(false);
  });

  test("entity id, name and metadata resolve; unknown expressions do not", () => {
    const id = { entity: { id: "e1", name: "n1", metadata: { team: "x" } } };
    expect(resolveTemplates("a/{{identity.entity.id}}/{{identity.entity.name}}/{{identity.entity.metadata.team}}", id)).toBe("a/e1/n1/x");
    expect(resolveTemplates("a/{{identity.groups.names.x.id}}", id)).toBeUndefined();
  });

  test("the default policy reaches no KV path and resolves its entity paths", () => {
    const acl = compileAcl([VAULT_DEFAULT_POLICY], { entity: { id: "e1", name: "n1" } });
    expect(acl.allows("read", "identity/entity/id/e1")).toBe(true);
    expect(acl.allows("read", "identity/entity/id/e2")).toBe(false);
    expect(acl.allows("read", "cubbyhole/x")).toBe(true);
    for (const cap of ["read", "list", "create", "update", "delete"] as Capability[]) expect(acl.allows(cap, "secret/data/x")).toBe(false);
  });
});

test("policies rendered to HCL and parsed back by HashiCorp's parser evaluate the same", async () => {
  const p = policy("p", [["secret/data/a/*", ["read"]], ["secret/metadata/a/*", ["read", "list"]], ["secret/data/a/admin", ["deny"]]]);
  const parsed = await parsePolicyHcl("p", renderPolicyHcl(p));
  for (const path of ["secret/data/a/x", "secret/metadata/a/x", "secret/data/a/admin", "secret/data/b/x"]) {
    for (const cap of ["read", "list"] as Capability[]) expect(isAllowed([parsed], cap, path)).toBe(isAllowed([p], cap, path));
  }
});
