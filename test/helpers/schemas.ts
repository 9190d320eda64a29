/** The validation layers live in scripts/lib/validate.ts (shared with `npm run render`). */
import { K8sObject, validateK8sObject as validateValues } from "../../scripts/lib/validate";
import { unwrapSecrets } from "../../scripts/lib/render-files";
export type { K8sObject } from "../../scripts/lib/validate";
export { parsePolicyHcl } from "../../scripts/lib/validate";

/**
 * Validates an object as the API server would see it: mock inputs keep Pulumi's
 * secret wrappers (the SDK marks a Secret's data/stringData secret), the values
 * inside them are what is sent (as `npm run render` validates them).
 */
export function validateK8sObject(obj: K8sObject): Promise<void> {
  return validateValues(unwrapSecrets(obj) as K8sObject);
}
