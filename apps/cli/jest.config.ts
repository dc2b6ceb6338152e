export default {
  displayName: 'cli',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // eventsource-parser ships ESM only: compile it to CommonJS like our own code.
  transformIgnorePatterns: ['/node_modules/(?!eventsource-parser/)'],
  testTimeout: 30000,
};
