// `npm run test:engine`: the engine-level tests (test/engine/): the program under the real Pulumi
// runtime (@pulumi/pulumi/cmd/run, launched as pulumi-language-nodejs launches it) and a stand-in
// gRPC engine. Same transform as jest.config.js; one test file whose beforeAll starts the runs.
const base = require("./jest.config.js");
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ["<rootDir>/test/engine/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 1200000,
  maxWorkers: 1,
};
