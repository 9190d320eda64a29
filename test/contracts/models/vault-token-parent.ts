/**
 * Which `vault.Token`s die with the Pulumi provider's own child token. Pure.
 *
 * - hashicorp/terraform-provider-vault v5.8.0 internal/provider/meta.go
 *   createChildToken: unless `skip_child_token`, the provider swaps the
 *   deployer's token for a child with TTL = explicit max TTL =
 *   `max_lease_ttl_seconds` (default 1200 s), and creates every resource with it.
 * - hashicorp/vault vault/token_store.go handleCreateCommon: a token created
 *   through a role with `orphan: true`, or with `no_parent`, has no parent;
 *   otherwise its parent is the creating token.
 * - hashicorp/vault vault/expiration.go revokeEntry -> tokenStore.revokeTree:
 *   when a token expires its whole tree of children is revoked.
 *
 * So a vault.Token that is not an orphan is revoked about 20 minutes after the
 * `pulumi up` that created it.
 */
import type { DeployedResource } from "../../../policies/vault/deployer";

function on(v: unknown): boolean {
  return v === true || v === "true";
}

/** `<name>` of every vault.Token whose parent would be the provider's short-lived child token. */
export function tokensDyingWithChildToken(resources: readonly DeployedResource[]): string[] {
  const providers = resources.filter((r) => r.type === "pulumi:providers:vault");
  if (providers.length > 0 && providers.every((p) => on(p.inputs.skipChildToken))) return [];
  const roles = new Map(resources.filter((r) => r.type === "vault:tokenauth/authBackendRole:AuthBackendRole").map((r) => [String(r.inputs.roleName), r]));
  return resources
    .filter((r) => r.type === "vault:index/token:Token")
    .filter((t) => {
      const role = t.inputs.roleName !== undefined ? roles.get(String(t.inputs.roleName)) : undefined;
      const orphan = role ? on(role.inputs.orphan) : on(t.inputs.noParent);
      return !orphan;
    })
    .map((t) => t.name);
}
