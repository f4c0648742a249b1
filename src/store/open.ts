// Opening the SQLite file: checks that it is ours and not from the future, turns on WAL and
// foreign keys, then migrates. Every check that can refuse the file runs before the first
// write, so a refused file is left exactly as it was found.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SchemaTooNewError, StoreError } from './errors.js';
import { APPLICATION_ID, MIGRATIONS, latestVersion, migrate, schemaVersion, type Migration } from './migrations.js';

export const MEMORY = ':memory:';

export interface OpenOptions {
  readonly busyTimeoutMs?: number;
  /** Only tests pass this, to exercise migration paths with their own list. */
  readonly migrations?: readonly Migration[];
}

/** Opens (creating if absent) and migrates the database at `path`; `:memory:` for tests. */
export function openDatabase(path: string, opts: OpenOptions = {}): Database.Database {
  const migrations = opts.migrations ?? MIGRATIONS;
  checkPath(path);
  let db: Database.Database;
  try {
    // `timeout` is SQLite's busy_timeout: wait this long for another process's lock.
    db = new Database(path, { timeout: opts.busyTimeoutMs ?? 5000 });
  } catch (cause) {
    throw new StoreError(`cannot open database at ${path}: ${message(cause)}`, path, { cause });
  }
  try {
    refuseForeign(db, path, latestVersion(migrations));
    configure(db, path);
    migrate(db, path, migrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function checkPath(path: string): void {
  if (path === MEMORY) return;
  // The caller owns the directory layout (it may want a particular mode or mount), so a
  // missing directory is an error here, not something to create silently.
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) {
    throw new StoreError(`cannot open database at ${path}: directory ${dir} does not exist`, path);
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new StoreError(`cannot open database at ${path}: it is a directory, not a file`, path);
  }
}

/** Reads only: the header fields and whether any tables exist. */
function refuseForeign(db: Database.Database, path: string, known: number): void {
  let version: number;
  let appId: number;
  let objects: number;
  try {
    version = schemaVersion(db);
    appId = db.pragma('application_id', { simple: true }) as number;
    objects = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
  } catch (cause) {
    // SQLITE_NOTADB: SQLite only notices a foreign file at the first read of its header.
    throw new StoreError(`database at ${path} is not a SQLite database (${message(cause)})`, path, { cause });
  }
  if (version > known) throw new SchemaTooNewError(path, version, known);
  if (version === 0 && objects > 0) {
    throw new StoreError(
      `database at ${path} is a SQLite database with ${objects} schema object(s) but no rollcast ` +
        `schema version; refusing to add rollcast tables to another program's database`,
      path,
    );
  }
  if (version > 0 && appId !== APPLICATION_ID) {
    throw new StoreError(
      `database at ${path} belongs to another program (application_id ${appId}, ` +
        `rollcast uses ${APPLICATION_ID}); refusing to open it`,
      path,
    );
  }
}

function configure(db: Database.Database, path: string): void {
  // WAL: readers (dashboard, CLI) never block the controller's writes, and a crash mid-write
  // cannot corrupt the main file. In-memory databases report 'memory' and stay that way.
  const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
  if (path !== MEMORY && mode !== 'wal') {
    throw new StoreError(`database at ${path}: could not enable WAL (journal_mode is ${mode})`, path);
  }
  // Off by default in SQLite, per connection; the schema relies on it.
  db.pragma('foreign_keys = ON');
  // synchronous stays at its default, FULL: writes are rare (applies, scale changes, events)
  // and a lost apply after power loss costs more than the fsync.
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
