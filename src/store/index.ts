// The store's public surface: open a store, the values it returns, the errors it throws.
// Other modules import from here, never from the files behind it.
export { openStore, Store } from './store.js';
export { StoreError, SchemaTooNewError, NotFoundError, StaleRolloutError, type EntityKind } from './errors.js';
export { DEFAULT_EVENT_LIMIT, MAX_EVENT_LIMIT } from './events.js';
export { LOAD_STEP_MS } from './autoscaling.js';
export { MIGRATIONS, latestVersion, type Migration } from './migrations.js';
export type {
  ApplyInput,
  ApplyResult,
  ChangeResult,
  Deployment,
  DeploymentStatus,
  EventData,
  EventQuery,
  EventType,
  Failpoint,
  HistoryImportInput,
  LoadPoint,
  LoadSource,
  NewDecision,
  NewEvent,
  NewRollout,
  RolloutStatus,
  RolloutTransition,
  StoredRollout,
  StoredDecision,
  StoredForecast,
  Revision,
  SpecJson,
  StoreEvent,
  StoreOptions,
} from './types.js';
