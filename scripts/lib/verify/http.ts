/**
 * JSON over HTTP(S) with Node's standard library, for `npm run verify`:
 * a CA bundle, client certificates, a bearer or Vault token, a timeout, and
 * errors that say which endpoint failed and what to check. Never puts a
 * header value (tokens) into an error.
 */
import * as http from "http";
import * as https from "https";

export interface Endpoint {
  /** Base URL, e.g. `https://127.0.0.1:8200`. */
  readonly url: string;
  /** What this is, for messages: "Vault", "the Kubernetes API". */
  readonly what: string;
  /** Where the URL came from, for messages ("VAULT_ADDR", "kubeconfig context kind-x"). */
  readonly source?: string;
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly insecure?: boolean;
  /** Sent with every request (e.g. `authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface JsonResponse {
  readonly status: number;
  readonly json: any;
}

/** A request that got no usable answer: unreachable, timed out, TLS failure. */
export class UnreachableError extends Error {}

const HINTS: Record<string, string> = {
  ECONNREFUSED: "connection refused: is it running, and is the address right?",
  ENOTFOUND: "host name does not resolve",
  EAI_AGAIN: "host name does not resolve (DNS temporarily unavailable)",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS: self-signed certificate not trusted (give its CA: VAULT_CACERT / the kubeconfig's certificate-authority)",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS: certificate chain not trusted (give its CA)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS: certificate not trusted (give its CA)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS: certificate not trusted (give its CA)",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS: the certificate does not name this host",
  CERT_HAS_EXPIRED: "TLS: certificate expired",
  EPROTO: "TLS/protocol error (http vs https?)",
};

export function requestJson(ep: Endpoint, method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}, timeoutMs = 15000): Promise<JsonResponse> {
  const where = `${ep.what} at ${ep.url}${ep.source ? ` (from ${ep.source})` : ""}`;
  let url: URL;
  try {
    url = new URL(`${ep.url.replace(/\/+$/, "")}${path}`);
  } catch {
    return Promise.reject(new UnreachableError(`${ep.what}: ${JSON.stringify(ep.url)} is not a URL${ep.source ? ` (from ${ep.source})` : ""}`));
  }
  const isHttps = url.protocol === "https:";
  if (!isHttps && url.protocol !== "http:") return Promise.reject(new UnreachableError(`${where}: only http and https URLs are supported`));
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { accept: "application/json", ...ep.headers, ...extraHeaders };
  if (payload) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(payload.length);
  }
  const options: https.RequestOptions = { method, headers, timeout: timeoutMs };
  if (isHttps) {
    if (ep.ca) options.ca = ep.ca;
    if (ep.cert) options.cert = ep.cert;
    if (ep.key) options.key = ep.key;
    options.rejectUnauthorized = !ep.insecure;
  }
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
      res.on("error", (e) => reject(new UnreachableError(`${where}: ${method} ${url.pathname}: ${e.message}`)));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (e: NodeJS.ErrnoException) => {
      const code = e.code ?? "";
      const hint = code === "ETIMEDOUT" ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (HINTS[code] ?? e.message);
      reject(new UnreachableError(`cannot reach ${where}: ${hint}${code && !hint.includes(code) ? ` [${code}]` : ""}`));
    });
    if (payload) req.write(payload);
    req.end();
  });
}

/** The error text an API put in its answer: Vault's `errors[]`, the API server's Status `message`. */
export function apiError(res: JsonResponse): string {
  const j = res.json;
  if (j && Array.isArray(j.errors) && j.errors.length) return j.errors.join("; ");
  if (j && typeof j.message === "string") return j.message;
  return "(no message)";
}
