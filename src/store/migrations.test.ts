// Migrations against raw in-memory connections: applied in order, once, atomically, and a
// newer schema is refused before anything runs.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaTooNewError, StoreError } from './errors.js';
import { APPLICATION_ID, MIGRATIONS, checkMigrations, latestVersion, migrate, schemaVersion, type Migration } from './migrations.js';

const open: Database.Database[] = [];
function memory(): Database.Database {
  const db = new Database(':memory:');
  open.push(db);
  return db;
}
afterEach(() => open.splice(0).forEach((db) => db.close()));

const tables = (db: Database.Database): string[] =>
  (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all() as string[]).filter(
    (n) => !n.startsWith('sqlite_'),
  );

describe('migrate', () => {
  it('brings an empty database to the latest version and tags it as rollcast', () => {
    const db = memory();
    expect(migrate(db, ':memory:')).toEqual(MIGRATIONS.map((m) => m.version));
    expect(schemaVersion(db)).toBe(latestVersion());
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(tables(db)).toEqual(['decisions', 'deployments', 'events', 'forecasts', 'load_points', 'planner_states', 'revisions', 'rollouts']);
  });

  it('version 2 gives existing deployments a serving revision equal to their active one', () => {
    const db = memory();
    migrate(db, ':memory:', MIGRATIONS.slice(0, 1));
    db.pragma('foreign_keys = OFF');
    db.prepare("INSERT INTO deployments VALUES ('d', '{}', 1, 'd-r1', 'active', 0, 0)").run();
    expect(migrate(db, ':memory:')).toEqual([2, 3, 4]);
    expect(db.prepare('SELECT serving_revision FROM deployments').get()).toEqual({ serving_revision: 'd-r1' });
  });

  it('applies nothing the second time', () => {
    const db = memory();
    migrate(db, ':memory:');
    expect(migrate(db, ':memory:')).toEqual([]);
  });

  it('applies only the migrations a database lacks', () => {
    const db = memory();
    migrate(db, ':memory:');
    const N = latestVersion() + 1;
    const next: Migration = { version: N, description: 'add a table', up: 'CREATE TABLE extra (x INTEGER)' };
    expect(migrate(db, ':memory:', [...MIGRATIONS, next])).toEqual([N]);
    expect(schemaVersion(db)).toBe(N);
    expect(tables(db)).toContain('extra');
  });

  it('rolls a failing migration back whole, version included', () => {
    const db = memory();
    migrate(db, ':memory:');
    const broken: Migration = {
      version: latestVersion() + 1,
      description: 'half done',
      up: (d) => {
        d.exec('CREATE TABLE extra (x INTEGER)');
        throw new Error('boom');
      },
    };
    const run = () => migrate(db, 'test.db', [...MIGRATIONS, broken]);
    expect(run).toThrow(StoreError);
    expect(run).toThrow(
      `database at test.db: migration to schema version ${latestVersion() + 1} (half done) failed, nothing was changed: boom`,
    );
    expect(schemaVersion(db)).toBe(latestVersion());
    expect(tables(db)).not.toContain('extra');
  });

  it('refuses a database newer than the code, without running anything', () => {
    const db = memory();
    db.pragma('user_version = 7');
    const err = (() => {
      try {
        migrate(db, '/data/rollcast.db');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SchemaTooNewError);
    expect(err).toMatchObject({ name: 'SchemaTooNewError', foundVersion: 7, knownVersion: latestVersion() });
    expect((err as Error).message).toBe(
      'database at /data/rollcast.db was written by a newer rollcast (schema version 7; this build knows up to ' + String(latestVersion()) + '); ' +
        'refusing to open it so nothing is altered',
    );
    expect(tables(db)).toEqual([]);
  });
});

describe('checkMigrations', () => {
  const m = (version: number): Migration => ({ version, description: `v${version}`, up: '' });

  it('accepts the shipped list', () => {
    expect(() => checkMigrations(MIGRATIONS)).not.toThrow();
  });

  it.each([
    { list: [m(2)], problem: 'migration #0 has version 2, must be 1' },
    { list: [m(1), m(3)], problem: 'migration #1 has version 3, must be 2' },
    { list: [m(2), m(1)], problem: 'migration #0 has version 2, must be 1' },
  ])('rejects a gap or a reorder: $problem', ({ list, problem }) => {
    expect(() => checkMigrations(list)).toThrow(problem);
  });
});
