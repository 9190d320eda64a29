/**
 * The Vault side of `npm run verify`: a Kubernetes-auth login
 * (`POST auth/<mount>/login {role, jwt}`, vault-plugin-auth-kubernetes
 * path_login.go `pathLogin`: answers `auth.client_token`; an unknown role is
 * a 400 "invalid role name", a refused JWT a 403) and `sys/capabilities-self`
 * (hashicorp/vault vault/logical_system.go `handleCapabilities`: `paths`
 * list, the deprecated `path` is only read when `paths` is empty; the
 * answer's `data` maps each path to its capabilities, plus `capabilities`
 * when one path was asked).
 */
import { apiError, Endpoint, requestJson } from "./http";

export class VaultClient {
  constructor(readonly ep: Endpoint, readonly namespace?: string) {}

  private headers(token?: string): Record<string, string> {
    return { ...(token ? { "x-vault-token": token } : {}), ...(this.namespace ? { "x-vault-namespace": this.namespace } : {}) };
  }

  /** Vault's health, unauthenticated: throws when it is unreachable, sealed or uninitialised. */
  async health(): Promise<void> {
    const res = await requestJson(this.ep, "GET", "/v1/sys/health?standbyok=true&perfstandbyok=true");
    if (res.status === 200 || res.status === 429 || res.status === 473) return;
    const why = res.status === 503 ? "sealed" : res.status === 501 ? "not initialised" : `answering ${res.status}`;
    throw new Error(`Vault at ${this.ep.url} is ${why}`);
  }

  /** Logs in through the Kubernetes auth mount; returns the client token or throws with Vault's reason. */
  async kubernetesLogin(mount: string, role: string, jwt: string): Promise<string> {
    const r = await this.tryKubernetesLogin(mount, role, jwt);
    if (r.token === undefined) throw new Error(`Vault refused the login (auth/${mount}/login, role ${role}): ${r.status} ${r.error}`);
    return r.token;
  }

  /** A login that may be refused: the token when Vault grants it, else Vault's status and reason. */
  async tryKubernetesLogin(mount: string, role: string, jwt: string): Promise<{ token?: string; status: number; error: string }> {
    const res = await requestJson(this.ep, "POST", `/v1/auth/${mount}/login`, { role, jwt }, this.headers());
    const token = res.json?.auth?.client_token;
    if (res.status === 200 && typeof token === "string") return { token, status: 200, error: "" };
    return { status: res.status, error: apiError(res) };
  }

  /**
   * The keys directly under `path` (a KV v2 `metadata/...` folder, ending in "/"), as `token` may list
   * them: `LIST` is `GET ?list=true` (hashicorp/vault http/logical.go buildLogicalRequest); the answer's
   * `data.keys`, folders ending in "/". A 404 is an empty folder; a 403 throws.
   */
  async list(token: string, path: string): Promise<string[]> {
    const res = await requestJson(this.ep, "GET", `/v1/${path}?list=true`, undefined, this.headers(token));
    if (res.status === 404) return [];
    if (res.status !== 200) throw new Error(`LIST ${path}: ${res.status} ${apiError(res)}`);
    const keys = res.json?.data?.keys;
    return Array.isArray(keys) ? keys.filter((k: unknown): k is string => typeof k === "string") : [];
  }

  /** Vault's answer for `paths`, as the token sees them: path -> capabilities. */
  async capabilitiesSelf(token: string, paths: readonly string[]): Promise<Record<string, unknown>> {
    const res = await requestJson(this.ep, "POST", "/v1/sys/capabilities-self", { paths }, this.headers(token));
    if (res.status !== 200) throw new Error(`sys/capabilities-self: ${res.status} ${apiError(res)}`);
    // Vault's sys answers carry the data under `data` (and, for legacy clients, at the top level).
    return (res.json?.data ?? res.json ?? {}) as Record<string, unknown>;
  }

  /** `GET <path>` as `token`: the answer's `data`, `undefined` on 404; throws on anything else. */
  async read(token: string, path: string): Promise<Record<string, unknown> | undefined> {
    const res = await requestJson(this.ep, "GET", `/v1/${path}`, undefined, this.headers(token));
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${apiError(res)}`);
    return (res.json?.data ?? {}) as Record<string, unknown>;
  }

  /** Revokes the token verify logged in with (best effort: it expires with its TTL anyway). */
  async revokeSelf(token: string): Promise<void> {
    await requestJson(this.ep, "POST", "/v1/auth/token/revoke-self", {}, this.headers(token)).catch(() => undefined);
  }
}
