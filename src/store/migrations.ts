// Versioned schema migrations. The schema version lives in `PRAGMA user_version` (a field of
// the SQLite file header, so it commits or rolls back with the migration that sets it); each
// migration runs in its own transaction, so a failure leaves the previous version intact.
import type Database from 'better-sqlite3';
import { SchemaTooNewError, StoreError } from './errors.js';

export interface Migration {
  /** 1, 2, 3, … with no gaps: version N is what the database is after this runs. */
  readonly version: number;
  readonly description: string;
  /** SQL (may hold several statements) or a function for changes SQL alone cannot express. */
  readonly up: string | ((db: Database.Database) => void);
}

/**
 * `PRAGMA application_id` for rollcast files: the bytes "roll". It lets us tell a rollcast
 * database from another program's SQLite file that merely happens to have a user_version.
 */
export const APPLICATION_ID = 0x726f6c6c;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'deployments, revisions, events',
    up: `
      PRAGMA application_id = ${APPLICATION_ID};

      -- active_revision points at a revision of this deployment; the revision row can only be
      -- inserted after the deployment row (its own FK), so this check is deferred to COMMIT.
      CREATE TABLE deployments (
        name             TEXT PRIMARY KEY NOT NULL CHECK (length(name) > 0),
        spec             TEXT NOT NULL CHECK (json_valid(spec)),
        desired_replicas INTEGER NOT NULL CHECK (desired_replicas >= 0),
        active_revision  TEXT NOT NULL REFERENCES revisions(id) DEFERRABLE INITIALLY DEFERRED,
        status           TEXT NOT NULL CHECK (status IN ('active', 'deleted')),
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE revisions (
        id           TEXT PRIMARY KEY NOT NULL,
        deployment   TEXT NOT NULL REFERENCES deployments(name),
        number       INTEGER NOT NULL CHECK (number >= 1),
        spec         TEXT NOT NULL CHECK (json_valid(spec)),
        model_digest TEXT NOT NULL
                     CHECK (length(model_digest) = 64 AND model_digest NOT GLOB '*[^0-9a-f]*'),
        model_path   TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        UNIQUE (deployment, number)
      ) STRICT;

      -- A revision is the record of what ran; rollbacks and audits depend on it never
      -- changing. New state means a new revision, never an edit of an old one.
      CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions
      BEGIN SELECT RAISE(ABORT, 'revisions are immutable'); END;
      CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions
      BEGIN SELECT RAISE(ABORT, 'revisions are immutable'); END;

      -- No foreign keys here on purpose: the log must accept events about things that were
      -- never stored (an apply rejected before its deployment existed).
      CREATE TABLE events (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        ts         INTEGER NOT NULL,
        deployment TEXT,
        revision   TEXT,
        type       TEXT NOT NULL CHECK (length(type) > 0),
        message    TEXT NOT NULL,
        data       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data))
      ) STRICT;
      CREATE INDEX events_by_time ON events (ts, id);
      CREATE INDEX events_by_deployment ON events (deployment, id);
    `,
  },
  {
    version: 2,
    description: 'deployments.serving_revision: the revision that has the traffic',
    // active_revision is the newest one applied; until it is ready and promoted the previous
    // one keeps serving, and a restart in between must bring back both, not only the new one.
    up: `
      ALTER TABLE deployments ADD COLUMN serving_revision TEXT REFERENCES revisions(id) DEFERRABLE INITIALLY DEFERRED;
      UPDATE deployments SET serving_revision = active_revision;
    `,
  },
  {
    version: 3,
    description: 'autoscaling: load series, forecasts, decisions, planner state',
    // Keyed by deployment name without foreign keys, like events: history may be imported
    // before the first apply of a name is recorded, and what was decided for a deployment
    // stays readable after it is deleted.
    up: `
      -- One point per minute (ts = the minute's start), in the unit the deployment's
      -- forecast is made in (req/s for rps and cpu, in-flight requests for concurrency).
      CREATE TABLE load_points (
        deployment TEXT NOT NULL,
        ts         INTEGER NOT NULL,
        value      REAL NOT NULL CHECK (value >= 0),
        source     TEXT NOT NULL CHECK (source IN ('live', 'import')),
        PRIMARY KEY (deployment, ts)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE forecasts (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        deployment TEXT NOT NULL,
        made_at    INTEGER NOT NULL,
        body       TEXT NOT NULL CHECK (json_valid(body))
      ) STRICT;
      CREATE INDEX forecasts_by_deployment ON forecasts (deployment, id);

      CREATE TABLE decisions (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        deployment TEXT NOT NULL,
        ts         INTEGER NOT NULL,
        previous   INTEGER NOT NULL CHECK (previous >= 0),
        replicas   INTEGER NOT NULL CHECK (replicas >= 0),
        changed    INTEGER NOT NULL CHECK (changed IN (0, 1)),
        body       TEXT NOT NULL CHECK (json_valid(body))
      ) STRICT;
      CREATE INDEX decisions_by_deployment ON decisions (deployment, id);

      -- The planner's memory between ticks (stabilization window, cooldowns, burst mode):
      -- a control plane restart must not forget that it scaled up a minute ago.
      CREATE TABLE planner_states (
        deployment TEXT PRIMARY KEY NOT NULL,
        state      TEXT NOT NULL CHECK (json_valid(state)),
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    description: 'rollouts: one row per rollout, its state machine state, at most one active per deployment',
    // The state is the pure rollout machine's JSON (rollout/); `version` increases with every
    // transition so two writers (a restarted controller and one still draining) cannot both
    // apply a transition computed from the same old state.
    up: `
      CREATE TABLE rollouts (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        deployment      TEXT NOT NULL,
        canary_revision TEXT NOT NULL,
        stable_revision TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('active', 'finished')),
        version         INTEGER NOT NULL CHECK (version >= 1),
        state           TEXT NOT NULL CHECK (json_valid(state)),
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX rollouts_one_active ON rollouts (deployment) WHERE status = 'active';
      CREATE INDEX rollouts_by_deployment ON rollouts (deployment, id);
    `,
  },
];

/** The highest schema version this build knows. */
export const latestVersion = (migrations: readonly Migration[] = MIGRATIONS): number =>
  migrations.at(-1)?.version ?? 0;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Throws unless versions run 1, 2, 3, … — a gap or a reorder is a bug in this file. */
export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration #${i} has version ${m.version}, must be ${i + 1} (ordered, no gaps)`);
    }
  });
}

