// The third-party forecasting engines the core may use, handed in by the shell.
// @bsull/augurs is pure Rust compiled to WASM; its one-time WASM loading is I/O, so the shell
// does it at start-up (controller/augurs.ts) and passes the ready classes here. Core code
// stays synchronous and I/O-free, and a caller without augurs still gets a forecast from the
// models that need nothing (the forecast's notes say which were skipped).

import type { MSTL } from '@bsull/augurs/mstl';
import type { AutoETS } from '@bsull/augurs/ets';

/** The augurs classes, initialised. Both optional: a model whose engine is absent is skipped. */
export interface ForecastEngines {
  /** MSTL decomposition with an AutoETS trend model (`MSTL.ets(periods)`). */
  readonly mstl?: Pick<typeof MSTL, 'ets'>;
  /** Automatic ETS model selection (`new AutoETS(seasonLength, spec)`). */
  readonly autoEts?: new (seasonLength: number, spec: string) => Pick<AutoETS, 'fit' | 'predict' | 'free'>;
}
