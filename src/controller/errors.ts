// Errors of the control plane's operations. Each has a stable `name` and carries its data;
// the admin API maps them to HTTP status codes in one place (api/errors.ts).

import type { SpecIssue } from '../spec/index.js';

export class InvalidSpecError extends Error {
  override readonly name = 'InvalidSpecError';
  constructor(
    readonly issues: SpecIssue[],
    message: string,
  ) {
    super(message);
  }
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}
