/**
 * Contract tests: what Vault does with the mount, auth, audit and policy
 * writes this program sends, and what adopting an existing object with
 * Pulumi's `import` takes. The models (test/contracts/models/) cite the
 * upstream functions; each describe block names the one it checks. The
 * shipped stacks are played against the same models in stack-dev,
 * stack-prod and stack-token-auth.test.ts (their program runs are reused).
 */
import { ConfigError, KV_MOUNT_DESCRIPTION, parseStackConfig } from "../../components/config/config";
import { adoptionFor, adoptionPlan, adoptTransformations, kubernetesRoleImportId } from "../../components/vault-backend/adopt";
import { managedVaultNames } from "../../components/vault-backend/adopt-config";
import { auditResourceArgs, auditSchema } from "../../components/vault-backend/audit-config";
import { USER_DATA_OPTIONS } from "../../components/config/options";
import { mountProblem } from "../../policies/vault/paths";
import { flat, RawSections, validSections } from "../helpers/fixtures";
import {
  AUDIT_SCHEMA,
  AUTH_BACKEND_SCHEMA,
  importDecision,
  importStep,
  MOUNT_SCHEMA,
  parseKubernetesRoleId,
  POLICY_SCHEMA,
  readAuditState,
  readAuthBackendState,
  readMountState,
  readPolicyState,
  replacementWithImportId,
} from "./models/pulumi-import";
import {
  enableAuditDevice,
  enableAuthMethod,
  enableSecretsEngine,
  freshServer,
  PROTECTED_MOUNTS,
  secretsList,
  setPolicy,
  sysPathNeedsSudo,
} from "./models/vault-server";

