/**
 * How Secrets that carry Vault credentials are marked, shared by the
 * components that create them (TokenRenewer) and the CrossGuard pack that
 * checks where they live. Pure: no Pulumi resources.
 */

/** Label key on a Kubernetes Secret that holds a Vault credential. */
export const VAULT_CREDENTIAL_LABEL = "vault-eso.io/credential";

/** `VAULT_CREDENTIAL_LABEL` value for a Secret holding a Vault token. */
export const VAULT_TOKEN_CREDENTIAL = "vault-token";

/** The namespace where Vault token Secrets live (only ESO and the renewer read Secrets there). */
export const DEFAULT_CREDENTIALS_NAMESPACE = "external-secrets-credentials";
