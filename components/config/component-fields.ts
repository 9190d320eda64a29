/**
 * The stack config's own zod schemas for the component args that mirror config keys: one source of checks and
 * defaults for `pulumi config` and for a component built by hand (issue 20 point 2, issue 18 class 9). Each is
 * taken from `configSchema` (not copied), so a tightened config check tightens the component too. Pure.
 */
import { z } from "zod";
import { configSchema } from "./config";
import { parseDuration } from "./duration";
import { vaultPolicyName } from "./schema-helpers";
import { RESERVED_NAMESPACES, tenantSchema } from "../tenants/tenancy-config";

/** A config section's object schema (`prefault({})` sections unwrapped). */
const section = <K extends keyof typeof configSchema.shape>(k: K) => {
  const s = configSchema.shape[k] as unknown as { unwrap?: () => unknown; shape?: unknown };
  return (s.shape ? s : s.unwrap!()) as { shape: Record<string, z.ZodType> };
};
const vault = section("vault").shape;
const kv = section("kv").shape;
const kubernetesAuth = section("kubernetesAuth").shape;
const eso = section("eso").shape;
const store = section("store").shape;
const tenancy = section("tenancy").shape;
/** `.optional()` stripped: a required component arg checked like the optional config key. */
const required = (s: z.ZodType) => (s as unknown as { unwrap?: () => z.ZodType }).unwrap?.() ?? s;

/** Seconds, whole, 1 s to 24 h (the config's duration bound), defaulting to the config's duration default. */
const seconds = (what: string, configDefault: z.ZodType) =>
  z
    .number({ error: `${what} must be a number of seconds. Fix: e.g. 900` })
    .int({ error: `${what} must be a whole number of seconds. Fix: e.g. 900` })
    .min(1, { error: `${what} must be at least 1 second` })
    .max(24 * 3600, { error: `${what} must be at most 86400 seconds (24h)` })
    .default(parseDuration(configDefault.parse(undefined) as string)!);

export const FIELD = {
  tenantName: (tenantSchema.shape.name as z.ZodType<string>).refine((v) => !RESERVED_NAMESPACES.includes(v), {
    error: `is a namespace Kubernetes itself uses (${RESERVED_NAMESPACES.join(", ")}). Fix: name the tenant after the team, e.g. "team-a"`,
  }),
  /** A tenant subtree: the config's tenant `path` check (no empty, glob, template, climbing or absolute path). */
  subtree: required(tenantSchema.shape.path) as z.ZodType<string>,
  owner: tenantSchema.shape.owner as z.ZodType<string | undefined>,
  kvPath: kv.path as z.ZodType<string>,
  esoScope: kv.scope as z.ZodType<string>,
  authPath: kubernetesAuth.path as z.ZodType<string>,
  audience: kubernetesAuth.audience as z.ZodType<string>,
  apiAudiences: kubernetesAuth.apiAudiences as z.ZodType<string[]>,
  tokenReview: kubernetesAuth.tokenReview as z.ZodType<"clientJwt" | "reviewerServiceAccount">,
  kubernetesHost: kubernetesAuth.host as z.ZodType<string>,
  vaultServer: vault.address as z.ZodType<string>,
  vaultNamespace: vault.namespace as z.ZodType<string | undefined>,
  esoNamespace: eso.namespace as z.ZodType<string>,
  esoServiceAccountName: eso.serviceAccountName as z.ZodType<string>,
  esoRole: eso.role as z.ZodType<string>,
  esoPolicy: eso.policy as z.ZodType<string>,
  tokenTtlSeconds: seconds("the token TTL", eso.tokenTtl),
  tokenMaxTtlSeconds: seconds("the token max TTL", eso.tokenMaxTtl),
  clusterStoreName: store.name as z.ZodType<string>,
  tenantServiceAccountName: tenancy.serviceAccountName as z.ZodType<string>,
  tenantStoreName: tenancy.storeName as z.ZodType<string>,
  developerClusterRole: required(tenancy.developerClusterRole) as z.ZodType<string>,
  podSecurity: tenancy.podSecurity as z.ZodType<"restricted" | "baseline" | "privileged">,
  templatedPolicyName: vaultPolicyName("the shared templated policy name") as z.ZodType<string>,
} as const;
