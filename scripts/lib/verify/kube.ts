/**
 * The Kubernetes side of `npm run verify`: which API server and credentials a
 * kubeconfig context names (certificate, token, token file or exec plugin),
 * and the calls verify makes: GET of ESO objects and a TokenRequest
 * (`POST /api/v1/namespaces/<ns>/serviceaccounts/<sa>/token`, kubernetes
 * pkg/registry/core/serviceaccount/storage/token.go `TokenREST.Create`:
 * empty `spec.audiences` means the API server's own; `status.token` is the JWT).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { apiError, Endpoint, requestJson } from "./http";

interface KubeconfigDoc {
  "current-context"?: string;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string } }>;
  clusters?: Array<{ name: string; cluster?: Record<string, any> }>;
  users?: Array<{ name: string; user?: Record<string, any> }>;
}

/** Kubeconfig files in the order kubectl reads them: `$KUBECONFIG` (path list), else `~/.kube/config`. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter(Boolean) : [path.join(os.homedir(), ".kube", "config")];
  return list.filter((f) => fs.existsSync(f));
}

function fileOrData(base: string, data: unknown, file: unknown): Buffer | undefined {
  if (typeof data === "string" && data) return Buffer.from(data, "base64");
  if (typeof file === "string" && file) return fs.readFileSync(path.resolve(base, file));
  return undefined;
}

/**
 * The API endpoint of kubeconfig context `context` (default: the current
 * context). Throws naming the context and files when it is missing.
 */
export function endpointFromKubeconfig(files: readonly string[], context?: string): Endpoint {
  if (files.length === 0) throw new Error("no kubeconfig found: set KUBECONFIG or create ~/.kube/config (or pass --kube-api URL, e.g. of `kubectl proxy`)");
  const docs = files.map((f) => ({ file: f, doc: (parse(fs.readFileSync(f, "utf8")) ?? {}) as KubeconfigDoc }));
  const pick = <T extends { name: string }>(key: "contexts" | "clusters" | "users", name: string): { item: T; dir: string } | undefined => {
    for (const { file, doc } of docs) {
      const item = (doc[key] as T[] | undefined)?.find((x) => x.name === name);
      if (item) return { item, dir: path.dirname(file) };
    }
    return undefined;
  };
  const name = context ?? docs.find((d) => d.doc["current-context"])?.doc["current-context"];
  if (!name) throw new Error(`no kube context given and no current-context in ${files.join(", ")}: pass --context`);
  const ctx = pick<{ name: string; context?: { cluster?: string; user?: string } }>("contexts", name);
  if (!ctx) throw new Error(`kube context "${name}" is not in ${files.join(", ")}: create it (kind: \`kind export kubeconfig --name <cluster>\`) or pass --context`);
  const cl = pick<{ name: string; cluster?: Record<string, any> }>("clusters", ctx.item.context?.cluster ?? "");
  if (!cl?.item.cluster?.server) throw new Error(`kube context "${name}": cluster "${ctx.item.context?.cluster}" has no server in ${files.join(", ")}`);
  const us = pick<{ name: string; user?: Record<string, any> }>("users", ctx.item.context?.user ?? "");
  const c = cl.item.cluster;
  const u = us?.item.user ?? {};
  const udir = us?.dir ?? cl.dir;
  const headers: Record<string, string> = {};
  let cert = fileOrData(udir, u["client-certificate-data"], u["client-certificate"]);
  let key = fileOrData(udir, u["client-key-data"], u["client-key"]);
  let token: string | undefined = typeof u.token === "string" ? u.token : undefined;
  if (!token && typeof u.tokenFile === "string") token = fs.readFileSync(path.resolve(udir, u.tokenFile), "utf8").trim();
  if (!token && !cert && u.exec?.command) {
    const cred = execCredential(u.exec, name);
    token = cred.token;
    if (cred.clientCertificateData) cert = Buffer.from(cred.clientCertificateData);
    if (cred.clientKeyData) key = Buffer.from(cred.clientKeyData);
  }
  if (token) headers.authorization = `Bearer ${token}`;
  return {
    url: c.server,
    what: "the Kubernetes API",
    source: `kube context ${name}`,
    ca: fileOrData(cl.dir, c["certificate-authority-data"], c["certificate-authority"]),
    cert,
    key,
    insecure: c["insecure-skip-tls-verify"] === true,
    headers,
  };
}

/** Runs a client-go credential plugin (client.authentication.k8s.io ExecCredential) and reads its status. */
function execCredential(exec: { command: string; args?: string[]; env?: Array<{ name: string; value: string }> }, context: string): { token?: string; clientCertificateData?: string; clientKeyData?: string } {
  const env = { ...process.env, ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])) };
  let out: string;
  try {
    out = execFileSync(exec.command, exec.args ?? [], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60000 });
  } catch (e) {
    throw new Error(`kube context "${context}": credential plugin ${exec.command} failed (${(e as Error).message.split("\n")[0]})`);
  }
  const status = (JSON.parse(out) as { status?: Record<string, string> }).status ?? {};
  return { token: status.token, clientCertificateData: status.clientCertificateData, clientKeyData: status.clientKeyData };
}

/** What verify asks the API server. */
export class KubeClient {
  constructor(readonly ep: Endpoint) {}

  /** The object, or `undefined` when the API server says 404; throws on any other failure. */
  async get(apiPath: string): Promise<any | undefined> {
    const res = await requestJson(this.ep, "GET", apiPath);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${apiPath}: the Kubernetes API answered ${res.status}: ${apiError(res)}`);
    return res.json;
  }

  /** A token for `namespace/serviceAccount` with exactly `audiences` (none: the API server's own), valid `seconds`. */
  async requestToken(namespace: string, serviceAccount: string, audiences: readonly string[], seconds = 600): Promise<string> {
    const apiPath = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(serviceAccount)}/token`;
    const body = { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { audiences: [...audiences], expirationSeconds: seconds } };
    const res = await requestJson(this.ep, "POST", apiPath, body);
    if (res.status !== 201 && res.status !== 200) throw new Error(`TokenRequest for ${namespace}/${serviceAccount}: the Kubernetes API answered ${res.status}: ${apiError(res)}`);
    const token = res.json?.status?.token;
    if (typeof token !== "string" || !token) throw new Error(`TokenRequest for ${namespace}/${serviceAccount}: no status.token in the answer`);
    return token;
  }
}

/** API paths of the ESO objects verify reads (stores and ExternalSecrets `external-secrets.io/v1`, PushSecrets `v1alpha1`). */
export const esoPath = {
  clusterStore: (name: string) => `/apis/external-secrets.io/v1/clustersecretstores/${encodeURIComponent(name)}`,
  store: (ns: string, name: string) => `/apis/external-secrets.io/v1/namespaces/${encodeURIComponent(ns)}/secretstores/${encodeURIComponent(name)}`,
  externalSecret: (ns: string, name: string) => `/apis/external-secrets.io/v1/namespaces/${encodeURIComponent(ns)}/externalsecrets/${encodeURIComponent(name)}`,
  pushSecret: (ns: string, name: string) => `/apis/external-secrets.io/v1alpha1/namespaces/${encodeURIComponent(ns)}/pushsecrets/${encodeURIComponent(name)}`,
};
