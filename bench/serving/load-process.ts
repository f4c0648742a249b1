// The load generator: autocannon (its programmatic API) in a process of its own, so its CPU
// is accounted apart from the gateway's and the workers'. It stays up for the whole
// benchmark (its code stays JIT-warm between runs) and runs one bounded autocannon run per
// `run` message from the runner, answering with the run's summary.
//
// Latencies are the exact response times autocannon measures per request (hrtime, in ms),
// recorded here, because autocannon's histogram rounds them to whole milliseconds.
// Saturation runs are closed-loop (every connection sends its next request as soon as the
// previous answer is in); paced runs use PacedSchedule (see pacing.ts for why not
// autocannon's overallRate).

import autocannon from 'autocannon';
import type { LoadReply, LoadRequest, LoadSpec } from './messages.js';
import { PacedSchedule } from './pacing.js';
import { LatencySamples, summarizeRun, type AutocannonResultLike, type RunSummary } from './stats.js';

/** The part of autocannon's Client this process touches (an internal method, autocannon pinned at 8.0.0). */
interface PacedClient {
  destroyed: boolean;
  _doRequest: (...args: unknown[]) => void;
}

async function run(spec: LoadSpec): Promise<{ summary: RunSummary; late: number }> {
  const samples = new LatencySamples();
  let late = 0;
  let index = 0;
  const started = performance.now() + 50; // first slot shortly after the clients connect
  const pace = spec.paceRps;
  const setupClient =
    pace === undefined
      ? undefined
      : (client: unknown) => {
          const c = client as PacedClient;
          if (typeof c._doRequest !== 'function') throw new Error('autocannon internals changed: Client._doRequest is missing (pacing needs it)');
          const schedule = new PacedSchedule(started, pace, spec.connections, index++);
          const send = c._doRequest;
          c._doRequest = function paced(this: PacedClient, ...args: unknown[]) {
            if (this.destroyed) return;
            const slot = schedule.claim(performance.now());
            if (slot.late) late++;
            if (slot.waitMs < 0.05) return send.apply(this, args);
            setTimeout(() => {
              if (!this.destroyed) send.apply(this, args);
            }, slot.waitMs);
          };
        };
  const options = {
    url: spec.urls.length === 1 ? spec.urls[0] : spec.urls,
    connections: spec.connections,
    duration: spec.durationS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: spec.body,
    pipelining: 1,
    timeout: 10,
    ...(setupClient && { setupClient }),
  } as unknown as autocannon.Options;
  const result = await new Promise<AutocannonResultLike>((resolve, reject) => {
    const instance = autocannon(options, (err: unknown, res: unknown) => {
      if (err) reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
      else resolve(res as AutocannonResultLike);
    });
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) samples.add(responseTime);
    });
  });
  return { summary: summarizeRun(result, samples), late };
}

process.on('message', (raw: LoadRequest) => {
  if (raw?.type !== 'run') return;
  run(raw.spec).then(
    ({ summary, late }) => process.send?.({ type: 'result', id: raw.id, summary, late } satisfies LoadReply),
    (e: unknown) => process.send?.({ type: 'error', id: raw.id, message: e instanceof Error ? e.message : String(e) } satisfies LoadReply),
  );
});
process.once('disconnect', () => process.exit(0));
process.send?.({ type: 'hello' } satisfies LoadReply);
