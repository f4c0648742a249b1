// The house rule that the pure core (spec/ forecast/ capacity/ rollout/ analysis/ sim/)
// never touches the shell, Node I/O, the clock or randomness (ARCHITECTURE.md, "Functional
// core, imperative shell"). Kept in its own file so a test can lint probe code with it.

export const CORE = ['spec', 'forecast', 'capacity', 'rollout', 'analysis', 'sim'];
export const SHELL = ['controller', 'store', 'serving', 'worker', 'targets', 'api', 'cli', 'models'];

export const purityConfig = {
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
  };
