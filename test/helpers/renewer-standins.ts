/**
 * Local HTTP stand-ins for the two APIs the renewer script talks to, on
 * 127.0.0.1 ephemeral ports: Vault's token endpoints (lookup-self,
 * renew-self, create through a role, revoke-self) and the Kubernetes API for
 * one Secret (GET, PUT with resourceVersion conflicts). They keep state
 * (which tokens exist and are revoked, what the Secret holds), record every
 * call, and can be told to fail a step.
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import { createThroughRole } from "../contracts/models/vault-token-store";

export interface VaultToken {
  readonly accessor: string;
  readonly policies: string[];
  /** Unix seconds. */
  readonly creationTime: number;
  readonly explicitMaxTtl: number;
  ttl: number;
  revoked: boolean;
  readonly role?: string;
  /** Default: the role's period. 0: not periodic. */
  readonly period?: number;
  /** Policies the token gets through its identity entity (lookup-self `identity_policies`). */
  readonly identityPolicies?: string[];
}

export interface Recorded {
  readonly method: string;
  readonly path: string;
  /** Accessor of the token the call was made with ("?" if unknown). */
  readonly as: string;
  readonly body: any;
}

type Handler = (req: http.IncomingMessage, body: any) => { status: number; json?: unknown } | undefined;

function newToken(): string {
  return `hvs.${randomBytes(18).toString("base64url")}`;
}

async function listen(handler: (req: http.IncomingMessage, body: any) => { status: number; json?: unknown }, tls?: { key: string; cert: string }): Promise<{ url: string; close: () => Promise<void> }> {
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: any;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const out = handler(req, body);
      res.writeHead(out.status, { "content-type": "application/json" });
      res.end(out.json === undefined ? "" : JSON.stringify(out.json));
    });
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const s = await listen(() => ({ status: 200 }));
  await s.close();
  return s.url;
}

/** An HTTP stand-in on 127.0.0.1 (an ephemeral port), answering with `handle`. */
export abstract class StandIn {
  url = "";
  private closeFn?: () => Promise<void>;

  protected abstract handle(req: http.IncomingMessage, body: any): { status: number; json?: unknown };

  async start(tls?: { key: string; cert: string }): Promise<void> {
    const s = await listen((req, body) => this.handle(req, body), tls);
    this.url = s.url;
    this.closeFn = s.close;
  }

  close(): Promise<void> {
    return this.closeFn?.() ?? Promise.resolve();
  }
}

export class VaultStandIn extends StandIn {
  readonly tokens = new Map<string, VaultToken>();
  readonly calls: Recorded[] = [];
  /** Per endpoint ("lookup-self", "renew-self", "create", "revoke-self"): answer this status instead. */
  readonly failures = new Map<string, number>();
  /** Policies a created token gets instead of what Vault would give (a misconfigured role); default: Vault's answer. */
  grantPolicies?: string[];
  /**
   * `role`'s definition as Vault holds it: `allowedPolicies` (default: whatever is requested) and the role's
   * explicit max TTL (default: the caller's). Orphan, renewable, periodic with `period`, `default` disallowed.
   */
  constructor(
    readonly role: string,
    readonly period: number,
    readonly roleDef: { allowedPolicies?: string[]; explicitMaxTtl?: number } = {},
  ) {
    super();
  }

  addToken(t: Omit<VaultToken, "revoked" | "ttl" | "accessor"> & { ttl?: number }): string {
    const token = newToken();
    this.tokens.set(token, { ...t, accessor: `acc-${this.tokens.size + 1}`, ttl: t.ttl ?? this.period, revoked: false });
    return token;
  }


  /** Endpoint names called, in order, each with the accessor it used: "lookup-self@acc-1". */
  trace(): string[] {
    return this.calls.map((c) => `${endpoint(c.path)}@${c.as}`);
  }

