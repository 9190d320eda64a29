/**
 * Renders the typed policy model as Vault HCL. Deterministic: the same model
 * gives the same bytes, so `pulumi preview` diffs and rendered files stay
 * quiet when nothing changed.
 */
import type { VaultPolicy } from "./model";

export const HCL_HEADER = "# Managed by vault-eso (Pulumi): edits made in Vault are overwritten by the next `pulumi up`.";

/** Vault HCL for `policy`; rules in the order given, capabilities in the order given. */
export function renderPolicyHcl(policy: VaultPolicy): string {
  if (policy.rules.length === 0) {
    throw new Error(`Vault policy "${policy.name}" has no rules: an empty policy grants nothing and is almost certainly a bug`);
  }
  const stanzas = policy.rules.map((rule) => {
    if (rule.capabilities.length === 0) {
      throw new Error(`Vault policy "${policy.name}": path "${rule.path}" has no capabilities`);
    }
    const caps = rule.capabilities.map((c) => JSON.stringify(c)).join(", ");
    return `path ${JSON.stringify(rule.path)} {\n  capabilities = [${caps}]\n}\n`;
  });
  return `${HCL_HEADER}\n# policy: ${policy.name}\n\n${stanzas.join("\n")}`;
}