/**
 * Brings `db` up to the latest version and returns the versions applied (empty when already
 * current). A database newer than `migrations` is refused before anything is written.
 */
export function migrate(
  db: Database.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  checkMigrations(migrations);
  const known = latestVersion(migrations);
  const found = schemaVersion(db);
  if (found > known) throw new SchemaTooNewError(path, found, known);

  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= found) continue;
    // IMMEDIATE takes the write lock before re-reading the version, so two processes that
    // open the same new file at once cannot both run migration N: the second one waits,
    // then sees N already applied and skips it.
    let ran: boolean;
    try {
      ran = db
        .transaction(() => {
          if (schemaVersion(db) >= m.version) return false;
          if (typeof m.up === 'string') db.exec(m.up);
          else m.up(db);
          db.pragma(`user_version = ${m.version}`);
          return true;
        })
        .immediate();
    } catch (cause) {
      throw migrationFailed(path, m, cause);
    }
    if (ran) applied.push(m.version);
  }
  return applied;
}

/** Names the migration that broke, so the log says which one to look at. */
function migrationFailed(path: string, m: Migration, cause: unknown): StoreError {
  const why = cause instanceof Error ? cause.message : String(cause);
  const what = `migration to schema version ${m.version} (${m.description})`;
  return new StoreError(`database at ${path}: ${what} failed, nothing was changed: ${why}`, path, { cause });
}
