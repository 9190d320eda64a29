// Vault token renewer for vault-eso (TokenRenewer). Runs in a CronJob pod;
// Node >= 20, standard library only. This exact file is shipped to the pod in
// a ConfigMap and exercised by test/renewer-script.test.ts.
//
// Each run:
//   1. read the token from the Kubernetes Secret (GET, with the pod's service
//      account token; resourceVersion kept for an optimistic-concurrency PUT);
//   2. lookup-self, then renew-self with increment = the role's period;
//   3. if less than ROTATE_BEFORE_SECONDS is left before the token's explicit
//      max TTL: create a successor through the token role, check it with
//      lookup-self, write it into the Secret (PUT, conflict-checked), read the
//      Secret back, and only then revoke the old token with revoke-self.
// A token in the Secret that the role would not mint (other policies than
// VAULT_TOKEN_POLICIES, identity policies, no explicit max TTL or one above
// MAX_TTL_SECONDS, a TTL of 0, a period above the role's: a token put there by
// hand) is refused: it is not renewed, a successor is minted through the role
// and stored, the refused token revoked, and the run exits 1 naming why, so
// the failed Job alerts. Successors are held to the same check.
// With BOOTSTRAP_SECRET_NAME (the bootstrap Job that `pulumi up` runs each time
// it mints a token), the run first reads that Secret (written only by Pulumi):
//   - it holds the same token as the token Secret (first deployment): the run
//     above, which rotates at once (the bootstrap token is short-lived);
//   - the token Secret's token is alive: the run above with it, then the
//     bootstrap token is revoked (revoke-self with it; already gone is fine);
//   - the token Secret's token is dead (Vault answers 403): the bootstrap token
//     is used once to create a successor through the role, which is stored as
//     in step 3, and the bootstrap token is then revoked.
// A failure at any step exits non-zero and leaves a working token in the
// Secret: the old one is revoked only after the new one is verifiably stored,
// and a successor is revoked only when the Secret verifiably does not hold it.
// Token values are never printed: every log line is scrubbed of them.

import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
const MANAGED_BY = "vault-eso-token-renewer";

