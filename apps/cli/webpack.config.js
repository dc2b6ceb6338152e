const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { BannerPlugin, DefinePlugin } = require('webpack');
const { join } = require('path');

module.exports = {
  output: { path: join(__dirname, '../../dist/apps/cli') },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: false,
      sourceMap: true,
      // eventsource-parser is ESM-only: bundled, so that main.js is plain CommonJS throughout.
      externalDependencies: ['commander', 'zod', 'tslib'],
    }),
    // The workspace's version, for `hookyard --version` (package.json itself stays out of the bundle).
    new DefinePlugin({ HOOKYARD_VERSION: JSON.stringify(require('../../package.json').version) }),
    new BannerPlugin({ banner: '#!/usr/bin/env node', raw: true, entryOnly: true }),
  ],
};
