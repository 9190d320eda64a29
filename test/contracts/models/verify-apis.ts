/**
 * Models of the upstream rules `npm run verify` relies on, used by the
 * stand-ins its tests run against. Pure. Each rule names where it was read.
 */
import type { Acl } from "../../../policies/vault/acl";

/**
 * hashicorp/vault vault/logical_system.go `handleCapabilities` (and
 * vault/capabilities.go `Capabilities`, vault/acl.go
 * `CapabilitiesAndSubscribeEventTypes`): the paths come from `paths`, or from
 * the deprecated `path` only when `paths` is empty; none is a 400 "paths must
 * be supplied". Each path maps to the sorted capabilities of the deciding
 * rule, `["deny"]` when none; one path also fills `capabilities`.
 */
export function capabilitiesSelfAnswer(body: any, acl: Pick<Acl, "capabilities">): { status: number; json: unknown } {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? v.split(",") : []);
  let paths = list(body?.paths);
  if (paths.length === 0) paths = list(body?.path);
  if (paths.length === 0) return { status: 400, json: { errors: ["paths must be supplied"] } };
  const data: Record<string, string[]> = {};
  for (const p of paths) {
    const caps = [...acl.capabilities(p)].filter((c) => c !== "deny").sort();
    data[p] = caps.length ? caps : ["deny"];
  }
  if (paths.length === 1) (data as Record<string, unknown>).capabilities = data[paths[0]];
  return { status: 200, json: { data } };
}

export interface RoleModel {
  readonly boundServiceAccountNames: readonly string[];
  readonly boundServiceAccountNamespaces: readonly string[];
  readonly audience?: string;
}

export interface JwtClaims {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly aud: readonly string[];
}

/**
 * vault-plugin-auth-kubernetes path_login.go `pathLogin` /
 * `parseAndValidateJWT`: an unknown role is a 400 "invalid role name"; the
 * JWT must carry the role's `audience` (else the validator's error, a 403);
 * the service account name and namespace must be bound (403 "service
 * account name not authorized" / "namespace not authorized"); a JWT the
 * TokenReview does not confirm is a 403 "permission denied".
 */
export function kubernetesLoginDecision(roleName: string, role: RoleModel | undefined, claims: JwtClaims | undefined): { status: number; error?: string } {
  if (!role) return { status: 400, error: `invalid role name "${roleName}"` };
  if (!claims) return { status: 403, error: "permission denied" };
  if (role.audience && !claims.aud.includes(role.audience)) return { status: 403, error: "invalid audience (aud) claim: audience claim does not match any expected audience" };
  const glob = (list: readonly string[], v: string) => list.some((p) => p === "*" || p === v || (p.endsWith("*") && v.startsWith(p.slice(0, -1))));
  if (!glob(role.boundServiceAccountNames, claims.serviceAccount)) return { status: 403, error: "service account name not authorized" };
  if (!glob(role.boundServiceAccountNamespaces, claims.namespace)) return { status: 403, error: "namespace not authorized" };
  return { status: 200 };
}

/**
 * kubernetes pkg/registry/core/serviceaccount/storage/token.go
 * `TokenREST.Create`: a TokenRequest without audiences gets the API
 * server's own (`--api-audiences`, default its issuer).
 */
export function tokenAudiences(requested: unknown, apiServerAudiences: readonly string[]): string[] {
  return Array.isArray(requested) && requested.length > 0 ? requested.map(String) : [...apiServerAudiences];
}
