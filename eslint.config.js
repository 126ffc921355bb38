// `npm run lint`, and part of `npm test`: typescript-eslint's type-aware
// recommended rules over src/, test/ and vitest.config.ts; eslint's
// recommended rules over the zx scripts (plain JS). The few rules switched
// off or tuned say why, one line each.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import * as zx from 'zx';

// The zx scripts run with Node's globals plus what `import 'zx/globals'` (or the zx CLI) defines.
const scriptGlobals = Object.fromEntries(
  [...Object.getOwnPropertyNames(globalThis), ...Object.keys(zx), '__dirname', '__filename', 'require'].map((name) => [name, 'readonly']),
);

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'helpers/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // An async function without await implements a promise-returning interface (stores, fakes); a throw in it must still reject.
      '@typescript-eslint/require-await': 'off',
      // Parsers of /proc, terminal output and YAML match control characters on purpose.
      'no-control-regex': 'off',
      // Go-compatible rendering (fmt's %v, compose's canonical form) stringifies values already checked to be scalars, which the rule cannot see.
      '@typescript-eslint/no-base-to-string': 'off',
      // A leading _ names what is deliberately unused: a key dropped by destructuring, a parameter an interface requires.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read the CLI's JSON output and fixtures untyped; a wrong guess about their shape fails the assertion anyway.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: scriptGlobals },
  },
);
