// Fault tests: real API and worker processes, a private Redis and, where needed, a private
// PostgreSQL, killed and restarted for real. Run in band (scenarios share the machine's two
// cores and must not disturb each other); each file cleans up after itself.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('../tsconfig.json');

module.exports = {
  rootDir: '..',
  displayName: 'faults',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  // Generous ceilings for a noisy 2-core machine; waits inside are polls, not sleeps.
  testTimeout: 180_000,
  slowTestThreshold: 60,
};