/** Values that must never reach stdout/stderr (tokens, in clear and base64). */
const secrets = new Set();
function hide(value) {
  if (typeof value === "string" && value.length > 0) {
    secrets.add(value);
    secrets.add(Buffer.from(value, "utf8").toString("base64"));
  }
}
function scrub(text) {
  let out = String(text);
  for (const s of secrets) out = out.split(s).join("[redacted]");
  return out;
}
function log(level, msg, fields = {}) {
  const line = scrub(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
  (level === "error" ? process.stderr : process.stdout).write(line + "\n");
}

class StepError extends Error {
  constructor(step, message, status) {
    super(`${step}: ${message}`);
    this.step = step;
    this.status = status;
  }
}

// ------------------------------------------------------------------ settings

function env(name, fallback) {
  const v = process.env[name];
  if (v !== undefined && v !== "") return v;
  if (fallback !== undefined) return fallback;
  throw new StepError("settings", `environment variable ${name} is required`);
}
function seconds(name, fallback) {
  const raw = env(name, fallback === undefined ? undefined : String(fallback));
  if (!/^\d+$/.test(raw)) throw new StepError("settings", `${name} must be a whole number of seconds, got ${JSON.stringify(raw)}`);
  return Number(raw);
}
function readFileOptional(path) {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    if (e.code === "ENOENT") return undefined;
    throw new StepError("settings", `cannot read ${path}: ${e.code ?? e.message}`);
  }
}
function defaultKubernetesApi() {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? "443";
  if (!host) return "https://kubernetes.default.svc";
  return `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function loadSettings() {
  const vaultCaFile = process.env.VAULT_CACERT;
  const kubeCaFile = env("KUBERNETES_CA_FILE", `${SA_DIR}/ca.crt`);
  const settings = {
    vaultAddr: env("VAULT_ADDR").replace(/\/+$/, ""),
    vaultCa: vaultCaFile ? readFileOptional(vaultCaFile) : undefined,
    vaultNamespace: process.env.VAULT_NAMESPACE || undefined,
    role: env("VAULT_TOKEN_ROLE"),
    policies: env("VAULT_TOKEN_POLICIES").split(",").map((p) => p.trim()).filter(Boolean),
    increment: seconds("RENEW_INCREMENT_SECONDS"),
    rotateBefore: seconds("ROTATE_BEFORE_SECONDS"),
    maxTtl: seconds("MAX_TTL_SECONDS"),
    revokeGrace: seconds("REVOKE_GRACE_SECONDS", 15),
    timeoutMs: seconds("REQUEST_TIMEOUT_SECONDS", 10) * 1000,
    kubeApi: env("KUBERNETES_API_URL", defaultKubernetesApi()).replace(/\/+$/, ""),
    kubeTokenFile: env("KUBERNETES_TOKEN_FILE", `${SA_DIR}/token`),
    kubeCa: readFileOptional(kubeCaFile),
    namespace: env("SECRET_NAMESPACE"),
    secretName: env("SECRET_NAME"),
    secretKey: env("SECRET_KEY", "token"),
    bootstrapSecret: process.env.BOOTSTRAP_SECRET_NAME || undefined,
  };
  if (vaultCaFile && !settings.vaultCa) throw new StepError("settings", `VAULT_CACERT ${vaultCaFile} does not exist`);
  if (settings.policies.length === 0) throw new StepError("settings", "VAULT_TOKEN_POLICIES lists no policy");
  return settings;
}

// ------------------------------------------------------------------ HTTP

function request(method, url, { headers = {}, body, ca, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === "https:" ? https : u.protocol === "http:" ? http : undefined;
    if (!mod) return reject(new Error(`unsupported URL scheme ${u.protocol}`));
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = mod.request(
      u,
      {
        method,
        ca,
        headers: {
          accept: "application/json",
          ...headers,
          ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Error text from a Vault or Kubernetes error body, never the body itself. */
function reason(res) {
  const j = res.json;
  if (j && Array.isArray(j.errors)) return j.errors.map(String).join("; ").slice(0, 300);
  if (j && typeof j.message === "string") return `${j.reason ?? "Error"}: ${j.message}`.slice(0, 300);
  return "no error details";
}

// ------------------------------------------------------------------ Vault

function vault(s) {
  const call = async (step, method, path, token, body) => {
    let res;
    try {
      res = await request(method, `${s.vaultAddr}/v1/${path}`, {
        headers: { "X-Vault-Token": token, "X-Vault-Request": "true", ...(s.vaultNamespace ? { "X-Vault-Namespace": s.vaultNamespace } : {}) },
        body,
        ca: s.vaultCa,
        timeoutMs: s.timeoutMs,
      });
    } catch (e) {
      throw new StepError(step, `cannot reach Vault at ${s.vaultAddr}: ${e.code ?? ""} ${e.message}`.trim());
    }
    if (res.status < 200 || res.status >= 300) throw new StepError(step, `Vault answered HTTP ${res.status} (${reason(res)})`, res.status);
    return res.json;
  };
  return {
    lookupSelf: async (step, token) => {
      const j = await call(step, "GET", "auth/token/lookup-self", token);
      if (!j || typeof j.data !== "object" || j.data === null) throw new StepError(step, "Vault's lookup-self answer has no data");
      return j.data;
    },
    renewSelf: async (token) => {
      const j = await call("renew-self", "POST", "auth/token/renew-self", token, { increment: `${s.increment}s` });
      return j?.auth ?? {};
    },
    createThroughRole: async (token) => {
      const j = await call("create", "POST", `auth/token/create/${encodeURIComponent(s.role)}`, token, {
        policies: s.policies,
        no_default_policy: true,
        display_name: "eso-cluster-token",
        meta: { "created-by": MANAGED_BY },
      });
      const auth = j?.auth;
      if (!auth || typeof auth.client_token !== "string" || !auth.client_token) throw new StepError("create", "Vault's answer has no auth.client_token");
      hide(auth.client_token);
      return { token: auth.client_token, accessor: auth.accessor };
    },
    revokeSelf: async (step, token) => {
      await call(step, "POST", "auth/token/revoke-self", token);
    },
  };
}

// ------------------------------------------------------------------ Kubernetes

function kube(s, secretName = s.secretName) {
  const path = `${s.kubeApi}/api/v1/namespaces/${encodeURIComponent(s.namespace)}/secrets/${encodeURIComponent(secretName)}`;
  const where = `Secret ${s.namespace}/${secretName}`;
  const saToken = () => {
    try {
      return fs.readFileSync(s.kubeTokenFile, "utf8").trim();
    } catch (e) {
      throw new StepError("kubernetes", `cannot read the service account token ${s.kubeTokenFile}: ${e.code ?? e.message}`);
    }
  };
  const call = async (step, method, body) => {
    const bearer = saToken();
    hide(bearer);
    let res;
    try {
      res = await request(method, path, { headers: { authorization: `Bearer ${bearer}` }, body, ca: s.kubeCa, timeoutMs: s.timeoutMs });
    } catch (e) {
      throw new StepError(step, `cannot reach the Kubernetes API at ${s.kubeApi}: ${e.code ?? ""} ${e.message}`.trim());
    }
    if (res.status < 200 || res.status >= 300) throw new StepError(step, `the Kubernetes API answered HTTP ${res.status} for ${where} (${reason(res)})`, res.status);
    return res.json;
  };
  const tokenOf = (secret, step) => {
    const b64 = secret?.data?.[s.secretKey];
    if (typeof b64 !== "string" || b64 === "") throw new StepError(step, `${where} has no key "${s.secretKey}"`);
    const token = Buffer.from(b64, "base64").toString("utf8").trim();
    hide(token);
    return token;
  };
  return {
    read: async (step) => {
      const secret = await call(step, "GET");
      return { secret, token: tokenOf(secret, step) };
    },
    /** PUT with the resourceVersion read before: fails with 409 if anyone changed the Secret since. */
    write: async (secret, token, accessor) => {
      const next = structuredClone(secret);
      delete next.metadata.managedFields;
      next.data = { ...next.data, [s.secretKey]: Buffer.from(token, "utf8").toString("base64") };
      next.metadata.annotations = {
        ...next.metadata.annotations,
        "vault-eso.io/rotated-at": new Date().toISOString(),
        "vault-eso.io/token-accessor": String(accessor ?? ""),
      };
      await call("write-secret", "PUT", next);
    },
  };
}

// ------------------------------------------------------------------ the run

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run() {
  const s = loadSettings();
  const v = vault(s);
  const k = kube(s);

  const { secret, token: current } = await k.read("read-secret");
  if (!s.bootstrapSecret) return maintain(s, v, k, secret, current, false);

  const { token: bootstrap } = await kube(s, s.bootstrapSecret).read("read-bootstrap");
  if (bootstrap === current) {
    log("info", "bootstrap: the Secret holds the bootstrap token; rotating it away");
    return maintain(s, v, k, secret, current, true);
  }
  let alive = true;
  try {
    await v.lookupSelf("lookup-self", current);
  } catch (e) {
    if (e.status !== 403) throw e;
    alive = false;
  }
  if (alive) {
    await maintain(s, v, k, secret, current, false);
    try {
      await v.revokeSelf("revoke-bootstrap", bootstrap);
      log("info", "bootstrap: the Secret's token is alive; the bootstrap token was revoked");
    } catch (e) {
      if (e.status !== 403) throw e;
      log("info", "bootstrap: the Secret's token is alive; the bootstrap token was already gone");
    }
    return;
  }
  log("warn", "bootstrap: the Secret's token is revoked or expired; minting a successor with the bootstrap token");
  return maintain(s, v, k, secret, bootstrap, true);
}

/**
 * Why the token `info` describes (lookup-self data, hashicorp/vault vault/token_store.go handleLookup:
 * `policies`, `identity_policies`, `explicit_max_ttl`, `ttl`, `period`) is not one the role mints; empty
 * when it is: exactly the role's policies, none through identity, an explicit max TTL in (0, MAX_TTL],
 * a TTL above 0 (0 never expires), a period no longer than the role's.
 */
function tokenProblems(s, info) {
  const problems = [];
  const have = Array.isArray(info.policies) ? info.policies.map(String) : [];
  const extra = have.filter((p) => !s.policies.includes(p));
  const missing = s.policies.filter((p) => !have.includes(p));
  if (missing.length > 0) problems.push(`lacks the policies ${missing.join(", ")}`);
  if (extra.length > 0) problems.push(`carries policies the role does not give: ${extra.join(", ")}`);
  const identity = Array.isArray(info.identity_policies) ? info.identity_policies : [];
  if (identity.length > 0) problems.push(`carries identity policies ${identity.join(", ")}`);
  const max = Number(info.explicit_max_ttl ?? 0);
  if (!(max > 0)) problems.push("has no explicit max TTL (it could be renewed for ever)");
  else if (max > s.maxTtl) problems.push(`has an explicit max TTL of ${max}s, above the role's ${s.maxTtl}s`);
  const ttl = Number(info.ttl);
  if (!(ttl > 0)) problems.push(`has a TTL of ${info.ttl ?? "(none)"} (a token that never expires)`);
  const period = Number(info.period ?? 0);
  if (period > s.increment) problems.push(`has a period of ${period}s, above the role's ${s.increment}s`);
  return problems;
}

