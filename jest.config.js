// One runner, three projects: unit specs beside the code, emulator specs, and e2e specs against the real app.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }];
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
  // Tests use the emulators' TypeScript source, so they need no build step.
  moduleNameMapper: { '^offline-emulators$': '<rootDir>/emulators/src/index.ts' },
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'emulators', rootDir: '.', testMatch: ['<rootDir>/emulators/test/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], testTimeout: 30000 },
  ],
};