const noFiles = (p: string): string => {
  throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
};
const parse = (s: RawSections) => parseStackConfig(flat(s), { secretKeys: new Set(), readFile: noFiles });
function problems(s: RawSections): string[] {
  try {
    parse(s);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.key} = ${p.value}: ${p.message}`);
    throw e;
  }
  return [];
}
const withSections = (patch: RawSections): RawSections => ({ ...validSections(), ...patch });

/** What the program sends for the KV mount (components/vault-backend/vault-backend.ts). */
const kvInputs = (description: string) => ({ path: "secret", type: "kv", options: { version: "2" }, description });

describe("hashicorp/vault vault/mount.go mountInternal, logical_system.go handleMount (sys/mounts/<path>)", () => {
  test("a fresh `vault server -dev` has KV v2 at secret/ (command/server.go enableDev); creating another mount there is a 409", () => {
    const dev = freshServer({ dev: true });
    expect(secretsList(dev)["secret/"]).toMatchObject({ type: "kv", description: "key/value secret storage", options: { version: "2" } });
    const r = enableSecretsEngine(dev, kvInputs(KV_MOUNT_DESCRIPTION));
    expect(r).toEqual({ ok: false, status: 409, error: "path is already in use at secret/" });
    // prefix conflicts both ways (mountInternal's HasPrefix checks)
    expect(enableSecretsEngine(dev, { path: "secret/eso", type: "kv" })).toMatchObject({ ok: false, status: 409 });
    // a non-dev server has no secret/: the same request succeeds there
    expect(enableSecretsEngine(freshServer(), kvInputs(KV_MOUNT_DESCRIPTION)).ok).toBe(true);
  });

  test("protected paths cannot hold a secrets engine, and the config refuses every one of them as kv.path", () => {
    for (const p of PROTECTED_MOUNTS) {
      const name = p.replace(/\/$/, "");
      expect(enableSecretsEngine(freshServer(), { path: name, type: "kv", options: { version: "2" } })).toMatchObject({ ok: false, status: 403 });
      expect({ name, problem: mountProblem(name) }).toEqual({ name, problem: expect.stringContaining("reserved") });
    }
  });

  test("kv-v2 is an alias Vault stores as type kv with options.version 2; other engines may not set a version", () => {
    const s = freshServer();
    const alias = enableSecretsEngine(s, { path: "a", type: "kv-v2" });
    const explicit = enableSecretsEngine(s, { path: "b", type: "kv", options: { version: "2" } });
    expect(alias.ok && alias.value).toMatchObject({ type: "kv", options: { version: "2" } });
    expect(explicit.ok && explicit.value).toMatchObject({ type: "kv", options: { version: "2" } });
    expect(enableSecretsEngine(s, { path: "c", type: "transit", options: { version: "2" } })).toMatchObject({ ok: false, error: 'secrets engine "transit" does not allow setting a version' });
    expect(enableSecretsEngine(s, { path: "d", type: "identity" })).toMatchObject({ ok: false, status: 403 });
  });
});

describe("hashicorp/vault vault/auth.go enableCredentialInternal (sys/auth/<path>, sudo)", () => {
  test("every Vault has token/; an auth method at token/ is a 409, and the config refuses kubernetesAuth.path token", () => {
    expect(enableAuthMethod(freshServer(), { path: "token", type: "kubernetes" })).toEqual({ ok: false, status: 409, error: "path is already in use at token/" });
    expect(enableAuthMethod(freshServer(), { path: "kubernetes", type: "token" })).toMatchObject({ ok: false, error: "token credential backend cannot be instantiated" });
    expect(enableAuthMethod(freshServer({ dev: true }), { path: "kubernetes", type: "kubernetes" }).ok).toBe(true);
    const s = validSections();
    s.kubernetesAuth = { ...(s.kubernetesAuth as object), path: "token" };
    expect(problems(s)).toEqual([expect.stringMatching(/^vault-eso:kubernetesAuth\.path = "token": .*path is already in use.*Fix: /)]);
  });

  test("enabling auth methods and audit devices needs sudo (logical_system.go PathsSpecial.Root); mounts and policies do not", () => {
    expect(["auth/kubernetes", "audit/file", "audit/syslog"].filter((p) => !sysPathNeedsSudo(p))).toEqual([]);
    expect(["mounts/secret", "policies/acl/external-secrets-read"].filter(sysPathNeedsSudo)).toEqual([]);
  });
});

describe("hashicorp/vault vault/audit.go enableAudit, audit/backend_file.go, audit/entry_formatter_config.go (sys/audit/<path>)", () => {
  const device = (d: Record<string, unknown>) => auditResourceArgs(auditSchema.parse({ devices: [d] }).devices![0]);

  test("every device shape the config accepts is one Vault accepts as sent", () => {
    const shapes = [
      { type: "file", filePath: "stdout" },
      { type: "file", filePath: "/vault/audit/audit.log", mode: "0600", format: "jsonx", hmacAccessor: false, prefix: "x" },
      { type: "socket", address: "fluentd.logging.svc:24224", socketType: "udp", writeTimeout: "2s" },
      { type: "syslog", facility: "AUTH", tag: "vault-audit", local: true },
    ];
    for (const shape of shapes) {
      const a = device(shape);
      expect({ shape, r: enableAuditDevice(freshServer(), { ...a, options: a.options }) }).toMatchObject({ shape, r: { ok: true } });
    }
  });

  test("what Vault refuses: a path in use (a second file device needs its own path), no file_path, unknown format, non-bool flags, Enterprise options", () => {
    const s = freshServer();
    expect(enableAuditDevice(s, { path: "file", type: "file", options: { file_path: "stdout" } }).ok).toBe(true);
    expect(enableAuditDevice(s, { path: "file", type: "file", options: { file_path: "/x" } })).toMatchObject({ ok: false, error: "path already in use" });
    expect(enableAuditDevice(s, { path: "f2", type: "file", options: {} })).toMatchObject({ ok: false, error: '"file_path" is required' });
    expect(enableAuditDevice(s, { path: "f3", type: "file", options: { file_path: "stdout", format: "xml" } })).toMatchObject({ ok: false });
    expect(enableAuditDevice(s, { path: "f4", type: "file", options: { file_path: "stdout", log_raw: "yes" } })).toMatchObject({ ok: false, error: 'unable to parse "log_raw"' });
    expect(enableAuditDevice(s, { path: "f5", type: "file", options: { file_path: "stdout", filter: "x" } })).toMatchObject({ ok: false });
    // the config refuses two devices on one path before Vault would
    expect(problems(withSections({ audit: { devices: [{ type: "file", filePath: "stdout" }, { type: "file", filePath: "/var/log/a" }] } }))).toEqual([
      expect.stringContaining('vault-eso:audit.devices[1].path = (unset): "file" is already used'),
    ]);
  });
});

describe("hashicorp/vault vault/policy_store.go SetPolicy/sanitizeName, logical_system.go handlePoliciesSet (sys/policies/acl/<name>)", () => {
  test("a policy write is an upsert (why policies need no adoption); names are stored lowercased; root is immutable", () => {
    const s = freshServer();
    expect(setPolicy(s, "external-secrets-read", 'path "a" { capabilities = ["read"] }').ok).toBe(true);
    expect(setPolicy(s, "external-secrets-read", 'path "b" { capabilities = ["read"] }').ok).toBe(true);
    expect(s.policies.get("external-secrets-read")).toContain('path "b"');
    expect(setPolicy(s, "ESO-Read", 'path "a" { capabilities = ["read"] }')).toMatchObject({ ok: true, value: { name: "eso-read" } });
    expect(setPolicy(s, "root", 'path "a" { capabilities = ["read"] }')).toMatchObject({ ok: false, error: 'cannot update "root" policy' });
  });

  test("the config refuses mixed-case policy names: Vault would store another name than the one Pulumi holds", () => {
    const s = validSections();
    s.eso = { policy: "ESO-Read" };
    expect(problems(s)).toEqual([expect.stringMatching(/^vault-eso:eso\.policy = "ESO-Read": .*lower-case.*Fix: .*"eso-read"/)]);
  });
});

describe("Pulumi import of the dev server's secret/: terraform-provider-vault resource_mount.go readMount + SDKv2 diff + pulumi/pulumi step.go ImportStep", () => {
  const devMount = () => readMountState(secretsList(freshServer({ dev: true }))["secret/"]);

  test("the program's own description alone would stop the import: description is Optional, not Computed", () => {
    expect(importStep({ id: "secret", schema: MOUNT_SCHEMA, read: devMount(), inputs: kvInputs(KV_MOUNT_DESCRIPTION) })).toEqual({
      result: "mismatch",
      message: "inputs to import do not match the existing resource",
      diffs: ["description"],
    });
    // and leaving the description out is no better: absent compares as ""
    const { description: _omit, ...noDescription } = kvInputs("");
    expect(importStep({ id: "secret", schema: MOUNT_SCHEMA, read: devMount(), inputs: noDescription })).toMatchObject({ result: "mismatch", diffs: ["description"] });
  });

  test("with kv.description set to the dev server's, the import matches (type kv + options.version 2, as the program sends)", () => {
    expect(importStep({ id: "secret", schema: MOUNT_SCHEMA, read: devMount(), inputs: kvInputs("key/value secret storage") })).toEqual({ result: "imported" });
  });

  test("type kv-v2 would not: a cold import reads Vault's raw type kv (readMount maps kv-v2 only when the type is already in state)", () => {
    const inputs = { ...kvInputs("key/value secret storage"), type: "kv-v2" };
    expect(importStep({ id: "secret", schema: MOUNT_SCHEMA, read: devMount(), inputs })).toMatchObject({ result: "mismatch", diffs: ["type"] });
  });

  test("a KV v1 secret/ (-dev-kv-v1) is refused on options.version; no secret/ (-dev-no-kv) is 'does not exist'", () => {
    const v1 = readMountState(secretsList(freshServer({ dev: true, devKvV1: true }))["secret/"]);
    expect(importStep({ id: "secret", schema: MOUNT_SCHEMA, read: v1, inputs: kvInputs("key/value secret storage") })).toMatchObject({ result: "mismatch", diffs: ["options"] });
    expect(secretsList(freshServer({ dev: true, devNoKv: true }))["secret/"]).toBeUndefined();
    expect(importStep({ id: "secret", schema: MOUNT_SCHEMA, read: undefined, inputs: kvInputs("key/value secret storage") })).toEqual({
      result: "missing",
      message: "resource 'secret' does not exist",
    });
  });
});

describe("Pulumi import of hand-made objects: resource_auth_backend.go authBackendRead, resource_audit.go auditRead, resource_policy.go policyRead", () => {
  const handMadeAuth = () => {
    const s = freshServer();
    enableAuthMethod(s, { path: "kubernetes", type: "kubernetes" }); // `vault auth enable kubernetes`
    return readAuthBackendState(s.auth.find((e) => e.path === "kubernetes/")!);
  };
  const authInputs = { type: "kubernetes", path: "kubernetes", description: "" };

  test("an auth method import differs on disableRemount (defaulted, never read: terraform-provider-vault#2350) unless it is ignored, as adoption does", () => {
    expect(importStep({ id: "kubernetes", schema: AUTH_BACKEND_SCHEMA, read: handMadeAuth(), inputs: authInputs })).toMatchObject({ result: "mismatch", diffs: ["disableRemount"] });
    const plan = adoptionPlan({ adopt: { kvMount: false, kubernetesAuthMount: true, policies: [], roles: [], auditDevices: [] }, kv: { path: "secret" }, kubernetesAuth: { path: "kubernetes" } });
    const a = adoptionFor(plan, "vault:index/authBackend:AuthBackend", authInputs)!;
    expect(a).toEqual({ importId: "kubernetes", ignoreChanges: ["disableRemount"] });
    expect(importStep({ id: a.importId!, schema: AUTH_BACKEND_SCHEMA, read: handMadeAuth(), inputs: authInputs, ignoreChanges: a.ignoreChanges })).toEqual({ result: "imported" });
  });

  test("an audit device import needs the exact options and description; `local: false` sent explicitly would differ from the unread null", () => {
    const s = freshServer();
    enableAuditDevice(s, { path: "file", type: "file", options: { file_path: "stdout" } }); // `vault audit enable file file_path=stdout`
    const read = readAuditState("file", s.audit[0]);
    const program = auditResourceArgs(auditSchema.parse({ devices: [{ type: "file", filePath: "stdout", description: "" }] }).devices![0]);
    expect(program).not.toHaveProperty("local");
    expect(importStep({ id: "file", schema: AUDIT_SCHEMA, read, inputs: program })).toMatchObject({ result: "mismatch", diffs: ["options"] });
    expect(importStep({ id: "file", schema: AUDIT_SCHEMA, read, inputs: { ...program, options: { file_path: "stdout" } } })).toEqual({ result: "imported" });
    expect(importStep({ id: "file", schema: AUDIT_SCHEMA, read, inputs: { ...program, options: { file_path: "stdout" }, local: false } })).toMatchObject({ diffs: ["local"] });
  });

  test("a policy import matches only the identical text (name from the ID, text from Vault)", () => {
    const read = readPolicyState("external-secrets-read", 'path "secret/data/*" { capabilities = ["read"] }');
    expect(importStep({ id: "external-secrets-read", schema: POLICY_SCHEMA, read, inputs: { name: "external-secrets-read", policy: 'path "secret/data/eso/*" { capabilities = ["read"] }' } })).toMatchObject({
      result: "mismatch",
      diffs: ["policy"],
    });
    expect(importStep({ id: "external-secrets-read", schema: POLICY_SCHEMA, read, inputs: { name: "external-secrets-read", policy: 'path "secret/data/*" { capabilities = ["read"] }' } })).toEqual({ result: "imported" });
  });

  test("role import IDs are auth/<mount>/role/<name> and parse back to the same mount and role (resource_kubernetes_auth_backend_role.go regexes)", () => {
    for (const [mount, role] of [["kubernetes", "external-secrets"], ["k8s.prod", "tenant-team-a"]]) {
      expect(parseKubernetesRoleId(kubernetesRoleImportId(mount, role))).toEqual({ backend: mount, role });
    }
  });
});

describe("pulumi/pulumi step_generator.go GenerateSteps: keeping the import option after the first up", () => {
  test("harmless while the ID stays: the next up diffs normally; changing the path while adopting re-imports; a replacement is refused", () => {
    expect(importDecision("secret", undefined)).toBe("import");
    expect(importDecision("secret", { id: "secret" })).toBe("normal");
    // vault_mount's ID is its path and a path change is a remount (update): the new ID no longer matches
    expect(importDecision("secrets2", { id: "secret" })).toBe("import-replacement");
    expect(replacementWithImportId("secret", false)).toMatchObject({ level: "error", message: expect.stringContaining("remove the `import` declaration") });
    expect(replacementWithImportId(undefined, false)).toBeUndefined();
  });
});

describe("vault-eso:adopt (components/vault-backend/adopt.ts, adopt-config.ts)", () => {
  test("each adopted type gets the provider's import ID; other resources and other names are left alone", () => {
    const plan = adoptionPlan({
      adopt: { kvMount: true, kubernetesAuthMount: false, policies: ["external-secrets-read"], roles: ["external-secrets"], auditDevices: ["file"] },
      kv: { path: "secret" },
      kubernetesAuth: { path: "k8s" },
    });
    expect(adoptionFor(plan, "vault:index/mount:Mount", { path: "secret" })).toEqual({ importId: "secret" });
    expect(adoptionFor(plan, "vault:index/mount:Mount", { path: "other" })).toBeUndefined();
    expect(adoptionFor(plan, "vault:index/authBackend:AuthBackend", { path: "k8s" })).toBeUndefined();
    expect(adoptionFor(plan, "vault:index/policy:Policy", { name: "external-secrets-read" })).toEqual({ importId: "external-secrets-read" });
    expect(adoptionFor(plan, "vault:index/policy:Policy", { name: "tenant-a" })).toBeUndefined();
    expect(adoptionFor(plan, "vault:kubernetes/authBackendRole:AuthBackendRole", { roleName: "external-secrets" })).toEqual({ importId: "auth/k8s/role/external-secrets" });
    expect(adoptionFor(plan, "vault:index/audit:Audit", { path: "file" })).toEqual({ importId: "file" });
    expect(adoptionFor(plan, "kubernetes:core/v1:Namespace", { path: "secret" })).toBeUndefined();
  });

  test("the transformation adds import and keeps protect and retainOnDelete (the KV mount's user-data options)", () => {
    const plan = adoptionPlan({ adopt: { kvMount: true, kubernetesAuthMount: false, policies: [], roles: [], auditDevices: [] }, kv: { path: "secret" }, kubernetesAuth: { path: "kubernetes" } });
    const [t] = adoptTransformations(plan);
    const out = t({ resource: undefined as never, type: "vault:index/mount:Mount", name: "vault-kv", props: { path: "secret" }, opts: { ...USER_DATA_OPTIONS } });
    expect(out?.opts).toEqual({ protect: true, retainOnDelete: true, import: "secret" });
    expect(adoptTransformations(adoptionPlan({ adopt: { kvMount: false, kubernetesAuthMount: false, policies: [], roles: [], auditDevices: [] }, kv: { path: "secret" }, kubernetesAuth: { path: "kubernetes" } }))).toEqual([]);
  });

  test("adopting a mount requires its description explicitly; unknown names are refused with the names the stack manages", () => {
    expect(problems(withSections({ adopt: { kvMount: true } }))).toEqual([expect.stringMatching(/^vault-eso:adopt\.kvMount = true: .*description.*Fix: set vault-eso:kv\.description/)]);
    expect(problems(withSections({ adopt: { kvMount: true }, kv: { description: "" } }))).toEqual([]);
    expect(problems(withSections({ adopt: { kubernetesAuthMount: true } }))).toEqual([expect.stringMatching(/^vault-eso:adopt\.kubernetesAuthMount = true: .*Fix: set vault-eso:kubernetesAuth\.description/)]);
    expect(problems(withSections({ adopt: { policies: ["nope"], roles: ["external-secrets"] } }))).toEqual([
      expect.stringMatching(/^vault-eso:adopt\.policies\[0\] = "nope": .*Fix: use one of: external-secrets-read$/),
    ]);
    expect(problems(withSections({ audit: { devices: [{ type: "file", filePath: "stdout" }] }, adopt: { auditDevices: ["file"] } }))).toEqual([
      expect.stringMatching(/^vault-eso:adopt\.auditDevices\[0\] = "file": .*Fix: set description on that audit\.devices entry/),
    ]);
  });

  test("managedVaultNames lists what the program registers (checked against the real registrations in stack-*.test.ts)", () => {
    const { config } = parse(withSections({ tenants: [{ name: "team-a", push: { secrets: [] } }, { name: "team-b" }] }));
    const names = managedVaultNames({ ...config, auditDevicePaths: [] });
    expect(names.policies).toEqual(["external-secrets-read", "tenant-team-a", "tenant-team-a-push", "tenant-team-b"]);
    expect(names.roles).toEqual(["external-secrets", "tenant-team-a", "tenant-team-b"]);
  });
});
