import reactHooks from 'eslint-plugin-react-hooks';
import root from '../../eslint.config.mjs';

/** The workspace rules, plus the rules of hooks for the React code. */
export default [
  ...root,
  {
    files: ['**/*.ts', '**/*.tsx'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
];
