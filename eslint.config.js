// Lint configuration: type-aware typescript-eslint, plus the house rule that the pure core
// (spec/ forecast/ capacity/ rollout/ analysis/ sim/) never touches the shell, Node I/O,
// the clock or randomness (ARCHITECTURE.md, "Functional core, imperative shell").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const CORE = ['spec', 'forecast', 'capacity', 'rollout', 'analysis', 'sim'];
const SHELL = ['controller', 'store', 'serving', 'worker', 'targets', 'api', 'cli', 'artifacts', 'models'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.rollcast/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: CORE.map((dir) => `src/${dir}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: SHELL.flatMap((dir) => [`../${dir}/*`, `../../${dir}/*`, `../${dir}`, `../../${dir}`]),
              message: 'The pure core must not import shell modules (ARCHITECTURE.md).',
            },
            {
              group: ['node:*', 'fs', 'fs/*', 'net', 'http', 'https', 'child_process', 'os', 'path', 'worker_threads', 'dgram', 'dns', 'undici', 'better-sqlite3', 'fastify'],
              message: 'The pure core does no I/O: pass data in as values.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The core takes time as a parameter (Clock in the shell).' },
        { object: 'Math', property: 'random', message: 'The core takes a seeded random source as a parameter.' },
        { object: 'performance', property: 'now', message: 'The core takes time as a parameter.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock; pass time in.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The core reads no env or process state.' },
        { name: 'fetch', message: 'The core does no I/O.' },
        { name: 'setTimeout', message: 'The core does not schedule; the shell does.' },
        { name: 'setInterval', message: 'The core does not schedule; the shell does.' },
      ],
    },
  },
);