/**
 * Steps 2 and 3 with `current`: renew it, and rotate when it is close to its
 * explicit max TTL (or always, with `forceRotate`). The successor goes into
 * `secret` (as read, for the conflict check); `current` is revoked last.
 */
async function maintain(s, v, k, secret, current, forceRotate) {
  const info = await v.lookupSelf("lookup-self", current);
  const accessor = info.accessor;
  const creation = Number(info.creation_time);
  const explicitMax = Number(info.explicit_max_ttl ?? 0);
  log("info", "current token looked up", { accessor, ttl: info.ttl, explicit_max_ttl: explicitMax, policies: info.policies });

  // A token the role would not mint is never renewed: it is replaced, loudly.
  const refused = tokenProblems(s, info);
  if (refused.length > 0) {
    log("error", "refusing the token in the Secret: the role would not mint it (placed by hand?); replacing it with one minted through the role", { accessor, problems: refused });
  } else {
    const renewed = await v.renewSelf(current);
    const lease = Number(renewed.lease_duration);
    log("info", "token renewed", { accessor, lease_duration: renewed.lease_duration, requested_increment: s.increment });
    if (!(lease > 0) || lease > s.increment) {
      refused.push(`was renewed with a lease duration of ${renewed.lease_duration ?? "(none)"}, not within (0, ${s.increment}]s`);
      log("error", "refusing the token in the Secret after renewal: its lease is not bounded by the role", { accessor, problems: refused });
    }
  }

  const remaining = explicitMax > 0 && Number.isFinite(creation) ? creation + explicitMax - Math.floor(Date.now() / 1000) : Infinity;
  if (!forceRotate && refused.length === 0 && !(remaining < s.rotateBefore)) {
    log("info", "no rotation needed", { accessor, seconds_before_max_ttl: Number.isFinite(remaining) ? remaining : null, rotate_before: s.rotateBefore });
    return;
  }
  if (refused.length === 0) log("info", "rotating: the token is close to its explicit max TTL", { accessor, seconds_before_max_ttl: Number.isFinite(remaining) ? remaining : null, rotate_before: s.rotateBefore });

  // A successor, checked before anything is written.
  const next = await v.createThroughRole(current);
  log("info", "successor created through the token role", { role: s.role, new_accessor: next.accessor });
  try {
    const check = await v.lookupSelf("verify-successor", next.token);
    const wrong = tokenProblems(s, check);
    if (wrong.length > 0) throw new StepError("verify-successor", `the successor ${wrong.join("; ")} (check the token role's allowed_policies, token_explicit_max_ttl and token_period)`);
  } catch (e) {
    await discardSuccessor(v, next, "the successor failed its check");
    throw e;
  }

  // Store it. If the write fails, find out what the Secret holds before touching any token.
  try {
    await k.write(secret, next.token, next.accessor);
  } catch (e) {
    let holds;
    try {
      holds = (await k.read("read-back")).token;
    } catch {
      holds = undefined;
    }
    if (holds === next.token) {
      log("warn", "the write reported a failure but the Secret holds the successor; continuing", { step: e.step, status: e.status });
    } else {
      if (holds === undefined) {
        log("error", "the Secret's content is unknown after a failed write: neither token is revoked", { accessor, new_accessor: next.accessor });
      } else {
        await discardSuccessor(v, next, holds === current ? "the Secret still holds the current token" : "the Secret was changed by someone else");
      }
      throw e;
    }
  }

  // Read back: revoke the old token only when the Secret verifiably holds the new one.
  const back = await k.read("read-back");
  if (back.token !== next.token) {
    throw new StepError("read-back", "the Secret does not hold the successor after the write; the current token is not revoked");
  }
  log("info", "successor stored in the Secret", { secret: `${s.namespace}/${s.secretName}`, new_accessor: next.accessor });

  // Let clients that read the Secret just before the write finish with the old token.
  if (s.revokeGrace > 0) await sleep(s.revokeGrace * 1000);
  try {
    await v.revokeSelf("revoke-old", current);
  } catch (e) {
    log("error", "the old token could not be revoked; it stays valid until its explicit max TTL. Revoke it by accessor", { accessor });
    throw e;
  }
  log("info", "old token revoked; rotation complete", { old_accessor: accessor, new_accessor: next.accessor });
  if (refused.length > 0) {
    throw new StepError("refused-token", `the Secret held a token the role would not mint (it ${refused.join("; ")}); it was replaced by one minted through the role and revoked. Find out who put it there (docs/token-auth.md, "Recovery")`);
  }
}

/** Revokes a successor the Secret does not hold (best effort: it expires after one period anyway). */
async function discardSuccessor(v, next, why) {
  try {
    await v.revokeSelf("discard-successor", next.token);
    log("warn", `${why}; the successor was revoked`, { new_accessor: next.accessor });
  } catch (e) {
    log("warn", `${why}; revoking the successor failed too, it expires after one period unrenewed`, { new_accessor: next.accessor, error: e.message });
  }
}

run().then(
  () => process.exit(0),
  (e) => {
    log("error", e instanceof StepError ? e.message : `unexpected failure: ${e?.message ?? e}`, { step: e?.step ?? "unknown", status: e?.status });
    process.exit(1);
  },
);
