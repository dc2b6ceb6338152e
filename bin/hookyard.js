#!/usr/bin/env node
// `npx hookyard …`: the built CLI (`npx nx build cli` writes dist/apps/cli/main.js).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('hookyard: the CLI is not built yet: run `npx nx build cli` first\n');
  process.exit(1);
}
require(main);
