// The lint rule that keeps the functional core pure (eslint.purity.js) really fires: probe
// code that reads the clock, randomness, env, files or a shell module is rejected in a core
// folder and accepted in a shell folder.

import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { purityConfig } from '../eslint.purity.js';
import { REPO } from './helpers/harness.js';

const eslint = new ESLint({
  cwd: REPO,
  overrideConfigFile: true,
  baseConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser, globals: { process: 'readonly', setTimeout: 'readonly' } } }, purityConfig],
});

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('core purity lint rule', () => {
  it.each([
    ['Date.now()', 'export const t = Date.now();', /no-restricted-properties: 'Date.now' is restricted.*The core takes time/],
    ['new Date()', 'export const t = new Date();', /new Date\(\) reads the clock/],
    ['Math.random()', 'export const r = Math.random();', /seeded random source/],
    ['process.env', 'export const e = process.env.HOME;', /no-restricted-globals: Unexpected use of 'process'. The core reads no env/],
    ['node:fs', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", /does no I\/O/],
    ['a shell module', "import { Gateway } from '../serving/gateway.js';\nexport const g = Gateway;", /must not import shell modules/],
    ['setTimeout', 'setTimeout(() => 1, 5);', /does not schedule/],
  ])('rejects %s in src/forecast/', async (_what, code, message) => {
    expect((await problems(code, 'src/forecast/probe.ts')).join('\n')).toMatch(message);
  });

  it('accepts time passed in as a value, and the same code in a shell folder', async () => {
    expect(await problems('export const later = (now: number) => now + 1000;', 'src/capacity/probe.ts')).toEqual([]);
    expect(await problems('export const t = Date.now();', 'src/controller/probe.ts')).toEqual([]);
    expect(await problems('export const t = Date.now();', 'src/forecast/probe.test.ts')).toEqual([]);
  });
});
