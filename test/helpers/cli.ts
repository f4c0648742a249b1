// Running the built CLI (`node dist/src/cli/main.js …`) in integration tests, with no control
// plane in the environment, and the shape every failure must have (one `rollcast: …` line,
// non-zero exit, no stack trace). The build runs before vitest in `npm test`.

import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const run = promisify(execFile);
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN = join(REPO, 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `rollcast …args` from the repo root; resolves with the exit code instead of throwing. */
export async function runCli(args: readonly string[], timeoutMs = 30_000): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.ROLLCAST_URL;
  delete env.ROLLCAST_ADMIN_TOKEN;
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], { cwd: REPO, env, timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    // A numeric code is the CLI's exit code; anything else (killed, not spawned) is a test failure.
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A failed run: non-zero exit, one `rollcast: …` line matching `message`, no stack trace. */
export function expectFailure(res: CliResult, message: RegExp): void {
  expect(res.code, res.stderr).not.toBe(0);
  expect(res.stdout).toBe('');
  expect(res.stderr).toMatch(/^rollcast: /);
  expect(res.stderr).toMatch(message);
  expect(res.stderr).not.toMatch(/\n\s+at /);
}
