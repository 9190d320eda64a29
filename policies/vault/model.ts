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

/**
 * What a stanza asks of a request besides its capabilities (vault/policy.go
 * `PathRules`). Vault checks these against the request's data, wrapping TTL
 * and MFA/control-group state (vault/acl.go `AllowOperation`); they can only
 * refuse a request its capabilities allow, never grant one.
 */
export interface PathConditions {
  /** `allowed_parameters`, keys lowercased as Vault lowercases them. */
  readonly allowedParameters?: Readonly<Record<string, readonly unknown[]>>;
  /** `denied_parameters`, keys lowercased. */
  readonly deniedParameters?: Readonly<Record<string, readonly unknown[]>>;
  readonly requiredParameters?: readonly string[];
  /** Seconds. */
  readonly minWrappingTtl?: number;
  /** Seconds. */
  readonly maxWrappingTtl?: number;
  readonly mfaMethods?: readonly string[];
  /** Control group factors by name (Enterprise). */
  readonly controlGroupFactors?: readonly string[];
  /** `subscribe_event_types` (events API). */
  readonly subscribeEventTypes?: readonly string[];
}

/** One `path "<path>" { capabilities = [...] }` stanza. */
export interface PathRule {
  /** The path as written in the policy: may end in `*`, may contain `+` segments and `{{identity...}}` templates. */
  readonly path: string;
  /** After Vault's mapping: the legacy `policy` field folded in, and `deny` alone when the stanza denies. */
  readonly capabilities: readonly Capability[];
  /** Present only on parsed policies whose stanza sets request conditions. */
  readonly conditions?: PathConditions;
}

/** A named Vault ACL policy. */
export interface VaultPolicy {
  readonly name: string;
  readonly rules: readonly PathRule[];
}
