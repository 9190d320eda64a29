/**
 * Day two (issue 25): what a config change takes away, against the previous deployment's shape
 * (scripts/lib/day-two.ts, used by `npm run render` against out/<stack>/outputs.json), and the
 * PushSecret `deletionPolicy: Delete` warning (external-secrets providers/v1/vault/client_push.go
 * DeleteSecret deletes every version). Shapes come from the stack files through the same config parser
 * the program uses.
 */
import * as fs from "fs";
import { parse } from "yaml";
import { parseStackConfig, PlatformConfig } from "../components/config/config";
import { pushDeletionWarnings } from "../components/tenants/push-config";
import { dayTwoChanges, unacknowledged, withPreviousResources } from "../scripts/lib/day-two";
import { compileAcl } from "../policies/vault/acl";
import { buildDeployerPolicy } from "../policies/vault/deployer";
import { flattenConfig } from "../scripts/lib/stack-file";
import { outputsFor } from "./helpers/verify-standins";

function configOf(doc: Record<string, unknown>): PlatformConfig {
  const { config, secretKeys } = flattenConfig(doc);
  return parseStackConfig(config, { secretKeys: new Set(secretKeys), readFile: (p) => fs.readFileSync(p, "utf8") }).config;
}
const devDoc = (parse(fs.readFileSync("Pulumi.dev.yaml", "utf8")) as { config: Record<string, any> }).config;
const dev = configOf(devDoc);
const shape = (doc: Record<string, any>) => outputsFor(configOf(doc));
const withKey = (key: string, value: unknown) => ({ ...devDoc, [key]: value });

test("no change, no finding; an added tenant takes nothing away", () => {
  expect(dayTwoChanges(outputsFor(dev), outputsFor(dev))).toEqual([]);
  const more = withKey("vault-eso:tenants", [...devDoc["vault-eso:tenants"], { name: "team-z" }]);
  expect(dayTwoChanges(outputsFor(dev), shape(more))).toEqual([]);
});

test("removing a tenant is offboarding: named with what goes, what stays (namespace, subtree) and that a namesake inherits the subtree", () => {
  const fewer = withKey("vault-eso:tenants", devDoc["vault-eso:tenants"].filter((t: { name: string }) => t.name !== "team-b"));
  const found = dayTwoChanges(outputsFor(dev), shape(fewer));
  expect(found.map((c) => c.id)).toEqual(["remove:team-b"]);
  const subtree = dev.tenants.find((t) => t.name === "team-b")!.subtree;
  expect(found[0].message).toContain("Vault role tenant-team-b");
  expect(found[0].message).toContain("namespace team-b is kept unless it had deleteNamespaceOnRemoval: true");
  expect(found[0].message).toContain(`subtree ${subtree} stays in Vault and a tenant named team-b later inherits it`);
});

test("a tenant renamed is a removal (its subtree unreachable) plus a new tenant", () => {
  const renamed = withKey("vault-eso:tenants", devDoc["vault-eso:tenants"].map((t: { name: string }) => (t.name === "team-b" ? { ...t, name: "team-bee" } : t)));
  expect(dayTwoChanges(outputsFor(dev), shape(renamed)).map((c) => c.id)).toEqual(["remove:team-b"]);
});

test("pathTemplate, org or environment changes move every tenant's subtree: each is named with the old and new subtree", () => {
  const tenancy = { ...(devDoc["vault-eso:tenancy"] ?? {}), pathTemplate: "{org}/{env}/teams/{tenant}" };
  const moved = dayTwoChanges(outputsFor(dev), shape(withKey("vault-eso:tenancy", tenancy)));
  expect(moved.map((c) => c.id)).toEqual(dev.tenants.map((t) => `subtree:${t.name}`).sort());
  const a = dev.tenants.find((t) => t.name === "team-a")!;
  expect(moved.find((c) => c.id === "subtree:team-a")!.message).toContain(`from ${a.subtree} to acme/dev/teams/team-a`);
  const org = dayTwoChanges(outputsFor(dev), shape(withKey("vault-eso:tenancy", { ...devDoc["vault-eso:tenancy"], org: "globex" })));
  expect(org.map((c) => c.id)).toEqual(dev.tenants.map((t) => `subtree:${t.name}`).sort());
});

