/**
 * One resource of every Vault type the program registers, as the program sends them (secrets wrapped
 * as Pulumi's wire format does): the focused input of the deployer model's tests
 * (test/contracts/deployer-policy.test.ts) and of the read-only CI identities' (test/ci-policies.test.ts).
 */
import type { DeployedResource } from "../../policies/vault/deployer";

export const provider: DeployedResource = { type: "pulumi:providers:vault", name: "vault", inputs: { address: "https://vault:8200", maxLeaseTtlSeconds: "1200" } };
export const SECRET = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

/** One of every type the program registers, as the program sends them. */
export const everyType: DeployedResource[] = [
  provider,
  { type: "vault:index/mount:Mount", name: "kv", inputs: { path: "secret", type: "kv", options: { version: "2" } }, retainOnDelete: true },
  { type: "vault:index/authBackend:AuthBackend", name: "k8s", inputs: { type: "kubernetes", path: "kubernetes" } },
  { type: "vault:kubernetes/authBackendConfig:AuthBackendConfig", name: "cfg", inputs: { backend: "kubernetes", kubernetesHost: "https://k8s", tokenReviewerJwt: SECRET("jwt") } },
  { type: "vault:kubernetes/authBackendRole:AuthBackendRole", name: "role", inputs: { backend: "kubernetes", roleName: "external-secrets" } },
  { type: "vault:index/policy:Policy", name: "pol", inputs: { name: "external-secrets-read", policy: "path ..." } },
  { type: "vault:tokenauth/authBackendRole:AuthBackendRole", name: "trole", inputs: { roleName: "external-secrets-token", tokenPeriod: 604800, orphan: true } },
  { type: "vault:index/token:Token", name: "tok", inputs: { roleName: "external-secrets-token", period: "168h", explicitMaxTtl: "720h", policies: ["a"] } },
  { type: "vault:index/audit:Audit", name: "audit", inputs: { type: "file", path: "file", options: { file_path: "stdout" } } },
  { type: "vault:kv/secretBackendV2:SecretBackendV2", name: "kvcfg", inputs: { mount: "secret", maxVersions: 20, casRequired: true } },
  { type: "vault:identity/group:Group", name: "writers", inputs: { name: "tenant-billing-writers", type: "external", policies: ["tenant-billing-writer"] } },
  { type: "vault:identity/groupAlias:GroupAlias", name: "writers-alias", inputs: { name: "payments-admins", mountAccessor: "auth_oidc_1a2b3c4d", canonicalId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } },
];
