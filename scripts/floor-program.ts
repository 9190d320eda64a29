/**
 * The floor as a program (see scripts/bench-child.ts): loaded with `require`
 * as index.ts is, it registers at its top level what `setFloor` set.
 */
import { registerPendingFloor } from "./lib/floor";

registerPendingFloor();
