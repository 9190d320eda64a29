/**
 * A model of the `vault.Token` resource's CRUD as the provider @pulumi/vault
 * 7.8.0 bridges it: hashicorp/terraform-provider-vault `vault/resource_token.go`
 * (`tokenCreate`, `tokenRead`, `tokenUpdate`, `tokenDelete`, `tokenExists`;
 * unchanged in substance from v4 to v5.11.0, read at commit
 * 31447510c5c6ab0e1bd60435ff5b4a838b3f2f69), against the Vault token store
 * endpoints it calls (hashicorp/vault `vault/token_store.go`
 * `handleUpdateLookupAccessor`, `handleUpdateRevokeAccessor`, `revokeInternal`).
 *
 * - create: `CreateWithRole(request, role)` when `role_name` is set; the
 *   resource ID is the token's accessor (with `wrapping_ttl`: the wrapped
 *   token's accessor); `client_token` goes to state (sensitive).
 * - read / exists: `LookupAccessor(id)`; any error → `d.SetId("")`: the
 *   resource is dropped from state (a revoked token's accessor index is
 *   deleted by `revokeInternal`, so the lookup answers 400 "invalid accessor").
 * - update: does nothing (every input is ForceNew: a change replaces).
 * - delete: `RevokeAccessor(id)`; an error fails the delete. What Vault answers
 *   for an accessor that no longer exists depends on its version: current
 *   `handleUpdateRevokeAccessor` answers 200 with the warning "No token found
 *   with this accessor" (no error); older releases failed the lookup with an
 *   error, and every release answers "token not found" (400) while a token is
 *   expired but not yet reaped or its revocation is pending.
 */
import { ttlSeconds } from "../../../policies/guard/rules/vault";
import type { CreateRequest } from "./vault-token-store";

/** The API request `tokenCreate` builds from the resource inputs (the API client sends durations as strings; here in seconds). */
export function createRequestOf(inputs: Record<string, any>): CreateRequest {
  const secs = (v: unknown) => (v === undefined || v === "" ? undefined : ttlSeconds(v));
  return {
    ...(Array.isArray(inputs.policies) && inputs.policies.length > 0 ? { policies: inputs.policies } : {}),
    ...(secs(inputs.ttl) ? { ttl: secs(inputs.ttl) } : {}),
    ...(secs(inputs.explicitMaxTtl) ? { explicit_max_ttl: secs(inputs.explicitMaxTtl) } : {}),
    ...(secs(inputs.period) ? { period: secs(inputs.period) } : {}),
    ...(inputs.noParent ? { no_parent: true } : {}),
    ...(inputs.noDefaultPolicy ? { no_default_policy: true } : {}),
    // display_name defaults to "token" in the schema, so it is always sent.
    display_name: inputs.displayName ?? "token",
    ...(inputs.numUses ? { num_uses: inputs.numUses } : {}),
    ...(inputs.renewable !== undefined ? { renewable: inputs.renewable } : {}),
    ...(inputs.metadata ? { meta: inputs.metadata } : {}),
  };
}

/** Vault's side: tokens by accessor. */
export type TokenStatus = "live" | "revoked" | "expired-unreaped";
export interface VaultToken {
  readonly accessor: string;
  readonly value: string;
  status: TokenStatus;
  /** Seconds it can live at most (effective explicit max TTL). */
  readonly maxLife: number;
  readonly minted: "pulumi" | "renewer";
}

export type VaultRelease = "current" | "older";

export class VaultTokens {
  readonly tokens: VaultToken[] = [];
  constructor(readonly release: VaultRelease = "current") {}
  mint(minted: VaultToken["minted"], maxLife: number): VaultToken {
    const n = this.tokens.length + 1;
    const t: VaultToken = { accessor: `acc-${n}`, value: `hvs.token-${n}`, status: "live", maxLife, minted };
    this.tokens.push(t);
    return t;
  }
  byValue(value: string | undefined): VaultToken | undefined {
    return this.tokens.find((t) => t.value === value);
  }
  /** `auth/token/lookup-accessor`: 400 "invalid accessor" once revoked (the index entry is gone). */
  lookupAccessor(accessor: string): { ok: true } | { error: string } {
    const t = this.tokens.find((x) => x.accessor === accessor);
    if (!t || t.status === "revoked") return { error: "invalid accessor" };
    if (t.status === "expired-unreaped") return { error: "token not found" };
    return { ok: true };
  }
  /** `auth/token/revoke-accessor`. */
  revokeAccessor(accessor: string): { ok: true; warning?: string } | { error: string } {
    const t = this.tokens.find((x) => x.accessor === accessor);
    if (!t || t.status === "revoked") return this.release === "current" ? { ok: true, warning: "No token found with this accessor" } : { error: "invalid accessor" };
    if (t.status === "expired-unreaped") return { error: "token not found" };
    t.status = "revoked";
    return { ok: true };
  }
  revokeSelf(value: string): boolean {
    const t = this.byValue(value);
    if (!t || t.status !== "live") return false;
    t.status = "revoked";
    return true;
  }
  live(): VaultToken[] {
    return this.tokens.filter((t) => t.status === "live");
  }
}

/** One `vault.Token` in Pulumi state: its ID (the accessor) and its secret `clientToken`. */
export interface TokenState {
  readonly id: string;
  readonly clientToken: string;
}

export const tokenResource = {
  create(vault: VaultTokens, maxLife: number): TokenState {
    const t = vault.mint("pulumi", maxLife);
    return { id: t.accessor, clientToken: t.value };
  },
  /** Refresh: the state entry, or `undefined` when the provider drops it. */
  read(vault: VaultTokens, s: TokenState): TokenState | undefined {
    return "ok" in vault.lookupAccessor(s.id) ? s : undefined;
  },
  delete(vault: VaultTokens, s: TokenState): { ok: true } | { error: string } {
    const r = vault.revokeAccessor(s.id);
    return "error" in r ? { error: `error deleting token "${s.id}": ${r.error}` } : { ok: true };
  },
};