  protected handle(req: http.IncomingMessage, body: any): { status: number; json?: unknown } {
    const token = String(req.headers["x-vault-token"] ?? "");
    const t = this.tokens.get(token);
    const path = req.url ?? "";
    this.calls.push({ method: req.method ?? "", path, as: t?.accessor ?? "?", body });
    const name = endpoint(path);
    const fail = this.failures.get(name);
    if (fail !== undefined) return { status: fail, json: { errors: [fail === 403 ? "permission denied" : "internal error"] } };
    if (!t || t.revoked) return { status: 403, json: { errors: ["permission denied"] } };
    const routes: Record<string, Handler> = {
      "lookup-self": (r) =>
        r.method === "GET"
          ? {
              status: 200,
              json: {
                data: {
                  accessor: t.accessor,
                  creation_time: t.creationTime,
                  explicit_max_ttl: t.explicitMaxTtl,
                  policies: t.policies,
                  ttl: t.ttl,
                  period: t.period ?? this.period,
                  ...(t.identityPolicies ? { identity_policies: t.identityPolicies } : {}),
                  renewable: true,
                  orphan: true,
                  id: token,
                },
              },
            }
          : undefined,
      "renew-self": (r, b) => {
        if (r.method !== "POST") return undefined;
        const inc = Number(String(b?.increment ?? "").replace(/s$/, ""));
        // explicit_max_ttl 0: no cap (vault/token_store.go); a token with TTL 0 (root) stays at 0.
        const left = t.explicitMaxTtl > 0 ? t.creationTime + t.explicitMaxTtl - Math.floor(Date.now() / 1000) : Infinity;
        if (t.ttl === 0) return { status: 200, json: { auth: { accessor: t.accessor, lease_duration: 0, renewable: false, policies: t.policies } } };
        t.ttl = Math.min(inc, left);
        return { status: 200, json: { auth: { accessor: t.accessor, lease_duration: t.ttl, renewable: true, policies: t.policies } } };
      },
      create: (r, b) => {
        if (r.method !== "POST" || path !== `/v1/auth/token/create/${this.role}`) return { status: 403, json: { errors: ["permission denied"] } };
        // What hashicorp/vault vault/token_store.go handleCreateCommon does with the request (see
        // test/contracts/models/vault-token-store.ts): the renewer's token has no sudo, so a `period` is refused.
        const secs = (v: unknown) => (v === undefined ? undefined : Number(String(v).replace(/s$/, "")));
        const out = createThroughRole(
          {
            name: this.role,
            allowedPolicies: this.roleDef.allowedPolicies ?? b?.policies ?? [],
            disallowedPolicies: ["default"],
            orphan: true,
            renewable: true,
            tokenPeriod: this.period,
            tokenExplicitMaxTtl: this.roleDef.explicitMaxTtl ?? t.explicitMaxTtl,
            tokenNoDefaultPolicy: true,
          },
          { ...b, ttl: secs(b?.ttl), explicit_max_ttl: secs(b?.explicit_max_ttl), period: secs(b?.period) },
          { sudo: false },
        );
        if ("error" in out) return { status: 400, json: { errors: [out.error] } };
        const created = this.addToken({
          policies: this.grantPolicies ?? out.policies,
          creationTime: Math.floor(Date.now() / 1000),
          explicitMaxTtl: out.explicitMaxTtl,
          role: this.role,
          ttl: out.ttl,
        });
        const n = this.tokens.get(created)!;
        return { status: 200, json: { auth: { client_token: created, accessor: n.accessor, policies: n.policies, lease_duration: n.ttl, renewable: out.renewable, orphan: out.orphan } } };
      },
      "revoke-self": (r) => {
        if (r.method !== "POST") return undefined;
        t.revoked = true;
        return { status: 204 };
      },
    };
    return routes[name]?.(req, body) ?? { status: 404, json: { errors: [`no handler for ${req.method} ${path}`] } };
  }
}

function endpoint(path: string): string {
  const m = /^\/v1\/auth\/token\/(lookup-self|renew-self|revoke-self|create)(\/|$)/.exec(path);
  return m ? m[1] : path;
}

