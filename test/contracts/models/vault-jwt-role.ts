/**
 * Whether a Vault JWT auth role accepts a token's claims: a model of hashicorp/vault-plugin-auth-jwt
 * claims.go `validateAudience` (strict=false: the token's `aud` must contain one of bound_audiences
 * when any is bound) and `validateBoundClaims` / `matchFound` (every bound claim must be present; a
 * list on either side matches when any pair matches; `bound_claims_type` "string" compares exactly,
 * so a number never equals a string claim, "glob" uses ryanuber/go-glob where `*` is any run of
 * characters, `/` included). The glob is modelled as an anchored regex, which accepts at least what
 * go-glob accepts: a proof that a role refuses claims holds for Vault too.
 */
export interface JwtRole {
  readonly role_type: string;
  readonly user_claim: string;
  readonly bound_audiences?: readonly string[];
  readonly bound_claims_type?: "string" | "glob";
  readonly bound_claims?: Readonly<Record<string, unknown>>;
  readonly token_policies?: readonly string[];
  readonly token_no_default_policy?: boolean;
  readonly token_type?: string;
  readonly token_ttl?: string;
  readonly token_max_ttl?: string;
}

export type Claims = Readonly<Record<string, unknown>>;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

function globMatch(pattern: string, subject: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s");
  return re.test(subject);
}

export function roleAccepts(role: JwtRole, claims: Claims): boolean {
  const aud = list(claims.aud);
  if ((role.bound_audiences ?? []).length > 0 && !role.bound_audiences!.some((a) => aud.includes(a))) return false;
  const glob = role.bound_claims_type === "glob";
  for (const [name, expected] of Object.entries(role.bound_claims ?? {})) {
    const actual = claims[name];
    if (actual === undefined || actual === null) return false;
    const found = list(expected).some((e) => list(actual).some((a) => (glob ? typeof e === "string" && typeof a === "string" && globMatch(e, a) : a === e)));
    if (!found) return false;
  }
  return true;
}

/** Vault duration strings as roles use them ("35m", "1h", "90s", "3600"), in seconds. */
export function durationSeconds(v: string): number {
  const m = /^(\d+)(s|m|h)?$/.exec(v);
  if (!m) throw new Error(`not a duration: ${v}`);
  return Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
}
