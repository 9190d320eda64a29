/**
 * A model of what Vault's token store does with a token-creation request made
 * through a token role, and with the role write itself. Written from
 * hashicorp/vault `vault/token_store.go` (read at commit
 * 0102d6b0e270a46fd5232dcf112fb065a7880deb):
 *
 * - `handleCreateAgainstRole`: an unknown role is refused ("unknown role").
 * - `handleCreateCommon`, in order:
 *   - a parent with `num_uses > 0` cannot create tokens; a batch parent neither;
 *   - `period` > 0 in the request needs root or `sudo` on the request path
 *     (`SudoPrivilege(req.MountPoint+req.Path)`, i.e. `auth/token/create/<role>`),
 *     role or no role ("root or sudo privileges required to create periodic token");
 *   - `id` needs sudo; `no_parent` is ignored when a role is used (the role's
 *     `orphan` decides), without a role it needs sudo;
 *   - `renewable` is true unless the request says false, and false when the role
 *     is not renewable;
 *   - `num_uses`: the smaller non-zero of request and role;
 *   - policies, when the role has allowed/disallowed lists: `default` is added
 *     unless the request's `no_default_policy`, the role's
 *     `token_no_default_policy` or the role's disallowed list excludes it; the
 *     requested policies (or, if none, the allowed list) must be a subset of
 *     `allowed_policies`, and none may be in `disallowed_policies`;
 *     `no_default_policy` then strips `default`;
 *   - `display_name` becomes `token-<name>` (non-alphanumerics replaced by `-`);
 *   - `explicit_max_ttl` and `period`: when both the request and the role set
 *     one, the smaller wins (with a warning); otherwise whichever is set;
 *   - the TTL: periodic → the period, capped by the explicit max TTL;
 *     otherwise the request `ttl` (or the mount default), capped likewise.
 * - `authRenew` (renewals): a token created through a role takes the role's
 *   *current* `token_period` and `token_explicit_max_ttl` at every renewal.
 *
 * The model answers like Vault: `{ error }` for a refusal, else the token.
 */

export interface TokenRole {
  readonly name: string;
  readonly allowedPolicies: readonly string[];
  readonly disallowedPolicies: readonly string[];
  readonly orphan: boolean;
  readonly renewable: boolean;
  /** Seconds; 0 = not periodic. */
  readonly tokenPeriod: number;
  /** Seconds; 0 = none. */
  readonly tokenExplicitMaxTtl: number;
  readonly tokenNoDefaultPolicy: boolean;
  readonly tokenNumUses?: number;
  readonly tokenType?: "service" | "batch" | "default-service" | "default-batch";
}

/** The body of `POST auth/token/create/<role>` as the API client sends it (durations already in seconds). */
export interface CreateRequest {
  readonly policies?: readonly string[];
  readonly meta?: Readonly<Record<string, string>>;
  readonly no_parent?: boolean;
  readonly no_default_policy?: boolean;
  readonly renewable?: boolean;
  readonly ttl?: number;
  readonly explicit_max_ttl?: number;
  readonly period?: number;
  readonly display_name?: string;
  readonly num_uses?: number;
  readonly id?: string;
  readonly type?: string;
}

export interface Caller {
  /** Whether the calling token has `sudo` (or is root) on `auth/token/create/<role>`. */
  readonly sudo: boolean;
  readonly numUses?: number;
  readonly type?: "service" | "batch";
}

export interface CreatedToken {
  readonly policies: string[];
  readonly orphan: boolean;
  readonly renewable: boolean;
  /** Effective period in seconds (0: not periodic). */
  readonly period: number;
  /** Effective explicit max TTL in seconds (0: none). */
  readonly explicitMaxTtl: number;
  /** Initial TTL in seconds. */
  readonly ttl: number;
  readonly displayName: string;
  readonly meta: Record<string, string>;
  readonly numUses: number;
  readonly role: string;
  readonly warnings: string[];
}

/** The token auth mount's default TTL when nothing else applies (Vault's system default, 768 h, untuned). */
export const SYSTEM_DEFAULT_TTL = 768 * 3600;