export class KubeStandIn extends StandIn {
  readonly calls: Array<{ method: string; path: string; body: any; authorized: boolean }> = [];
  /** "GET" / "PUT" -> statuses for the next calls of that method, in order; `null` lets a call through. */
  readonly failures = new Map<string, Array<number | null>>();
  /** Statuses for the next PUTs that are applied and then answered with an error (a lost answer). */
  readonly failAfterApply: number[] = [];
  /** Replaces the Secret's token before the next PUT is handled (another writer got there first). */
  interloper?: string;
  secret: any;
  /** Other Secrets in the namespace, by name, served read-only (GET). */
  readonly others = new Map<string, any>();
  private resourceVersion = 1;

  constructor(readonly namespace: string, readonly name: string, readonly key: string, token: string, readonly saToken: string) {
    super();
    this.secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace, resourceVersion: "1", labels: { "app.kubernetes.io/managed-by": "pulumi" } },
      type: "Opaque",
      data: { [key]: Buffer.from(token).toString("base64") },
    };
  }

  /** Adds a read-only Secret `name` holding `token` under the same key. */
  addOther(name: string, token: string): void {
    this.others.set(name, { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: this.namespace, resourceVersion: "1" }, type: "Opaque", data: { [this.key]: Buffer.from(token).toString("base64") } });
  }

  /** The token the Secret holds now. */
  get token(): string {
    return Buffer.from(this.secret.data[this.key], "base64").toString("utf8");
  }

  puts(): any[] {
    return this.calls.filter((c) => c.method === "PUT").map((c) => c.body);
  }


  protected handle(req: http.IncomingMessage, body: any): { status: number; json?: unknown } {
    const authorized = req.headers.authorization === `Bearer ${this.saToken}`;
    this.calls.push({ method: req.method ?? "", path: req.url ?? "", body, authorized });
    if (!authorized) return { status: 401, json: { kind: "Status", reason: "Unauthorized", message: "Unauthorized" } };
    const other = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(req.url ?? "");
    if (other && other[1] === this.namespace && this.others.has(other[2])) {
      return req.method === "GET" ? { status: 200, json: this.others.get(other[2]) } : { status: 403, json: { kind: "Status", reason: "Forbidden", message: `forbidden: ${req.method} ${req.url}` } };
    }
    if (req.url !== `/api/v1/namespaces/${this.namespace}/secrets/${this.name}`) {
      return { status: 403, json: { kind: "Status", reason: "Forbidden", message: `forbidden: ${req.url}` } };
    }
    const queue = this.failures.get(req.method ?? "");
    const status = queue?.shift();
    if (status !== undefined && status !== null) {
      return { status, json: { kind: "Status", reason: status === 409 ? "Conflict" : "InternalError", message: "injected failure" } };
    }
    if (req.method === "GET") return { status: 200, json: this.secret };
    if (req.method === "PUT") {
      if (this.interloper !== undefined) {
        this.secret = { ...this.secret, data: { [this.key]: Buffer.from(this.interloper).toString("base64") } };
        this.resourceVersion++;
        this.interloper = undefined;
      }
      if (body?.metadata?.resourceVersion !== String(this.resourceVersion)) {
        return { status: 409, json: { kind: "Status", reason: "Conflict", message: "the object has been modified" } };
      }
      this.resourceVersion++;
      this.secret = { ...body, metadata: { ...body.metadata, resourceVersion: String(this.resourceVersion) } };
      const lost = this.failAfterApply.shift();
      if (lost !== undefined) return { status: lost, json: { kind: "Status", reason: "InternalError", message: "injected failure after apply" } };
      return { status: 200, json: this.secret };
    }
    return { status: 405, json: { kind: "Status", reason: "MethodNotAllowed", message: "method not allowed" } };
  }
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `script` with `env` (and nothing else from this process but PATH), killed after `timeoutMs`. */
export function runScript(script: string, env: Record<string, string>, timeoutMs = 15000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
