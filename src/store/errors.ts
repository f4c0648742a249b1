// Errors the store throws. Each has a stable `name` and carries the data a caller needs to
// act on it, so callers branch on the class (or `name`) rather than on message text.

/** The database could not be opened or used: wrong file, unknown directory, foreign schema. */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
  constructor(
    message: string,
    /** The database path involved (`:memory:` for in-memory databases). */
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The file was written by a newer rollcast whose schema this build does not know. Opening it
 * anyway could misread or damage data, so the store refuses before changing anything.
 */
export class SchemaTooNewError extends StoreError {
  override readonly name = 'SchemaTooNewError';
  constructor(
    path: string,
    readonly foundVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `database at ${path} was written by a newer rollcast (schema version ${foundVersion}; ` +
        `this build knows up to ${knownVersion}); refusing to open it so nothing is altered`,
      path,
    );
  }
}

export type EntityKind = 'deployment' | 'revision' | 'rollout';

/** A deployment or revision that does not exist (or, for changes, a deleted deployment). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly kind: EntityKind,
    /** What was looked up: the deployment name or the revision id. */
    readonly key: string,
    detail?: string,
  ) {
    super(`${kind} '${key}' not found${detail === undefined ? '' : ` (${detail})`}`);
  }
}

/**
 * A rollout transition computed from a state that is no longer the stored one (another
 * writer got there first): nothing was written; re-read and compute again.
 */
export class StaleRolloutError extends Error {
  override readonly name = 'StaleRolloutError';
  constructor(
    readonly id: number,
    readonly expectedVersion: number,
    readonly storedVersion: number,
  ) {
    super(`rollout ${id} is at version ${storedVersion}, not ${expectedVersion}: it changed since this transition was computed`);
  }
}