export function createThroughRole(role: TokenRole | undefined, req: CreateRequest, caller: Caller): { error: string } | CreatedToken {
  if (!role) return { error: "unknown role" };
  if (caller.type === "batch") return { error: "batch tokens cannot create more tokens" };
  if ((caller.numUses ?? 0) > 0) return { error: "restricted use token cannot generate child tokens" };
  const batch = role.tokenType === "batch" || (role.tokenType === "default-batch" && !req.type) || req.type === "batch";
  if (batch && ((req.explicit_max_ttl ?? 0) !== 0 || (req.num_uses ?? 0) !== 0 || (req.period ?? 0) !== 0)) return { error: "batch tokens cannot have period, explicit_max_ttl or num_uses set" };
  if ((req.num_uses ?? 0) < 0) return { error: "number of uses cannot be negative" };
  let renewable = req.renewable ?? true;
  if (renewable && !role.renewable) renewable = false;
  let numUses = req.num_uses ?? 0;
  const roleUses = role.tokenNumUses ?? 0;
  if (roleUses !== 0 && (numUses === 0 || roleUses < numUses)) numUses = roleUses;
  let displayName = "token";
  if (req.display_name) displayName = `token-${req.display_name}`.replace(/[^a-zA-Z0-9-]/g, "-").replace(/-$/, "");
  if (req.id && !caller.sudo) return { error: "root or sudo privileges required to specify token id" };

  let policies: string[];
  if (role.allowedPolicies.length > 0 || role.disallowedPolicies.length > 0) {
    const addDefault = !req.no_default_policy && !role.tokenNoDefaultPolicy && !role.disallowedPolicies.includes("default");
    const sanitize = (ps: readonly string[]) => [...new Set([...ps.map((p) => p.trim().toLowerCase()).filter(Boolean), ...(addDefault ? ["default"] : [])])];
    let final = req.policies && req.policies.length > 0 ? sanitize(req.policies) : [];
    if (role.allowedPolicies.length > 0) {
      const allowed = sanitize(role.allowedPolicies);
      if (final.length === 0) final = allowed;
      else if (final.some((p) => !allowed.includes(p))) return { error: `token policies (${JSON.stringify(final)}) must be subset of the role's allowed policies (${JSON.stringify(allowed)})` };
    }
    const banned = final.find((p) => role.disallowedPolicies.includes(p));
    if (banned) return { error: `token policy "${banned}" is disallowed by this role` };
    policies = final;
  } else {
    // Not modelled: a role without allowed/disallowed lists takes the parent's policies. The program's role always has both.
    return { error: "model: a role without allowed_policies/disallowed_policies is outside this model" };
  }
  if (req.no_default_policy) policies = policies.filter((p) => p !== "default");
  if (policies.includes("root")) return { error: "root tokens may not be created without parent token being root" };

  const warnings: string[] = [];
  const explicitReq = req.explicit_max_ttl ?? 0;
  if (explicitReq < 0) return { error: "explicit_max_ttl must be positive" };
  const periodReq = req.period ?? 0;
  if (periodReq < 0) return { error: "period must be positive" };
  if (periodReq > 0 && !caller.sudo) return { error: "root or sudo privileges required to create periodic token" };
  let explicitMaxTtl = explicitReq;
  if (role.tokenExplicitMaxTtl !== 0) {
    if (explicitMaxTtl === 0) explicitMaxTtl = role.tokenExplicitMaxTtl;
    else {
      explicitMaxTtl = Math.min(explicitMaxTtl, role.tokenExplicitMaxTtl);
      warnings.push("Explicit max TTL specified both during creation call and in role; using the lesser value");
    }
  }
  let period = periodReq;
  if (role.tokenPeriod !== 0) {
    if (period === 0) period = role.tokenPeriod;
    else {
      period = Math.min(period, role.tokenPeriod);
      warnings.push("Period specified both during creation call and in role; using the lesser value");
    }
  }
  let ttl = period > 0 ? period : (req.ttl ?? 0) > 0 ? req.ttl! : SYSTEM_DEFAULT_TTL;
  if (explicitMaxTtl > 0 && ttl > explicitMaxTtl) ttl = explicitMaxTtl;
  return {
    policies,
    orphan: role.orphan,
    renewable,
    period,
    explicitMaxTtl,
    ttl,
    displayName,
    meta: { ...(req.meta ?? {}) },
    numUses,
    role: role.name,
    warnings,
  };
}

/**
 * Seconds a token created through `role` can live at most, renewed by someone
 * forever: its effective explicit max TTL, or `Infinity` for a periodic token
 * without one (it lives for as long as someone renews it).
 */
export function longestLife(t: Pick<CreatedToken, "period" | "explicitMaxTtl" | "ttl">): number {
  if (t.explicitMaxTtl > 0) return t.explicitMaxTtl;
  return t.period > 0 ? Infinity : t.ttl;
}

/**
 * What the role write `auth/token/roles/<name>` (`tokenStoreRoleCreateUpdate`)
 * refuses or warns about: a batch role must be orphan, not periodic, not
 * renewable, without an explicit max TTL (refused); an explicit max TTL above
 * the system/mount max lease TTL is accepted with a warning, "until this is
 * fixed attempting to create tokens against this role will result in an error".
 */
export function roleWrite(role: TokenRole, systemMaxLeaseTtl = SYSTEM_DEFAULT_TTL): { error?: string; warning?: string } {
  if (role.tokenType === "batch") {
    if (!role.orphan) return { error: "'token_type' cannot be 'batch' when role is set to generate non-orphan tokens" };
    if (role.tokenPeriod !== 0) return { error: "'token_type' cannot be 'batch' when role is set to generate periodic tokens" };
    if (role.renewable) return { error: "'token_type' cannot be 'batch' when role is set to generate renewable tokens" };
    if (role.tokenExplicitMaxTtl !== 0) return { error: "'token_type' cannot be 'batch' when role is set to generate tokens with an explicit max TTL" };
  }
  if (systemMaxLeaseTtl !== 0 && role.tokenExplicitMaxTtl > systemMaxLeaseTtl) {
    return { warning: `Given explicit max TTL of ${role.tokenExplicitMaxTtl} is greater than system/mount allowed value of ${systemMaxLeaseTtl} seconds; until this is fixed attempting to create tokens against this role will result in an error` };
  }
  return {};
}