test("store.name, tenancy.storeName and kv.path renames are named", () => {
  const next = outputsFor(dev);
  const renamed = { ...next, storeName: "vault-new", kvPath: "kv2", tenants: { ...next.tenants, "team-a": { ...next.tenants["team-a"], store: "vault-new" } } };
  expect(dayTwoChanges(outputsFor(dev), renamed).map((c) => c.id)).toEqual([`kvPath:${dev.kv.path}`, `store:${dev.store.name}`, "tenantStore:team-a"]);
});

test("refused until --acknowledge names each id exactly", () => {
  const changes = dayTwoChanges(outputsFor(dev), { ...outputsFor(dev), storeName: "x", tenants: {} });
  expect(unacknowledged(changes, []).map((c) => c.id)).toEqual([`store:${dev.store.name}`, "remove:team-a", "remove:team-b"]);
  expect(unacknowledged(changes, ["remove:team-a", "remove:team-b"]).map((c) => c.id)).toEqual([`store:${dev.store.name}`]);
  expect(unacknowledged(changes, ["remove:team-*", `store:${dev.store.name}`]).map((c) => c.id)).toEqual(["remove:team-a", "remove:team-b"]);
  expect(unacknowledged(changes, changes.map((c) => c.id))).toEqual([]);
});

test("a PushSecret with deletionPolicy: Delete is warned about, naming it and the order that keeps its data", () => {
  expect(pushDeletionWarnings(dev.tenants.map((t) => ({ ...t, push: t.push && { ...t.push, secrets: t.push.secrets.map((s) => ({ ...s, deletionPolicy: "None" })) } })))).toEqual([]);
  const tenants = [{ name: "team-a", push: { secrets: [{ name: "keep", deletionPolicy: "None" }, { name: "generated", deletionPolicy: "Delete" }] } }];
  const w = pushDeletionWarnings(tenants);
  expect(w).toHaveLength(1);
  expect(w[0]).toMatch(/^tenants\[0\]\.push\.secrets\[1\] \(team-a\/generated\) has deletionPolicy: Delete: .* including when tenant team-a is removed, .* set deletionPolicy: None and run `pulumi up`/);
});

test("the deployer policy covers deleting what the previous render had and this one drops (offboarding cannot stop at a 403 halfway), and nothing retained", () => {
  const role = (name: string) => ({ type: "vault:kubernetes/authBackendRole:AuthBackendRole", name: `${name}-role`, inputs: { backend: "kubernetes", roleName: name, boundServiceAccountNames: ["vault-secrets"], boundServiceAccountNamespaces: [name.replace(/^tenant-/, "")], tokenPolicies: [name] } });
  const policy = (name: string, retainOnDelete?: boolean) => ({ type: "vault:index/policy:Policy", name: `${name}-policy`, inputs: { name, policy: "" }, ...(retainOnDelete ? { retainOnDelete } : {}) });
  const current = [role("tenant-team-a"), policy("tenant-team-a")];
  const previous = [...current, role("tenant-team-b"), policy("tenant-team-b"), policy("kept", true)];
  const can = (rs: Parameters<typeof buildDeployerPolicy>[0], path: string) => compileAcl([buildDeployerPolicy(rs).policy]).capabilities(path).has("delete");
  expect(can(current, "auth/kubernetes/role/tenant-team-b")).toBe(false); // the new render alone: up would get 403
  const { resources, goingAway } = withPreviousResources(current, previous);
  expect(goingAway.map((r) => r.name)).toEqual(["tenant-team-b-role", "tenant-team-b-policy", "kept-policy"]);
  expect(can(resources, "auth/kubernetes/role/tenant-team-b")).toBe(true);
  expect(can(resources, "sys/policies/acl/tenant-team-b")).toBe(true);
  expect(can(resources, "sys/policies/acl/kept")).toBe(false); // retainOnDelete: the engine never deletes it
  expect(withPreviousResources(current, current).goingAway).toEqual([]);
});
