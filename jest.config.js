// jest runs in ESM mode so tests can `await import()` the ESM-only schema
// validators (kubernetes-models, @kubernetes-models/external-secrets).
// The project itself compiles as CommonJS for the Pulumi runtime (tsconfig.json);
// ts-jest only transpiles here, `tsc --noEmit` does the type checking.
/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  // out/package is the staged package (npm run build): not part of the sources jest sees.
  modulePathIgnorePatterns: ["<rootDir>/out/"],
  // The engine-level tests (the real runtime under a stand-in gRPC engine) take minutes of CPU:
  // `npm run test:engine` (jest.engine.config.js) runs them; .ci/run runs both.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/engine/", "<rootDir>/test/cli/"],
  transform: {
    "^.+\\.ts$": [
      "ts-jest",
      {
        useESM: true,
        tsconfig: {
          module: "ESNext",
          moduleResolution: "bundler",
          target: "ES2022",
          esModuleInterop: true,
          isolatedModules: true,
        },
      },
    ],
  },
  // `await import("../index.js")` is how tsc (node16) wants a dynamic import
  // of a .ts module spelled; map it back to the .ts file for jest.
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1", "^vault-eso$": "<rootDir>/components/index.ts" },
  testTimeout: 30000,
  // jest's default on a 2-core machine is one worker; most suites wait on the
  // mock engine and on child processes, so two workers keep \`npm test\` well under a minute.
  maxWorkers: 2,
};
