// Errors of the rollout core. Expected outcomes (waiting, holding, rolling back) are values
// in the advance result; these are for inputs that can only come from a bug in the caller.

/** A stored rollout state this build cannot read. */
export class RolloutStateError extends Error {
  override readonly name = 'RolloutStateError';
  constructor(
    message: string,
    readonly version: unknown,
  ) {
    super(message);
  }
}

/** An observation that is not a count: NaN, negative or infinite replicas. */
export class RolloutInputError extends Error {
  override readonly name = 'RolloutInputError';
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field} = ${String(value)}, must be a finite number ≥ 0`);
  }
}
