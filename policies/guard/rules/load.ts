/**
 * The Vault load budget: the logins and token lookups per hour ESO is expected to make against
 * Vault for this stack (policies/vault/load.ts: stores x token TTL x refresh intervals, ESO's
 * token cache), held under a ceiling set in the pack's config. `npm run render` prints the
 * same figure in its summary.
 */
import { estimateVaultLoad, formatLoad } from "../../vault/load";
import { isUnknown, StackRule, Undecided } from "../rule";

export interface LoadBudgetConfig {
  /** Expected Vault logins per hour, all stores together. */
  maxLoginsPerHour: number;
  /** Expected `auth/token/lookup-self` calls per hour. */
  maxLookupsPerHour: number;
}

/** Inputs the estimate reads; an unknown one (preview) leaves the rule undecided. */
const READS = ["refreshInterval", "tokenTtl"];

export const vaultLoadBudget: StackRule<LoadBudgetConfig> = {
  name: "vault-load-budget",
  description:
    "The Vault logins and token lookups per hour ESO is expected to make for this stack (each store's uses: its ExternalSecrets' and PushSecrets' refresh intervals plus a validation every 5 minutes; with ESO's token cache one login per store per token TTL, else one per use) stay under the configured ceilings. " +
    "Fix: turn on ESO's token cache (the chart's vault.enableTokenCache), lengthen refreshInterval or the roles' token TTL (eso.tokenTtl, tenancy), share a store, or raise maxLoginsPerHour / maxLookupsPerHour in the pack config if Vault can take it.",
  enforcementLevel: "mandatory",
  config: {
    schema: { maxLoginsPerHour: { type: "number", minimum: 0 }, maxLookupsPerHour: { type: "number", minimum: 0 } },
    defaults: { maxLoginsPerHour: 1200, maxLookupsPerHour: 20000 },
  },
  check(resources, c) {
    const unknown = resources.find((r) => READS.some((k) => isUnknown(r.props[k]) || isUnknown(r.props.spec?.[k])));
    if (unknown) return [new Undecided("a refresh interval or token TTL is not known until apply", unknown.urn)];
    const e = estimateVaultLoad(resources);
    const out = [];
    const worst = [...e.stores].sort((a, b) => b.loginsPerHour - a.loginsPerHour).slice(0, 3).map((s) => `${s.store} ~${s.loginsPerHour}/h`).join(", ");
    if (e.loginsPerHour > c.maxLoginsPerHour) out.push({ message: `${formatLoad(e)}: over the ceiling of ${c.maxLoginsPerHour} logins/h (most: ${worst})` });
    if (e.lookupsPerHour > c.maxLookupsPerHour) out.push({ message: `${formatLoad(e)}: over the ceiling of ${c.maxLookupsPerHour} token lookups/h` });
    return out;
  },
};
