/**
 * The resource-identity contract (scripts/lib/identity/) and the upgrade test:
 * - each shipped stack (dev, prod, the sharding example's team-payments tenant stack, the package
 *   example) registers what its committed contract (test/identity/<id>.json, `npm run
 *   identity:snapshot`) lists: every URN still there or covered by an alias, no stateful object
 *   with another provider identity or a replacing input changed;
 * - upgrading from the last release's registrations (test/identity/releases/v<x>/<id>.json) replaces
 *   or deletes no stateful object and changes in place only what CHANGELOG.md lists.
 * The code changes an issue names (a renamed KV mount, a renamed tenant component, a renamed store)
 * are applied to the real registrations as a refactor would change them: the resource's name (and
 * its descendants' names derived from it) changes; each fails without an alias and passes with one.
 */
import * as fs from "fs";
import type { AliasSpec, Captured } from "../scripts/lib/capture";
import { chartSkips, checkIdentity, IdentitySnapshot } from "../scripts/lib/identity/contract";
import { ESO_CHART } from "../components/eso/eso";
import { captureShipped, SHIPPED_STACKS } from "../scripts/lib/identity/shipped";
import { releasedVersions, upgradePromises } from "../scripts/lib/identity/changelog";
import { aliasUrns, createUrn, parseUrn } from "../scripts/lib/identity/urns";

const current = new Map<string, Captured[]>();
beforeAll(async () => {
  for (const s of SHIPPED_STACKS) current.set(s.id, await captureShipped(s, () => import("../examples/typescript/index.js")));
}, 120_000);

const contract = (id: string) => JSON.parse(fs.readFileSync(`test/identity/${id}.json`, "utf8")) as IdentitySnapshot;
const changelog = fs.readFileSync("CHANGELOG.md", "utf8");
const lastRelease = releasedVersions(changelog)[0];
const releaseSnapshot = (id: string) => JSON.parse(fs.readFileSync(`test/identity/releases/v${lastRelease}/${id}.json`, "utf8")) as IdentitySnapshot;

/**
 * A refactor renaming resource `urn` to `newName`: its URN changes, and so do its descendants'
 * (their qualified type and, for names derived from the parent's, their name), as Pulumi computes them.
 */
function rename(rs: readonly Captured[], urn: string, newName: string, alias?: string | AliasSpec): Captured[] {
  const oldName = parseUrn(urn).name;
  const map = new Map<string, string>();
  const newUrn = (r: Captured): string => {
    if (map.has(r.urn)) return map.get(r.urn)!;
    let out = r.urn;
    if (r.urn === urn) out = createUrn(newName, r.type, r.parent && newParent(r.parent), parseUrn(r.urn).project, parseUrn(r.urn).stack);
    else if (r.parent && newParent(r.parent) !== r.parent) {
      const name = r.name.startsWith(oldName) && isBelow(r, urn) ? newName + r.name.slice(oldName.length) : r.name;
      out = createUrn(name, r.type, newParent(r.parent), parseUrn(r.urn).project, parseUrn(r.urn).stack);
    }
    map.set(r.urn, out);
    return out;
  };
  const byUrn = new Map(rs.map((r) => [r.urn, r]));
  const isBelow = (r: Captured, ancestor: string): boolean => !!r.parent && (r.parent === ancestor || isBelow(byUrn.get(r.parent)!, ancestor));
  const newParent = (p: string) => (byUrn.has(p) ? newUrn(byUrn.get(p)!) : p);
  return rs.map((r) => {
    const u = newUrn(r);
    const name = parseUrn(u).name;
    return { ...r, urn: u, name, parent: r.parent && newParent(r.parent), ...(r.urn === urn && alias ? { aliases: [...(r.aliases ?? []), alias] } : {}) };
  });
}

