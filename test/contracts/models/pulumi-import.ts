/**
 * A model of adopting an existing Vault object with Pulumi's `import`
 * resource option, end to end: what the Vault provider reads back for the
 * import ID, how Terraform's SDKv2 diffs the program's inputs against that
 * state, and what the Pulumi engine does with the result. Written from the
 * sources (read Nov 2026), not copied:
 *
 * - hashicorp/terraform-provider-vault v5.8.0 (commit 91f91c5c7909, the
 *   `upstream` submodule of pulumi/pulumi-vault v7.8.0): `vault/resource_mount.go`
 *   `getMountSchema`/`readMount` (import ID = the path; a cold import stores
 *   Vault's raw type, so `kv-v2` never round-trips), `resource_auth_backend.go`
 *   `AuthBackendResource`/`authBackendRead` (ID = path; `disable_remount` from
 *   `internal/provider/schema_util.go` `MustAddMountMigrationSchema` has a
 *   default but is never read: hashicorp/terraform-provider-vault#2350),
 *   `resource_policy.go` `policyRead` (ID = name; the name is set from the
 *   ID, the text from Vault), `resource_audit.go` `auditRead` (ID = path;
 *   `local` is not read), `resource_kubernetes_auth_backend_role.go`
 *   (ID `auth/<backend>/role/<role>`, parsed back with
 *   `^auth/(.+)/role/.+$` and `^auth/.+/role/(.+)$`).
 * - Terraform plugin SDK v2 `helper/schema` `schemaMap.diff`: an Optional
 *   attribute absent from the config is compared as its Default, else as its
 *   zero value, unless it is also Computed (then never a diff); a null
 *   state compared with a non-null value is a diff.
 * - pulumi/pulumi-terraform-bridge v3.136.0 `pkg/tfbridge/provider.go`
 *   `Read` (no prior state: runs the TF importer, then Read, and returns
 *   inputs from `ExtractInputsFromOutputs`) and `Diff` (the TF diff, minus
 *   `ignoreChanges`).
 * - pulumi/pulumi `pkg/resource/deploy/step_generator.go` `GenerateSteps`
 *   (`isImport := goal.ID != "" && (!hasOld || old.External || old.ID !=
 *   goal.ID)`; a replacement while `import` is still set is refused) and
 *   `step.go` `ImportStep.Apply` (Read with the ID; "resource '<id>' does
 *   not exist"; `ignoreChanges` copies the read value into the inputs; any
 *   remaining diff is "inputs to import do not match the existing resource",
 *   a warning in preview and an error in `up`).
 */
import type { MountEntry } from "./vault-server";

/** How one input behaves in the TF schema (Pulumi property names). */
export type FieldKind =
  | { readonly kind: "required" }
  | { readonly kind: "optional"; readonly default?: unknown }
  | { readonly kind: "optionalComputed" };

export type ResourceSchema = Readonly<Record<string, FieldKind>>;

const req: FieldKind = { kind: "required" };
const opt: FieldKind = { kind: "optional" };
const oc: FieldKind = { kind: "optionalComputed" };

/** vault_mount (resource_mount.go getMountSchema). */
export const MOUNT_SCHEMA: ResourceSchema = {
  path: req,
  type: req,
  description: opt,
  defaultLeaseTtlSeconds: oc,
  maxLeaseTtlSeconds: oc,
  forceNoCache: oc,
  auditNonHmacRequestKeys: oc,
  auditNonHmacResponseKeys: oc,
  listingVisibility: opt,
  passthroughRequestHeaders: opt,
  allowedResponseHeaders: opt,
  pluginVersion: opt,
  allowedManagedKeys: opt,
  delegatedAuthAccessors: opt,
  identityTokenKey: opt,
  options: opt,
  sealWrap: oc,
  externalEntropyAccess: { kind: "optional", default: false },
  local: opt,
};

/** vault_auth_backend (resource_auth_backend.go + MustAddMountMigrationSchema). */
export const AUTH_BACKEND_SCHEMA: ResourceSchema = {
  type: req,
  path: oc,
  description: opt,
  local: opt,
  identityTokenKey: opt,
  tune: oc,
  disableRemount: { kind: "optional", default: false },
};

/** vault_policy (resource_policy.go). */
export const POLICY_SCHEMA: ResourceSchema = { name: req, policy: req };

/** vault_audit (resource_audit.go). */
export const AUDIT_SCHEMA: ResourceSchema = { path: oc, type: req, description: opt, local: opt, options: req };

/** The state the provider holds after importing a secrets mount (readMount on a cold import). */
export function readMountState(m: MountEntry): Record<string, unknown> {
  return {
    path: m.path.replace(/\/$/, ""),
    type: m.type, // no kv -> kv-v2 mapping: cfgType is unknown on a cold import
    description: m.description,
    defaultLeaseTtlSeconds: 0,
    maxLeaseTtlSeconds: 0,
    forceNoCache: false,
    auditNonHmacRequestKeys: [],
    auditNonHmacResponseKeys: [],
    local: m.local,
    options: m.options ?? {},
    sealWrap: m.sealWrap,
    externalEntropyAccess: m.externalEntropyAccess,
    allowedManagedKeys: [],
    passthroughRequestHeaders: [],
    allowedResponseHeaders: [],
    delegatedAuthAccessors: [],
    listingVisibility: "",
    identityTokenKey: "",
    // pluginVersion is never set by readMount
  };
}

