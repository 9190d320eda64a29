/** Stack-file reading lives in scripts/lib/stack-file.ts (shared with `npm run render`). */
export type { StackFileConfig } from "../../scripts/lib/stack-file";
export { flattenConfig, readStackFile } from "../../scripts/lib/stack-file";
