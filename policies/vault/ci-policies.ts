/**
 * The Vault policies of the CI identities that must not change anything
 * (docs/ci.md): the pull-request and pre-deploy `pulumi preview` ("preview")
 * and the daily refreshed preview ("drift"). Both are derived from the same
 * per-resource call model as the deployer (policies/vault/deployer.ts): the
 * provider's start-up and the `read` phase (what `pulumi refresh`/`import`
 * and a preview make the provider ask Vault), nothing of create, update or
 * delete. Pure: no Pulumi resources.
 *
 * - Both run with `TERRAFORM_VAULT_SKIP_CHILD_TOKEN=true` (the workflows set
 *   it): hashicorp/terraform-provider-vault v5.8.0 `internal/provider`
 *   schema `skip_child_token` reads that variable (schema.EnvDefaultFunc), and
 *   meta.go setClient then works with the given token instead of creating a
 *   child through `auth/token/create` (an `update`). So start-up is only
 *   `auth/token/lookup-self` (read) and `sys/seal-status` (no ACL).
 * - preview: only the read-phase calls that are plain `read` without `sudo`.
 *   The two read-phase calls that are not (`update` on
 *   `auth/token/lookup-accessor` for a `vault.Token`, `read`+`sudo` on
 *   `sys/audit` for a `vault.Audit`: hashicorp/vault logical_system.go
 *   PathsSpecial.Root "audit") are left out: a `pulumi preview` without
 *   `--refresh` never reads existing resources (it calls the provider's
 *   Check and Diff only), and the preview jobs do not refresh.
 * - drift: every read-phase call, since `pulumi preview --refresh` reads each
 *   resource: that adds exactly those two (lookup-accessor is `update` on
 *   a lookup endpoint, `sudo` on sys/audit comes with `read` only); plus the
 *   reads of `npm run verify -- --deep --no-logins`, which the drift job runs
 *   for what refresh cannot see (scripts/lib/verify/deep.ts): the `default`
 *   policy, each Kubernetes auth mount's config and roles (list and read),
 *   and the audit table. No login: the drift job mints no service-account
 *   token, so its kubeconfig stays get/list/watch.
 */
import { renderPolicyHcl } from "./hcl";
import { DeployedResource, deployerPolicy, providerCalls, VAULT_PROVIDER_TYPE, VaultCall, vaultCallsFor } from "./deployer";
import type { VaultPolicy } from "./model";

export type ReadOnlyIdentity = "preview" | "drift";
export const READ_ONLY_IDENTITIES: readonly ReadOnlyIdentity[] = ["preview", "drift"];

/** The policy names used when none is given (write them as `<name>-<stack>`, docs/ci.md). */
export const READ_ONLY_POLICY_NAMES: Readonly<Record<ReadOnlyIdentity, string>> = { preview: "vault-eso-preview", drift: "vault-eso-drift" };

const WHAT: Readonly<Record<ReadOnlyIdentity, string>> = {
  preview: "`pulumi preview` (pull requests and the pre-deploy plan, no --refresh)",
  drift: "`pulumi preview --refresh --expect-no-changes` (the drift job)",
};

/** Whether the preview identity may make this read-phase call (a plain read, no sudo). */
const plainRead = (c: VaultCall): boolean => c.capability === "read" && !c.sudo;

/**
 * The Vault calls the identity makes for these registrations: each Vault provider's start-up without
 * the child token, then the read phase of every Vault resource. Throws when a provider sets
 * `skipChildToken: false` (its start-up would need `update` on auth/token/create) and, like the
 * deployer model, on a Vault resource type the model does not know.
 */
export function readOnlyCalls(resources: readonly DeployedResource[], identity: ReadOnlyIdentity): VaultCall[] {
  const sorted = [...resources].sort((a, b) => (a.type === b.type ? cmp(a.name, b.name) : cmp(a.type, b.type)));
  const startup = sorted.filter((r) => r.type === VAULT_PROVIDER_TYPE).flatMap((p) => providerCalls(p, { skipChildToken: true }));
  const child = startup.find((c) => c.capability !== undefined && c.capability !== "read");
  if (child) {
    throw new Error(
      `${identity} policy: ${child.resource} sets skipChildToken to false, so its start-up writes ${child.path} (${child.capability}). Fix: leave skipChildToken unset; the ${identity} job sets TERRAFORM_VAULT_SKIP_CHILD_TOKEN=true`,
    );
  }
  const reads = sorted.filter((r) => r.type !== VAULT_PROVIDER_TYPE).flatMap((r) => vaultCallsFor(r).filter((c) => c.phase === "read"));
  if (identity === "preview") return [...startup, ...reads.filter(plainRead)];
  const deep = deepVerifyCalls(sorted);
  // A role read the deep check's `auth/<mount>/role/+` already allows needs no rule of its own (a minimal policy).
  const covered = (c: VaultCall) => deep.some((d) => d.path.endsWith("/+") && d.capability === c.capability && d.sudo === c.sudo && c.path.startsWith(d.path.slice(0, -1)) && !c.path.slice(d.path.length - 1).includes("/"));
  return [...startup, ...reads.filter((c) => !covered(c)), ...deep];
}

const DEEP = "scripts/lib/verify/deep.ts deepChecks";
const AUTH_BACKEND_TYPE = "vault:index/authBackend:AuthBackend";

/** The Vault reads of `npm run verify -- --deep` (the drift job's live checks of what refresh cannot see). */
export function deepVerifyCalls(resources: readonly DeployedResource[]): VaultCall[] {
  const call = (method: VaultCall["method"], path: string, capability: "read" | "list", sudo = false): VaultCall => ({ phase: "read", method, path, capability, sudo, resource: "npm run verify --deep", source: DEEP });
  const mounts = resources
    .filter((r) => r.type === AUTH_BACKEND_TYPE && r.inputs.type === "kubernetes")
    .map((r) => (typeof r.inputs.path === "string" && r.inputs.path !== "" ? r.inputs.path : "kubernetes").replace(/^\/+|\/+$/g, ""));
  return [
    call("GET", "sys/policy/default", "read"),
    call("GET", "sys/audit", "read", true),
    ...[...new Set(mounts)].flatMap((m) => [call("GET", `auth/${m}/config`, "read"), call("LIST", `auth/${m}/role/`, "list"), call("GET", `auth/${m}/role/+`, "read")]),
  ];
}

/** The read-phase calls the preview identity is refused (it does not refresh): for docs and review. */
export function refreshOnlyCalls(resources: readonly DeployedResource[]): VaultCall[] {
  return readOnlyCalls(resources, "drift").filter((c) => c.capability !== undefined && !plainRead(c));
}

/** The identity's policy, its HCL and the calls it allows. */
export function buildReadOnlyPolicy(
  resources: readonly DeployedResource[],
  identity: ReadOnlyIdentity,
  name = READ_ONLY_POLICY_NAMES[identity],
): { policy: VaultPolicy; hcl: string; calls: VaultCall[] } {
  const calls = readOnlyCalls(resources, identity);
  const policy = deployerPolicy(calls, name);
  const header = [
    `Rendered by vault-eso (npm run render): the Vault privileges of ${WHAT[identity]} for this stack: reads only.`,
    `Write it with an admin token: vault policy write ${name}-<stack> ${identity}-policy.hcl, and bind it to the ${identity} JWT role (docs/ci.md).`,
  ].join("\n");
  return { policy, hcl: renderPolicyHcl(policy, header), calls };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
