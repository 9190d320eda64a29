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
  testTimeout: 30000,
};
