/**
 * The vault-eso CrossGuard pack:
 *
 *   pulumi preview --policy-pack policies/guard
 *
 * Constructing the pack starts the policy server, so tests import the rules
 * from `./policies` (or `./rules/*`) instead of this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies";

new PolicyPack("vault-eso-guard", { policies: POLICIES });
