/**
 * Property tests: the merge laws hashicorp/vault `vault/acl.go` implies,
 * checked on random policies (a fixed-seed generator, so failures repeat).
 *
 * From `NewACL` (merging policies attached to one token, per path string):
 *   "If we are explicitly denied in the existing capability set, don't save anything else"
 *   "If this new policy explicitly denies, only save the deny value"
 *   "Insert the capabilities in this new policy into the existing value"
 *     (existingPerms.CapabilitiesBitmap | pc.Permissions.CapabilitiesBitmap)
 * From `AllowOperation` / `CheckAllowedFromNonExactPaths`:
 *   "Find an exact matching rule, look for prefix if no match" and, among
 *   patterns, `sort.Slice(descrs, wildcardPathSpecificityLess(descrs))` then
 *   `descrs[len(descrs)-1].perms`: one rule decides; rules of other paths are
 *   never unioned in, so a more specific rule can also narrow.
 */
import { compileAcl } from "../../policies/vault/acl";
import type { Capability, PathRule, VaultPolicy } from "../../policies/vault/model";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const GRANTS: Capability[] = ["create", "read", "update", "delete", "list", "sudo"];
const SEG = ["a", "b", "ab"];

function randomRulePath(r: () => number): string {
  const depth = 1 + Math.floor(r() * 3);
  const segs = Array.from({ length: depth }, () => (r() < 0.2 ? "+" : SEG[Math.floor(r() * SEG.length)]));
  const p = segs.join("/");
  const k = r();
  if (k < 0.25) return `${p}/*`;
  if (k < 0.4 && !p.endsWith("+")) return `${p}*`;
  return p;
}
function randomCaps(r: () => number): Capability[] {
  if (r() < 0.15) return ["deny"];
  const caps = GRANTS.filter(() => r() < 0.4);
  return caps.length > 0 ? caps : ["read"];
}
function randomPolicy(r: () => number, name: string, shared: string[]): VaultPolicy {
  const n = 1 + Math.floor(r() * 4);
  const rules: PathRule[] = Array.from({ length: n }, () => ({ path: r() < 0.5 ? shared[Math.floor(r() * shared.length)] : randomRulePath(r), capabilities: randomCaps(r) }));
  return { name, rules };
}
const REQUESTS: string[] = (() => {
  const out: string[] = [];
  const walk = (prefix: string, depth: number) => {
    for (const s of [...SEG, "x", "abc"]) {
      const p = prefix ? `${prefix}/${s}` : s;
      out.push(p, `${p}/`);
      if (depth < 3) walk(p, depth + 1);
    }
  };
  walk("", 1);
  return out;
})();

const CASES = 60;
const cases = (seed: number) => {
  const r = rng(seed);
  return Array.from({ length: CASES }, (_, i) => {
    const shared = [randomRulePath(r), randomRulePath(r)];
    return [randomPolicy(r, `p${i}a`, shared), randomPolicy(r, `p${i}b`, shared), randomPolicy(r, `p${i}c`, shared)];
  });
};

describe("hashicorp/vault vault/acl.go NewACL merge laws (random policies, fixed seed)", () => {
  test("same path: the deciding rule's capabilities are the union of every policy's capabilities for that path, or deny alone if any denies", () => {
    const bad: string[] = [];
    for (const ps of cases(1)) {
      const acl = compileAcl(ps, {}, { listLookup: "current" });
      for (const path of REQUESTS) {
        const rule = acl.decidingRule(path, true);
        if (!rule) continue;
        const written = ps.flatMap((p) => p.rules.filter((x) => x.path === rule.path));
        const expected = written.some((x) => x.capabilities.includes("deny")) ? ["deny"] : [...new Set(written.flatMap((x) => x.capabilities))];
        if (written.length === 0 || [...rule.capabilities].sort().join() !== expected.sort().join()) bad.push(`${path}: ${rule.path}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test("order does not matter: the same policies in reverse order give the same answer everywhere", () => {
    for (const ps of cases(2)) {
      const a = compileAcl(ps);
      const b = compileAcl([...ps].reverse());
      const differ: string[] = [];
      for (const path of REQUESTS) for (const cap of GRANTS) if (a.allows(cap, path) !== b.allows(cap, path)) differ.push(`${cap} ${path}`);
      expect(differ).toEqual([]);
    }
  });

  test("one rule decides: a request gets exactly the deciding rule's capabilities (never a union across paths)", () => {
    const bad: string[] = [];
    for (const ps of cases(3)) {
      const acl = compileAcl(ps, {}, { listLookup: "current" });
      for (const path of REQUESTS) {
        const rule = acl.decidingRule(path, true);
        const expected = !rule || rule.capabilities.has("deny") ? [] : [...rule.capabilities];
        if ([...acl.capabilities(path)].sort().join() !== expected.sort().join()) bad.push(path);
      }
    }
    expect(bad).toEqual([]);
  });

  test("so adding a policy can narrow: a more specific rule with fewer capabilities takes reach away", () => {
    const wide: VaultPolicy = { name: "wide", rules: [{ path: "secret/data/*", capabilities: ["read", "list"] }] };
    const narrow: VaultPolicy = { name: "narrow", rules: [{ path: "secret/data/team-a/*", capabilities: ["list"] }] };
    expect(compileAcl([wide]).allows("read", "secret/data/team-a/db")).toBe(true);
    expect(compileAcl([wide, narrow]).allows("read", "secret/data/team-a/db")).toBe(false);
  });
});
