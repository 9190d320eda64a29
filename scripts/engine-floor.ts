/**
 * The benchmark's floor as a Pulumi program for the real runtime (`npm run bench -- --engine`):
 * launched by the stand-in engine exactly as index.ts is (cmd/run, Pulumi.yaml's runtime options),
 * it registers the registrations in the JSON file named by VAULT_ESO_FLOOR (type, name, inputs, as
 * the program registered them) as bare custom resources: no components, parents, options,
 * dependencies or applies. `VAULT_ESO_FLOOR_TYPED=1`: with the program's typed SDK classes.
 */
import * as fs from "fs";
import { Registration, registerFloor } from "./lib/floor";

const file = process.env.VAULT_ESO_FLOOR;
if (!file) throw new Error("engine-floor: VAULT_ESO_FLOOR (a registrations JSON file) is not set");
registerFloor(JSON.parse(fs.readFileSync(file, "utf8")) as Registration[], process.env.VAULT_ESO_FLOOR_TYPED === "1");
