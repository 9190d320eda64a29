/**
 * What the providers would answer, for the outputs the program reads back (auth mount accessors,
 * service-account token data, Vault tokens, cert-manager's CA Secret). Shared by the mock engine
 * (scripts/lib/mocks.ts) and the stand-in gRPC engine (scripts/lib/stand-in-engine.ts) so both
 * runtimes see the same values. Pure: no @pulumi/pulumi import.
 */
/** The CA certificate the mock "finds" in Secrets the program reads back (cert-manager's CA Secret). */
export const MOCK_CA_PEM = "-----BEGIN CERTIFICATE-----\nbW9jayBjZXJ0LW1hbmFnZXIgQ0E=\n-----END CERTIFICATE-----\n";

/** The base64 JWT the mock token controller "fills" service-account token Secrets with. */
export const MOCK_SA_TOKEN = "eyJhbGciOiJSUzI1NiJ9.mock-reviewer.jwt";

/**
 * What a provider computes on create, for the outputs the program reads (on `update`; a preview leaves them unknown).
 */
export function computedOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  if (type === "vault:index/authBackend:AuthBackend") return { accessor: `auth_${inputs.type}_${name}` };
  if (type === "kubernetes:core/v1:Secret" && inputs.type === "kubernetes.io/service-account-token") {
    return { data: { token: Buffer.from(MOCK_SA_TOKEN).toString("base64") } };
  }
  if (type === "vault:index/token:Token") return { clientToken: `hvs.mock-${name}` };
  return {};
}

/** The state of an existing object the program reads (`Resource.get`): cert-manager's CA Secret. */
export function readState(type: string, id: string): Record<string, unknown> | undefined {
  if (type !== "kubernetes:core/v1:Secret") return undefined;
  const [namespace, name] = id.split("/");
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, data: { "ca.crt": Buffer.from(MOCK_CA_PEM).toString("base64") } };
}

