// Branded unit types shared by the core and the shell. A brand costs nothing at run time
// and stops a count of replicas being passed where milliseconds are expected.

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A duration or an instant, in milliseconds (instants are Unix epoch milliseconds). */
export type Millis = Brand<number, 'Millis'>;
/** Requests per second. */
export type Rps = Brand<number, 'Rps'>;
/** A whole number of model replicas. */
export type Replicas = Brand<number, 'Replicas'>;
/** The id of an immutable revision of a deployment, e.g. `penguins-r3`. */
export type RevisionId = Brand<string, 'RevisionId'>;

export const millis = (n: number): Millis => n as Millis;
export const rps = (n: number): Rps => n as Rps;
export const replicas = (n: number): Replicas => n as Replicas;
export const revisionId = (s: string): RevisionId => s as RevisionId;

/** Exhaustiveness guard for discriminated unions (a `switch` that must handle every kind). */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
