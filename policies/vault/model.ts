/**
 * The typed model of a Vault ACL policy. Builders produce it, `hcl.ts` renders
 * it, `acl.ts` evaluates it. Pure: no Pulumi resources.
 */

/** Vault ACL capabilities (https://developer.hashicorp.com/vault/docs/concepts/policies#capabilities). */
export const CAPABILITIES = [
  "create",
  "read",
  "update",
  "patch",
  "delete",
  "list",
  "sudo",
  "deny",
  "subscribe",
  "recover",
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** One `path "<path>" { capabilities = [...] }` stanza. */
export interface PathRule {
  /** The path as written in the policy: may end in `*`, may contain `+` segments and `{{identity...}}` templates. */
  readonly path: string;
  readonly capabilities: readonly Capability[];
}

/** A named Vault ACL policy. */
export interface VaultPolicy {
  readonly name: string;
  readonly rules: readonly PathRule[];
}
