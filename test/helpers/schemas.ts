/** The validation layers live in scripts/lib/validate.ts (shared with `npm run render`). */
export type { K8sObject } from "../../scripts/lib/validate";
export { parsePolicyHcl, validateK8sObject } from "../../scripts/lib/validate";
