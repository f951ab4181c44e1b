// One runner, three projects: unit specs beside the code, emulator specs, and e2e specs against the real app.
// isolatedModules: transpile each file alone (fast); `npm run lint` type-checks everything.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];
// ESM-only packages: Node >= 20.19 require()s them natively (the built API and emulators), jest's module loader
// does not before Node 24.9, so ts-jest (allowJs) compiles them to CommonJS like our own TypeScript.
const esmOnly = ['oidc-provider', 'openid-client', 'oauth4webapi', 'jose'];
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.[jt]s$': tsJest },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
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