const find = (rs: readonly Captured[], type: string, name?: string) => {
  const hits = rs.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (hits.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, found ${hits.length}`);
  return hits[0];
};

describe("identity contract: the shipped stacks keep their committed identities", () => {
  test.each(SHIPPED_STACKS.map((s) => s.id))("%s: every committed URN is registered or aliased; no stateful object changes identity or is replaced", (id) => {
    const check = checkIdentity(contract(id), current.get(id)!);
    expect(check.problems).toEqual([]);
    expect(check.replaced).toEqual([]);
  });

  test("the contracts list stateful objects: dev's KV and auth mounts, namespaces, stores and the ESO release", () => {
    const stateful = contract("dev").resources.filter((r) => r.stateful).map((r) => `${r.type} ${JSON.stringify(r.identity)}`);
    expect(stateful).toEqual(expect.arrayContaining([`vault:index/mount:Mount {"path":"secret"}`, `vault:index/authBackend:AuthBackend {"path":"kubernetes","type":"kubernetes"}`]));
    expect(stateful.filter((s) => /:Namespace /.test(s))).toHaveLength(3);
    expect(stateful.filter((s) => /SecretStore /.test(s))).toHaveLength(3);
    expect(stateful.filter((s) => /helm.sh/.test(s))).toHaveLength(1);
  });
});

describe.each([
  ["contract", (id: string) => contract(id)],
  ["upgrade from the last release", (id: string) => releaseSnapshot(id)],
] as const)("%s: refactors fail without an alias and pass with one", (_label, snapshotFor) => {
  test("a renamed KV mount", () => {
    const dev = current.get("dev")!;
    const mount = find(dev, "vault:index/mount:Mount");
    const without = checkIdentity(snapshotFor("dev"), rename(dev, mount.urn, "kv-store"));
    const committed = snapshotFor("dev").resources.find((r) => r.type === "vault:index/mount:Mount")!.urn;
    expect(without.problems).toEqual([expect.stringMatching(new RegExp(`^${escape(committed)}: no resource has this URN or an alias of it \\(stateful: pulumi up would delete it\\)`))]);
    expect(checkIdentity(snapshotFor("dev"), rename(dev, mount.urn, "kv-store", { name: mount.name })).problems).toEqual([]);
  });

  test("a renamed tenant component: its children move with it; one alias on the component covers them all", () => {
    const dev = current.get("dev")!;
    const tenant = find(dev, "vault-eso:index:TenantNamespace", "tenant-team-a");
    const children = dev.filter((r) => r.parent === tenant.urn);
    expect(children.length).toBeGreaterThan(3);
    const without = checkIdentity(snapshotFor("dev"), rename(dev, tenant.urn, "tenant-alpha"));
    expect(without.problems.length).toBe(children.length + 1);
    expect(without.problems.filter((p) => /:Namespace::.*stateful/.test(p))).toHaveLength(1);
    // The alias names the committed URN: a `{ name }` alone would keep today's parent, and the last release had none.
    const committedTenant = snapshotFor("dev").resources.find((r) => r.type === "vault-eso:index:TenantNamespace" && r.urn.endsWith("::tenant-team-a"))!.urn;
    const withAlias = checkIdentity(snapshotFor("dev"), rename(dev, tenant.urn, "tenant-alpha", committedTenant));
    expect(withAlias.problems).toEqual([]);
    expect(withAlias.moved.get(children[0].urn)).not.toBe(children[0].urn);
  });

  test("a renamed store resource (the ClusterSecretStore), and a changed store name (metadata.name), which no alias can save", () => {
    const dev = current.get("dev")!;
    const store = find(dev, "kubernetes:external-secrets.io/v1:ClusterSecretStore");
    expect(checkIdentity(snapshotFor("dev"), rename(dev, store.urn, "store")).problems).toEqual([expect.stringContaining("stateful: pulumi up would delete it")]);
    expect(checkIdentity(snapshotFor("dev"), rename(dev, store.urn, "store", { name: store.name })).problems).toEqual([]);
    const renamedObject = dev.map((r) => (r === store ? { ...r, inputs: { ...r.inputs, metadata: { ...(r.inputs.metadata as object), name: "vault-backend-2" } } } : r));
    const problems = checkIdentity(snapshotFor("dev"), renamedObject).problems;
    expect(problems).toEqual([
      expect.stringMatching(/ClusterSecretStore::cluster-store: stateful object's provider identity changes from .*"vault-backend".* to .*"vault-backend-2"/),
      expect.stringMatching(/ClusterSecretStore::cluster-store: the provider would replace this stateful object \(metadata\.name changed\)/),
    ]);
  });

  test("a KV mount made local (a ForceNew input of vault_mount) is a replacement of a stateful object", () => {
    const dev = current.get("dev")!;
    const changed = dev.map((r) => (r.type === "vault:index/mount:Mount" ? { ...r, inputs: { ...r.inputs, local: true } } : r));
    expect(checkIdentity(snapshotFor("dev"), changed).problems).toEqual([expect.stringMatching(/Mount::vault-kv: the provider would replace this stateful object \(local changed\)/)]);
  });

});

// Against the contract only: the last release's URNs are root-level, and every child of VaultEsoPlatform already carries
// its own alias to them, so moving the platform again cannot lose those.
test("re-parenting every top-level resource under a new platform component: fails without aliases, passes with { noParent } on each moved resource", () => {
  const prod = current.get("prod")!;
  const { stack, project } = parseUrn(prod[0].urn);
  const platformUrn = createUrn("platform", "vault-eso:index:Platform", undefined, project, stack);
  const moved = (alias: boolean) => {
    const top = new Set(prod.filter((r) => !r.parent).map((r) => r.urn));
    let rs: Captured[] = [...prod, { urn: platformUrn, type: "vault-eso:index:Platform", name: "platform", custom: false, dependencies: [], inputs: {}, options: {} }];
    for (const urn of top) {
      const r = rs.find((x) => x.urn === urn)!;
      const newUrn = createUrn(r.name, r.type, platformUrn, project, stack);
      rs = rs.map((x) => (x.urn === urn ? { ...x, urn: newUrn, parent: platformUrn, ...(alias ? { aliases: [{ noParent: true }] } : {}) } : x));
      // Children's URNs embed the parent's qualified type.
      rs = rs.map((x) => (x.parent === urn ? { ...x, parent: newUrn, urn: createUrn(x.name, x.type, newUrn, project, stack) } : x));
    }
    return rs;
  };
  expect(checkIdentity(contract("prod"), moved(false)).problems.length).toBeGreaterThan(10);
  expect(checkIdentity(contract("prod"), moved(true)).problems).toEqual([]);
});

describe("upgrade test: from the last release's registrations to this code", () => {
  test("CHANGELOG.md's latest release has a committed snapshot of every shipped stack", () => {
    expect(lastRelease).toMatch(/^\d+\.\d+\.\d+/);
    for (const s of SHIPPED_STACKS) expect(fs.existsSync(`test/identity/releases/v${lastRelease}/${s.id}.json`)).toBe(true);
  });

  test.each(SHIPPED_STACKS.map((s) => s.id))("%s: no stateful object replaced or deleted; every in-place update and replacement is one CHANGELOG.md lists", (id) => {
    const check = checkIdentity(releaseSnapshot(id), current.get(id)!);
    const promised = upgradePromises(changelog, lastRelease);
    expect(check.problems).toEqual([]);
    expect(check.updated.filter((u) => !promised.updates.has(u))).toEqual([]);
    expect(check.replaced.filter((r) => !promised.replaced.has(parseUrn(r.slice(0, r.indexOf(": "))).type))).toEqual([]);
  });

  test.each(SHIPPED_STACKS.map((s) => s.id))("%s: the ESO chart moves at most one minor version from the last release", (id) => {
    const check = checkIdentity(releaseSnapshot(id), current.get(id)!);
    expect(chartSkips(releaseSnapshot(id), current.get(id)!, [ESO_CHART.name], check.moved)).toEqual([]);
  });

  test("an ESO chart bump: the next minor passes, skipping one fails, a major to x.0 passes", () => {
    const dev = current.get("dev")!;
    const snapshot = releaseSnapshot("dev");
    const old = snapshot.resources.find((r) => r.chart?.name === ESO_CHART.name)!.chart!.version;
    const [major, minor] = old.split(".").map(Number);
    const bumped = (version: string) => dev.map((r) => (r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === ESO_CHART.name ? { ...r, inputs: { ...r.inputs, version } } : r));
    const skips = (version: string) => chartSkips(snapshot, bumped(version), [ESO_CHART.name], checkIdentity(snapshot, bumped(version)).moved);
    expect(skips(`${major}.${minor + 1}.0`)).toEqual([]);
    expect(skips(`${major}.${minor + 2}.0`)).toEqual([expect.stringMatching(new RegExp(`^external-secrets ${old} -> ${major}\\.${minor + 2}\\.0: more than one minor version`))]);
    expect(skips(`${major + 1}.0.0`)).toEqual([]);
    expect(skips(`${major + 1}.1.0`)).toHaveLength(1);
  });

  test("an in-place update the changelog does not list fails the upgrade test; listing it passes", () => {
    const dev = current.get("dev")!;
    const changed = dev.map((r) => (r.type === "vault:kubernetes/authBackendRole:AuthBackendRole" ? { ...r, inputs: { ...r.inputs, tokenTtl: 600 } } : r));
    const check = checkIdentity(releaseSnapshot("dev"), changed);
    expect(check.updated).toContain("vault:kubernetes/authBackendRole:AuthBackendRole tokenTtl");
    const listed = `# Changelog\n\n## [Unreleased]\n\n### Upgrade: in-place updates\n\n- \`vault:kubernetes/authBackendRole:AuthBackendRole tokenTtl\`: shorter tokens\n\n## [${lastRelease}] - 2026-12-08\n`;
    expect(upgradePromises(listed, lastRelease).updates.has("vault:kubernetes/authBackendRole:AuthBackendRole tokenTtl")).toBe(true);
    expect(upgradePromises(`## [Unreleased]\n\n## [${lastRelease}]\n\n### Upgrade: in-place updates\n\n- \`vault:kubernetes/authBackendRole:AuthBackendRole tokenTtl\`: old\n`, lastRelease).updates.size).toBe(0);
  });
});

describe("aliases compose as Pulumi computes them (sdk/nodejs/resource.ts allAliases, inheritedChildAlias)", () => {
  test("a child inherits its parent's alias, with a parent-name prefix of its own name swapped", () => {
    const p = "urn:pulumi:s::p::t:C::new";
    const child = { urn: "urn:pulumi:s::p::t:C$t:R::new-role", type: "t:R", name: "new-role", parent: p };
    const got = aliasUrns([{ urn: p, type: "t:C", name: "new", aliases: [{ name: "old" }] }, child]);
    expect([...got.get(child.urn)!]).toEqual(["urn:pulumi:s::p::t:C$t:R::old-role"]);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\$]/g, "\\$&");
}
