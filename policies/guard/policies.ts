/**
 * Every rule of the pack, adapted to CrossGuard. Importing this module does
 * not start anything; `index.ts` constructs the PolicyPack (which starts the
 * policy server) and must only be loaded by `pulumi preview --policy-pack`.
 */
import type { Policies } from "@pulumi/policy";
import { resourcePolicy, ResourceRule, stackPolicy, StackRule } from "./rule";
import { KUBERNETES_RULES } from "./rules/kubernetes";
import { STACK_RULES } from "./rules/stack";
import { VAULT_RULES, VAULT_STACK_RULES } from "./rules/vault";
import { vaultLoadBudget } from "./rules/load";

// Each rule's config type is erased here: the adapter fills its defaults.
export const RESOURCE_RULES: ReadonlyArray<ResourceRule<any>> = [...VAULT_RULES, ...KUBERNETES_RULES];
export const ALL_STACK_RULES: ReadonlyArray<StackRule<any>> = [...VAULT_STACK_RULES, ...STACK_RULES, vaultLoadBudget];

export const POLICIES: Policies = [...RESOURCE_RULES.map((r) => resourcePolicy(r)), ...ALL_STACK_RULES.map((r) => stackPolicy(r))];
