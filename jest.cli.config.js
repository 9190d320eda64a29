// `npm run test:cli`: the users' commands end to end (test/cli/): `npm run render` and `npm run adopt` (the seeds' fixtures) in child processes
// (files, determinism, redaction, refused configs) and a smoke run of `npm run bench` (graph depth
// constant in tenants, linear growth). They spawn whole programs, so they run beside `npm test`
// (which stays under a minute on the 2-core machines); .ci/run runs both.
const base = require("./jest.config.js");
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ["<rootDir>/test/cli/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
};
