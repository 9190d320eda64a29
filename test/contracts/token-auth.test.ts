/**
 * Contract tests for the token-auth variant: what Vault and the Vault provider
 * do with what the program (prod stack + tokenAuth.enabled) registers.
 *
 * - hashicorp/vault vault/token_store.go handleCreateCommon / tokenStoreRoleCreateUpdate
 *   (commit 0102d6b0e270a46fd5232dcf112fb065a7880deb): models/vault-token-store.ts
 * - hashicorp/terraform-provider-vault vault/resource_token.go tokenCreate/tokenRead/tokenDelete
 *   (v5.x, commit 31447510c5c6ab0e1bd60435ff5b4a838b3f2f69) and token_store.go
 *   handleUpdateLookupAccessor / handleUpdateRevokeAccessor: models/tf-vault-token.ts
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { installMocks, MockEngine, Registered } from "../helpers/mocks";
import { flattenConfig } from "../helpers/stack-file";
import { buildPlatform } from "../../components/platform";
import { loadStackConfig } from "../../components/config/stack-config";
import { createThroughRole, longestLife, roleWrite, TokenRole } from "./models/vault-token-store";
import { createRequestOf, VaultRelease } from "./models/tf-vault-token";
import { destroy, liveOnlyInState, newWorld, Program, refresh, replace, rotate, up } from "./models/token-lifecycle";
import { ttlSeconds } from "../../policies/guard/rules/vault";
import { compileAcl } from "../../policies/vault/acl";
import { parsePolicyHcl } from "../../policies/vault/hcl";
import { classifyPreview, driftExitCode, driftReport } from "../../scripts/lib/drift";
import { TOKEN_RENEWER_NAME, TOKEN_RENEWER_TYPE } from "../../components/token-renewer/renewer-builders";
import { expectNoChangesFails, refreshedPreview } from "./models/refreshed-preview";

let engine: MockEngine;
beforeAll(async () => {
  engine = installMocks("prod");
  const doc = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, unknown> };
  doc.config["vault-eso:tokenAuth"] = { enabled: true };
  const { config, secretKeys } = flattenConfig(doc.config);
  pulumi.runtime.setAllConfig(config, secretKeys);
  buildPlatform(loadStackConfig());
  await engine.settle();
});

const one = (type: string): Registered => {
  const hits = engine.ofType(type);
  expect(hits).toHaveLength(1);
  return hits[0];
};
const tokenRes = () => one("vault:index/token:Token");
const roleOf = (): TokenRole => {
  const r = one("vault:tokenauth/authBackendRole:AuthBackendRole").inputs;
  return {
    name: r.roleName,
    allowedPolicies: r.allowedPolicies ?? [],
    disallowedPolicies: r.disallowedPolicies ?? [],
    orphan: r.orphan ?? false,
    renewable: r.renewable ?? true,
    tokenPeriod: r.tokenPeriod ?? 0,
    tokenExplicitMaxTtl: r.tokenExplicitMaxTtl ?? 0,
    tokenNoDefaultPolicy: r.tokenNoDefaultPolicy ?? false,
  };
};
const renewerEnv = (): Record<string, string> =>
  Object.fromEntries(one("kubernetes:batch/v1:CronJob").inputs.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));

describe("hashicorp/vault vault/token_store.go handleCreateCommon: the program's token requests", () => {
  test("the bootstrap vault.Token's request (resource_token.go tokenCreate) is accepted from a deploying token without sudo", () => {
    const req = createRequestOf(tokenRes().inputs);
    const out = createThroughRole(roleOf(), req, { sudo: false });
    expect(out).not.toHaveProperty("error");
    if ("error" in out) return;
    // The role makes it periodic and orphan; the lesser explicit max (the token's short one) wins.
    expect(out.period).toBe(roleOf().tokenPeriod);
    expect(out.orphan).toBe(true);
    expect(out.explicitMaxTtl).toBe(Math.min(ttlSeconds(tokenRes().inputs.explicitMaxTtl)!, roleOf().tokenExplicitMaxTtl));
    expect(out.explicitMaxTtl).toBeLessThan(roleOf().tokenExplicitMaxTtl);
    expect(out.policies).toEqual(roleOf().allowedPolicies);
    expect(out.policies).not.toContain("default");
    expect(longestLife(out)).toBeLessThanOrEqual(Number(renewerEnv().ROTATE_BEFORE_SECONDS));
  });

  test("the renewer's create body (renew.mjs createThroughRole) is accepted from the renewer's own token (no sudo) and gets the role's full lifetime", () => {
    const env = renewerEnv();
    const out = createThroughRole(roleOf(), { policies: env.VAULT_TOKEN_POLICIES.split(","), no_default_policy: true, display_name: "eso-cluster-token", meta: { "created-by": "vault-eso-token-renewer" } }, { sudo: false });
    expect(out).toMatchObject({ period: roleOf().tokenPeriod, explicitMaxTtl: roleOf().tokenExplicitMaxTtl, renewable: true, orphan: true, policies: roleOf().allowedPolicies });
  });

  test("focused: a period in the request needs sudo even through a role; the role's token_period alone makes the token periodic", () => {
    const role = roleOf();
    expect(createThroughRole(role, { policies: role.allowedPolicies, period: 7 * 86400 }, { sudo: false })).toEqual({ error: "root or sudo privileges required to create periodic token" });
    expect(createThroughRole(role, { policies: role.allowedPolicies, period: 7 * 86400 }, { sudo: true })).toMatchObject({ period: 7 * 86400 });
    expect(createThroughRole(role, { policies: role.allowedPolicies }, { sudo: false })).toMatchObject({ period: role.tokenPeriod });
  });

  test("focused: policies outside allowed_policies, a disallowed 'default', a use-limited parent, an unknown role are refused", () => {
    const role = roleOf();
    expect(createThroughRole(role, { policies: [...role.allowedPolicies, "admin"] }, { sudo: false })).toHaveProperty("error");
    expect(createThroughRole(role, { policies: ["default"] }, { sudo: false })).toHaveProperty("error");
    expect(createThroughRole(role, { policies: role.allowedPolicies }, { sudo: false, numUses: 3 })).toEqual({ error: "restricted use token cannot generate child tokens" });
    expect(createThroughRole(undefined, {}, { sudo: false })).toEqual({ error: "unknown role" });
    // no_parent is ignored with a role: the role's orphan decides.
    expect(createThroughRole({ ...role, orphan: false }, { policies: role.allowedPolicies, no_parent: true }, { sudo: false })).toMatchObject({ orphan: false });
  });

  test("the code as it was (period in the request) is refused: the regression this contract guards", () => {
    const before = createRequestOf({ ...tokenRes().inputs, period: "168h" });
    expect(createThroughRole(roleOf(), before, { sudo: false })).toEqual({ error: "root or sudo privileges required to create periodic token" });
  });
});

describe("hashicorp/vault vault/token_store.go tokenStoreRoleCreateUpdate: the role write", () => {
  test("the shipped role is accepted without a warning (its explicit max is within Vault's default 768 h system max)", () => {
    expect(roleWrite(roleOf())).toEqual({});
    expect(roleWrite({ ...roleOf(), tokenExplicitMaxTtl: 90 * 86400 }).warning).toContain("attempting to create tokens against this role will result in an error");
    expect(roleWrite({ ...roleOf(), tokenType: "batch" }).error).toContain("cannot be 'batch'");
  });

  test("with token_no_default_policy the tokens carry no 'default' policy: the renewer policy itself grants every token endpoint the script calls", async () => {
    const policies = engine.ofType("vault:index/policy:Policy").filter((p) => roleOf().allowedPolicies.includes(p.inputs.name));
    const acl = compileAcl(await Promise.all(policies.map((p) => parsePolicyHcl(p.inputs.name, p.inputs.policy))));
    // lookup-self is a read (GET), renew-self, revoke-self and create/<role> are updates (POST, no existence check).
    expect(acl.allows("read", "auth/token/lookup-self")).toBe(true);
    expect(acl.allows("update", "auth/token/renew-self")).toBe(true);
    expect(acl.allows("update", "auth/token/revoke-self")).toBe(true);
    expect(acl.allows("update", `auth/token/create/${roleOf().name}`)).toBe(true);
    expect(acl.allows("sudo", `auth/token/create/${roleOf().name}`)).toBe(false);
    expect(acl.allows("update", "auth/token/create")).toBe(false);
    expect(acl.allows("update", "auth/token/revoke-accessor")).toBe(false);
  });
});

describe("hashicorp/terraform-provider-vault vault/resource_token.go tokenRead/tokenDelete: create -> rotate -> refresh -> up -> destroy, and replacement", () => {
  const program = (): Program => {
    const job = engine.ofType("kubernetes:batch/v1:Job").find((j) => j.inputs.spec?.template?.spec?.containers?.[0]?.env?.some((e: { name: string }) => e.name === "BOOTSTRAP_SECRET_NAME"));
    const mainSecret = engine.ofType("kubernetes:core/v1:Secret").find((s) => s.name.endsWith("-secret") && !s.name.endsWith("bootstrap-secret"));
    return {
      retainOnDelete: tokenRes().retainOnDelete === true,
      pulumiTokenMaxLife: Math.min(ttlSeconds(tokenRes().inputs.explicitMaxTtl) ?? Infinity, roleOf().tokenExplicitMaxTtl),
      roleMaxLife: roleOf().tokenExplicitMaxTtl,
      // The Job is re-created with each new token: its pod template names the token's ID (accessor).
      bootstrapJob: job !== undefined && JSON.stringify(job.inputs.spec.template.metadata?.annotations ?? {}).includes(String(`${tokenRes().name}-id`)),
      secretIgnoresData: mainSecret !== undefined,
    };
  };

  test("the program registers what the lifecycle needs", () => {
    expect(program()).toMatchObject({ retainOnDelete: true, bootstrapJob: true, secretIgnoresData: true });
  });

  test.each<VaultRelease>(["current", "older"])("Vault %s: no usable token is left only in state; refresh, up, destroy and replacement succeed", (release) => {
    const p = program();
    const w = newWorld(release);
    expect(up(w, p)).toEqual({ ok: true });
    // The bootstrap Job consumed the Pulumi-minted token during up.
    expect(liveOnlyInState(w)).toEqual([]);
    expect(w.vault.live().map((t) => t.minted)).toEqual(["renewer"]);
    rotate(w, p); // a month later
    refresh(w);
    expect(w.token).toBeUndefined();
    expect(up(w, p)).toEqual({ ok: true }); // mints a bootstrap token, which the Job revokes at once
    expect(liveOnlyInState(w)).toEqual([]);
    expect(w.vault.live()).toHaveLength(1);
    expect(w.vault.live()[0].value).toBe(w.secret);
    expect(replace(w, p)).toEqual({ ok: true });
    expect(liveOnlyInState(w)).toEqual([]);
    expect(destroy(w, p)).toEqual({ ok: true });
  });

  test("a dead Secret token is recovered by refresh + up (the bootstrap token mints a successor once)", () => {
    const p = program();
    const w = newWorld();
    up(w, p);
    w.vault.revokeSelf(w.secret!); // revoked on purpose, or the renewer stopped for a period
    refresh(w);
    up(w, p);
    expect(w.vault.byValue(w.secret)?.status).toBe("live");
    expect(liveOnlyInState(w)).toEqual([]);
  });

  test("the code as it was (no retainOnDelete, no bootstrap Job, the role's full lifetime) fails these: a live token only in state; destroy fails on older Vault", () => {
    const before: Program = { retainOnDelete: false, bootstrapJob: false, secretIgnoresData: true, pulumiTokenMaxLife: roleOf().tokenExplicitMaxTtl, roleMaxLife: roleOf().tokenExplicitMaxTtl };
    const w = newWorld("older");
    up(w, before);
    rotate(w, before);
    refresh(w);
    up(w, before);
    expect(liveOnlyInState(w)).toHaveLength(1);
    const w2 = newWorld("older");
    up(w2, before);
    rotate(w2, before);
    expect(destroy(w2, before)).toEqual({ error: 'error deleting token "acc-1": invalid accessor' });
    const w3 = newWorld("current");
    up(w3, before);
    rotate(w3, before);
    w3.vault.tokens[0].status = "expired-unreaped";
    expect(replace(w3, before)).toHaveProperty("error");
  });
});

describe("hashicorp/terraform-provider-vault vault/resource_token.go tokenRead + pulumi/pulumi pkg/backend/display/json.go previewDigest: the drift check (scripts/lib/drift.ts) on this program's refreshed preview", () => {
  // The TokenRenewer's children sit under its component in real URNs (pulumi/pulumi resource/urn.go: parent type $ type).
  const parentsOf = (r: Registered) => (r.name.startsWith(`${TOKEN_RENEWER_NAME}-`) ? [TOKEN_RENEWER_TYPE] : []);
  /** After the first `up` (the bootstrap Job revoked the bootstrap token), a refresh: what it drops. */
  const droppedAfterBootstrap = (): Set<string> => {
    const job = engine.ofType("kubernetes:batch/v1:Job").find((j) => JSON.stringify(j.inputs.spec.template.metadata?.annotations ?? {}).includes(`${tokenRes().name}-id`));
    const p: Program = { retainOnDelete: tokenRes().retainOnDelete === true, pulumiTokenMaxLife: 3600, roleMaxLife: roleOf().tokenExplicitMaxTtl, bootstrapJob: job !== undefined, secretIgnoresData: true };
    const w = newWorld();
    up(w, p);
    refresh(w);
    return new Set(w.token ? [] : [tokenRes().name]);
  };

  test("refresh drops the revoked bootstrap token, so a plain --expect-no-changes fails on every run: the lifecycle the check must not call drift", () => {
    const dropped = droppedAfterBootstrap();
    expect([...dropped]).toEqual([`${TOKEN_RENEWER_NAME}-token`]);
    const steps = refreshedPreview("prod", engine.resources, dropped, parentsOf);
    expect(expectNoChangesFails(steps)).toBe(true);
    const changed = steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`);
    // Exactly the token, the bootstrap Secret (its data) and the bootstrap Job (its pod template): the main Secret ignores data.
    expect(changed.sort()).toEqual([`create ${TOKEN_RENEWER_NAME}-token`, `replace ${TOKEN_RENEWER_NAME}-bootstrap`, `update ${TOKEN_RENEWER_NAME}-bootstrap-secret`]);
  });

  test("the drift check accepts that lifecycle (no drift, exit 0) and names it in the report", () => {
    const v = classifyPreview({ steps: refreshedPreview("prod", engine.resources, droppedAfterBootstrap(), parentsOf) });
    expect(v.drift).toEqual([]);
    expect(v.expected.map((c) => c.name).sort()).toEqual([`${TOKEN_RENEWER_NAME}-bootstrap`, `${TOKEN_RENEWER_NAME}-bootstrap-secret`, `${TOKEN_RENEWER_NAME}-token`]);
    expect(driftExitCode(v, false)).toBe(0);
    expect(driftReport("prod", v)).toMatch(/No drift in `prod`[^]*Expected by design/);
  });

  test("...but a hand-edited policy or a deleted role next to it is drift (exit 1), and so is a bootstrap Job change without a re-minted token", () => {
    const steps = refreshedPreview("prod", engine.resources, droppedAfterBootstrap(), parentsOf);
    const policy = engine.ofType("vault:index/policy:Policy")[0];
    const edited = steps.map((s) => (s.urn.endsWith(`::${policy.name}`) ? { ...s, op: "update", diffReasons: ["policy"], detailedDiff: { policy: { kind: "update" } } } : s));
    const v = classifyPreview({ steps: edited });
    expect(v.drift.map((c) => `${c.op} ${c.name} ${c.properties.join(",")}`)).toEqual([`update ${policy.name} policy`]);
    expect(driftExitCode(v, false)).toBe(1);
    // Without the token create, the Job's replacement is not the lifecycle: someone changed it.
    const noRemint = classifyPreview({ steps: refreshedPreview("prod", engine.resources, new Set(), parentsOf).map((s) => (s.urn.endsWith(`::${TOKEN_RENEWER_NAME}-bootstrap`) ? { ...s, op: "replace" } : s)) });
    expect(noRemint.drift.map((c) => c.name)).toEqual([`${TOKEN_RENEWER_NAME}-bootstrap`]);
  });
});
