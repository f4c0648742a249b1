// The bearer token that guards mutating admin calls. Taken from ROLLCAST_ADMIN_TOKEN when
// set; otherwise generated once and kept in the data dir with owner-only permissions, so
// the CLI on the same machine can find it and nothing secret is printed or logged.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TOKEN_FILE = 'admin-token';

export interface AdminToken {
  token: string;
  /** Where it is stored, or 'env' when it came from ROLLCAST_ADMIN_TOKEN. */
  source: string;
}

export async function loadOrCreateAdminToken(dataDir: string, fromEnv: string | undefined): Promise<AdminToken> {
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 16) throw new Error('ROLLCAST_ADMIN_TOKEN is shorter than 16 characters; use a longer random token');
    return { token: fromEnv, source: 'env' };
  }
  const path = join(dataDir, TOKEN_FILE);
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing.length >= 16) {
      await chmod(path, 0o600);
      return { token: existing, source: path };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(24).toString('base64url');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return { token, source: path };
}

/** Constant-time check of an `Authorization: Bearer …` header value. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
