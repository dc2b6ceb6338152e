export default {
  displayName: 'dashboard',
  preset: '../../jest.preset.js',
  testEnvironment: 'jsdom',
  // Rendering whole pages in jsdom is slow when every project's tests run at once.
  testTimeout: 15_000,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper: { '\\.css$': '<rootDir>/src/test/style-stub.ts' },
  setupFilesAfterEnv: ['<rootDir>/src/test/setup.ts'],
};
