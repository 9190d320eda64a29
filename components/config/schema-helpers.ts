/**
 * zod building blocks for the config contract: each check's message says what
 * is wrong and how to fix it ("... Fix: ..."). Shared by every config section.
 */
import { z } from "zod";
import { caBundleProblem } from "./ca-pem";
import { configPathProblem } from "./project-files";
import { parseDuration } from "./duration";
import { isDns1123Label, isDns1123Subdomain, isVaultName, RESERVED_VAULT_POLICIES } from "./names";


export type Problem = (v: string) => string | undefined;

/** A string checked by `problem`, whose message says what is wrong and how to fix it. */
export function checked(problem: Problem) {
  return z.string().superRefine((v, ctx) => {
    const p = problem(v);
    if (p) ctx.addIssue({ code: "custom", message: p });
  });
}

/** Metadata for the generated reference (docs/configuration.md): how a key's type is shown. */
export const typeName = (name: string) => ({ typeName: name });

export const dnsLabel = (what: string) =>
  checked((v) =>
    isDns1123Label(v)
      ? undefined
      : `${what} must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending alphanumeric, at most 63 characters). Fix: use e.g. "${suggestLabel(v)}"`,
  ).meta(typeName("DNS label"));

export const dnsSubdomain = (what: string) =>
  checked((v) =>
    isDns1123Subdomain(v)
      ? undefined
      : `${what} must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 characters). Fix: use e.g. "${suggestLabel(v)}"`,
  ).meta(typeName("DNS subdomain"));

export const vaultName = (what: string) =>
  checked((v) => {
    if (!isVaultName(v)) {
      return `${what} must be non-empty and use only letters, digits, '-', '_' and '.' (no '/'). Fix: use e.g. "${suggestLabel(v) || "external-secrets"}"`;
    }
    return undefined;
  }).meta(typeName("Vault name"));

export const vaultPolicyName = (what: string) =>
  vaultName(what).superRefine((v, ctx) => {
    // hashicorp/vault vault/policy_store.go sanitizeName (and handlePoliciesSet): Vault stores the policy under
    // the lower-cased name, so "ESO-Read" and "eso-read" are one policy and `vault policy list` shows neither spelling.
    if (v !== v.toLowerCase()) {
      ctx.addIssue({ code: "custom", message: `${what} must be lower-case: Vault stores policies under the lower-cased name. Fix: use "${v.toLowerCase()}"` });
      return;
    }
    if (RESERVED_VAULT_POLICIES.includes(v)) {
      ctx.addIssue({ code: "custom", message: `${what} "${v}" is a built-in Vault policy and cannot be managed. Fix: choose another name, e.g. "eso-read"` });
    }
  }).meta(typeName("Vault policy name"));

export function suggestLabel(v: string): string {
  return v
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
}

export const duration = (what: string, maxSeconds: number) =>
  checked((v) => {
    const s = parseDuration(v);
    if (s === undefined) return `${what} must be a duration like "30s", "15m", "1h" or "1h30m" (units s, m, h, d). Fix: e.g. "15m"`;
    if (s === 0) return `${what} must be longer than 0s. Fix: e.g. "15m"`;
    if (s > maxSeconds) return `${what} must be at most ${maxSeconds / 3600}h. Fix: shorten it; short-lived login tokens limit what a leaked token is worth`;
    return undefined;
  }).meta(typeName(`duration ≤ ${maxSeconds / 3600}h`));

export const url = (what: string) =>
  checked((v) => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      return `${what} must be an absolute URL like "https://vault.example.com:8200". Fix: include the scheme and host`;
    }
    if (u.protocol !== "https:" && u.protocol !== "http:") {
      return `${what} must use https:// (or http:// in dev), not "${u.protocol}". Fix: e.g. "https://${u.host || "vault.example.com:8200"}"`;
    }
    if (u.pathname !== "/" || u.search || u.hash) {
      return `${what} must be the server's base URL without a path, query or fragment. Fix: "${u.protocol}//${u.host}"`;
    }
    if (v.endsWith("/")) return `${what} must not end with "/". Fix: "${u.protocol}//${u.host}"`;
    return undefined;
  }).meta(typeName("URL"));

export const pem = (what: string) =>
  checked((v) => {
    const problem = pemProblem(v);
    return problem ? `${what} ${problem}` : undefined;
  }).meta(typeName("PEM"));

/** Why `text` is not a CA bundle of certificates only, or `undefined` (components/config/ca-pem.ts). */
export const pemProblem = caBundleProblem;

/** A file named in config: relative to the project directory and inside it (components/config/project-files.ts). */
export const projectPath = (what: string) =>
  checked((v) => {
    if (v === "") return `${what} is empty. Fix: give a path relative to the Pulumi project directory`;
    const p = configPathProblem(v);
    return p ? `${what} ${p}` : undefined;
  }).meta(typeName("path"));

/** Kubernetes resource requests and limits of a pod's containers. */
export const resourcesSchema = (what: string) =>
  z
    .strictObject({
      requests: z
        .strictObject({
          cpu: z.string().min(1).describe("CPU request, e.g. `50m`."),
          memory: z.string().min(1).describe("Memory request, e.g. `128Mi`."),
        })
        .describe("What the scheduler reserves."),
      limits: z
        .strictObject({
          cpu: z.string().min(1).optional().describe("CPU limit; none by default (throttling a controller slows every sync)."),
          memory: z.string().min(1).describe("Memory limit, e.g. `256Mi`."),
        })
        .describe("Hard limits."),
    })
    .describe(`Requests and limits of ${what}.`);
