// The public API of the spec module: parse and validate ModelDeployment specs, the
// normalized types, and duration helpers. Other modules import from here, not from the
// files behind it.

export { parseDeploymentSpec, validateDeploymentObject } from './parse.js';
export { formatSpecIssue, formatSpecIssues } from './issues.js';
export { metricName } from './analysis-schema.js';
export { DEFAULTS, defaultAnalysis, defaultSteps, expandLinear } from './defaults.js';
export {
  checkDuration,
  formatDuration,
  parseDuration,
  DAY,
  HOUR,
  MILLISECOND,
  MINUTE,
  SECOND,
  WEEK,
  type DurationResult,
} from './duration.js';
export { API_VERSION, KIND } from './types.js';
export type * from './types.js';
export * from './units.js';
