/**
 * Errors for bad input (stack config, component arguments, cluster state the program reads).
 *
 * Under the real runtime, `@pulumi/pulumi/cmd/run/run.js` (uncaughtHandler) prints a
 * `RunError` as its message alone (`log.error(err.message)`), and any other error through
 * `util.inspect`: its stack trace and every field (a ConfigError's `problems` array, again).
 * So every error a user can fix by changing their input is a RunError: `pulumi preview` shows
 * exactly the message, as `npm run render` does. (`RunError.isInstance` checks a brand field, so
 * this works whichever copy of @pulumi/pulumi loads the program.)
 */
import { RunError } from "@pulumi/pulumi/errors";

export class InputError extends RunError {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
