// One runner, three projects: unit specs beside the code, emulator specs, and e2e specs against the real app.
// isolatedModules: transpile each file alone (fast); `npm run lint` type-checks everything.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
  // Tests use the emulators' TypeScript source, so they need no build step.
  moduleNameMapper: { '^offline-emulators$': '<rootDir>/emulators/src/index.ts' },
};
module.exports = {
  // Global: jest ignores testTimeout inside a project entry. e2e specs boot the app and bcrypt-hash passwords.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'] },
    { ...common, displayName: 'emulators', rootDir: '.', testMatch: ['<rootDir>/emulators/test/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