/** authBackendRead on a cold import: no disableRemount, no identityTokenKey. */
export function readAuthBackendState(m: MountEntry): Record<string, unknown> {
  return { type: m.type, path: m.path.replace(/\/$/, ""), description: m.description, local: m.local, tune: [{}] };
}

/** policyRead: the name comes from the ID, the text from Vault. */
export function readPolicyState(id: string, storedText: string): Record<string, unknown> {
  return { name: id, policy: storedText };
}

/** auditRead: path (the ID), type, description, options; `local` is not read. */
export function readAuditState(id: string, d: MountEntry): Record<string, unknown> {
  return { path: id, type: d.type, description: d.description, options: d.options ?? {} };
}

const isEmpty = (v: unknown) => v === undefined || v === null;

function zeroLike(v: unknown): unknown {
  if (typeof v === "boolean") return false;
  if (typeof v === "number") return 0;
  if (typeof v === "string") return "";
  if (Array.isArray(v)) return [];
  if (v && typeof v === "object") return {};
  return undefined;
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a as object).sort();
    const kb = Object.keys(b as object).sort();
    return same(ka, kb) && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/**
 * The attributes whose planned value differs from the state (SDKv2
 * schemaMap.diff), for the inputs a program sends. Unknown input names are
 * ignored (the bridge would reject them at Check).
 */
export function sdkv2Diff(schema: ResourceSchema, state: Record<string, unknown>, config: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, f] of Object.entries(schema)) {
    const o = state[name];
    let n = config[name];
    if (isEmpty(n)) {
      if (f.kind === "optionalComputed") continue;
      if (f.kind === "optional" && f.default !== undefined) n = f.default;
      else if (isEmpty(o)) continue; // neither side has a value
      else n = zeroLike(o);
    }
    if (isEmpty(o)) {
      // a null state against a value: compared as strings, "" vs "0"/"x": a diff unless both empty
      if (!same(n, zeroLike(n)) || typeof n === "boolean" || typeof n === "number") out.push(name);
      continue;
    }
    if (!same(o, n)) out.push(name);
  }
  return out;
}

export type ImportOutcome =
  | { readonly result: "imported" }
  | { readonly result: "missing"; readonly message: string }
  | { readonly result: "mismatch"; readonly message: string; readonly diffs: string[] };

/**
 * ImportStep.Apply: the provider Read for the ID (undefined: nothing there),
 * the program's inputs with `ignoreChanges` taking the read values, then the
 * diff. `preview` only changes whether the mismatch is a warning or an error.
 */
export function importStep(args: {
  readonly id: string;
  readonly schema: ResourceSchema;
  readonly read: Record<string, unknown> | undefined;
  readonly inputs: Record<string, unknown>;
  readonly ignoreChanges?: readonly string[];
}): ImportOutcome {
  if (!args.read) return { result: "missing", message: `resource '${args.id}' does not exist` };
  const inputs = { ...args.inputs };
  for (const k of args.ignoreChanges ?? []) {
    if (k in args.read) inputs[k] = args.read[k];
    else delete inputs[k];
  }
  const diffs = sdkv2Diff(args.schema, args.read, inputs).filter((k) => !(args.ignoreChanges ?? []).includes(k));
  if (diffs.length > 0) return { result: "mismatch", message: "inputs to import do not match the existing resource", diffs };
  return { result: "imported" };
}

/** step_generator.go GenerateSteps: what a registration with `import` set becomes. */
export function importDecision(goalId: string | undefined, old: { readonly id: string; readonly external?: boolean } | undefined): "import" | "import-replacement" | "normal" {
  const isImport = !!goalId && (!old || !!old.external || old.id !== goalId);
  if (!isImport) return "normal";
  return old ? "import-replacement" : "import";
}

/** generateStepsFromDiff: a diff that needs replacement while `import` is still set. */
export function replacementWithImportId(goalId: string | undefined, preview: boolean): { readonly level: "warning" | "error"; readonly message: string } | undefined {
  if (!goalId) return undefined;
  return {
    level: preview ? "warning" : "error",
    message: "previously-imported resources that still specify an ID may not be replaced; please remove the `import` declaration from your program",
  };
}

/** resource_kubernetes_auth_backend_role.go: how the provider splits a role import ID. */
export function parseKubernetesRoleId(id: string): { backend: string; role: string } | undefined {
  const b = /^auth\/(.+)\/role\/.+$/.exec(id);
  const r = /^auth\/.+\/role\/(.+)$/.exec(id);
  return b && r ? { backend: b[1], role: r[1] } : undefined;
}
