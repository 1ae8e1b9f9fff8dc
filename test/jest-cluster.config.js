// Redis Cluster suite: a private three-master cluster, real API and worker processes on it,
// sharded queues. Run in band, like the fault suite: it shares the machine's two cores.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('../tsconfig.json');

module.exports = {
  rootDir: '..',
  displayName: 'cluster',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
  // Generous ceilings for a noisy 2-core machine; waits inside are polls, not sleeps.
  testTimeout: 300_000,
  slowTestThreshold: 120,
};
