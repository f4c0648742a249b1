// Opening files: WAL on, data kept across re-opens, and every refusal (newer schema, not a
// database, another program's database, missing directory) leaves the file byte-for-byte as
// it was.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchemaTooNewError, StoreError } from './errors.js';
import { latestVersion, migrate, schemaVersion } from './migrations.js';
import { openStore } from './store.js';

const DIGEST = 'a'.repeat(64);
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rollcast-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `fn`, which must throw, and returns what it threw. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('openStore on a file', () => {
  it('turns on WAL, which persists in the file', () => {
    const path = join(dir, 'state.db');
    const store = openStore(path);
    store.applyRevision({ deployment: 'penguins', spec: {}, modelDigest: DIGEST, modelPath: 'm.onnx', desiredReplicas: 1 });
    expect(existsSync(`${path}-wal`)).toBe(true);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    store.close();
  });

  it('keeps data across a re-open and does not migrate again', () => {
    const path = join(dir, 'state.db');
    let t = 1000;
    const first = openStore(path, { clock: () => t });
    const applied = first.applyRevision({
      deployment: 'penguins',
      spec: { replicas: 2 },
      modelDigest: DIGEST,
      modelPath: 'm.onnx',
      desiredReplicas: 2,
    });
    first.close();

    t = 2000;
    const again = openStore(path, { clock: () => t });
    expect(again.getDeployment('penguins')).toEqual(applied.deployment);
    expect(again.listRevisions()).toEqual([applied.revision]);
    expect(again.listEvents().map((e) => e.type)).toEqual(['applied']);
    again.close();

    const raw = new Database(path);
    expect(schemaVersion(raw)).toBe(latestVersion());
    expect(migrate(raw, path)).toEqual([]);
    raw.close();
  });

  it('opens a zero-byte file as a new database', () => {
    const path = join(dir, 'touched.db');
    writeFileSync(path, '');
    const store = openStore(path);
    expect(store.listDeployments()).toEqual([]);
    store.close();
  });
});

describe('openStore refuses, changing nothing', () => {
  // A newer rollcast would have left its file in WAL mode; an older tool's copy may not be.
  it.each(['delete', 'wal'])('a database written by a newer rollcast (journal_mode %s)', (mode) => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma(`journal_mode = ${mode}`);
    raw.exec('CREATE TABLE from_the_future (x INTEGER); INSERT INTO from_the_future VALUES (1);');
    raw.pragma('user_version = 7');
    raw.close();
    const before = readFileSync(path);

    const err = thrown(() => openStore(path));
    expect(err).toBeInstanceOf(SchemaTooNewError);
    expect(err.message).toBe(
      `database at ${path} was written by a newer rollcast (schema version 7; this build knows up to ${latestVersion()}); ` +
        'refusing to open it so nothing is altered',
    );
    expect(readFileSync(path).equals(before)).toBe(true);
    const check = new Database(path, { readonly: true });
    expect(schemaVersion(check)).toBe(7);
    expect(check.pragma('journal_mode', { simple: true })).toBe(mode);
    check.close();
  });

  it('a file that is not a SQLite database', () => {
    const path = join(dir, 'notes.db');
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(200));
    const before = readFileSync(path);

    const err = thrown(() => openStore(path));
    expect(err).toBeInstanceOf(StoreError);
    expect(err.name).toBe('StoreError');
    expect(err.message).toBe(`database at ${path} is not a SQLite database (file is not a database)`);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("another program's SQLite database", () => {
    const path = join(dir, 'other.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE contacts (name TEXT)');
    raw.close();
    const before = readFileSync(path);

    expect(() => openStore(path)).toThrow(
      `database at ${path} is a SQLite database with 1 schema object(s) but no rollcast schema version; ` +
        "refusing to add rollcast tables to another program's database",
    );
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('a database at a known version but tagged by another program', () => {
    const path = join(dir, 'tagged.db');
    const raw = new Database(path);
    raw.pragma('user_version = 1');
    raw.pragma('application_id = 42');
    raw.close();

    expect(() => openStore(path)).toThrow(`database at ${path} belongs to another program (application_id 42`);
  });

  it('a path whose directory does not exist, without creating it', () => {
    const path = join(dir, 'missing', 'state.db');
    const err = thrown(() => openStore(path));
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ name: 'StoreError', path });
    expect(err.message).toBe(`cannot open database at ${path}: directory ${join(dir, 'missing')} does not exist`);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('a path that is a directory', () => {
    const path = join(dir, 'adir');
    mkdirSync(path);
    expect(() => openStore(path)).toThrow(`cannot open database at ${path}: it is a directory, not a file`);
  });
});

describe('openStore in memory', () => {
  it('works without a file, for tests', () => {
    const store = openStore(':memory:');
    expect(store.path).toBe(':memory:');
    expect(store.listEvents()).toEqual([]);
    store.close();
  });
});
