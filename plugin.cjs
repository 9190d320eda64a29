// package.json `main`: the component package's entry, which the Node.js plugin host (@pulumi/pulumi
// cmd/run-plugin/run.js) requires (with ts-node registered) and scans for ComponentResource classes.
// Tracked by git, so `pulumi package add <git url>` finds it in a fresh clone, where only the TypeScript sources
// exist (npm install runs `prepare`, never `build`); a built package (npm pack, `pulumi package add <dir>`) has
// the compiled components/plugin.js next to it, which loads without compiling anything.
const fs = require("fs");
const path = require("path");

const built = path.join(__dirname, "components", "plugin.js");
module.exports = require(fs.existsSync(built) ? built : path.join(__dirname, "components", "plugin.ts"));
