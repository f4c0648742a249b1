// Fake worker replicas for gateway tests: tiny node:http servers on 127.0.0.1 that stand in
// for a worker process, so a test decides what happens to every request the gateway
// forwards — answer it at once, hold it until the test releases it, answer with a chosen
// status, or drop the connection without answering (what a crashed worker looks like to
// the gateway). Each replica counts what it received and how many requests it held at once.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake replica received it (body fully read). */
export interface Arrival {
  readonly replica: FakeReplica;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Answer with `status` and a JSON body (default: a small OIP response naming the replica). */
  respond(status?: number, body?: unknown): void;
  /** Drop the connection without answering. */
  destroy(): void;
  /** Resolves when the exchange is over: answered, destroyed, or abandoned by the gateway. */
  readonly closed: Promise<void>;
}

/** `answer`: reply 200 at once. `hold`: keep each request until the test acts on its Arrival. */
export type Mode = 'answer' | 'hold';

type Taker = (arrival: Arrival) => boolean;

export class FakeReplica {
  mode: Mode;
  /** Every request received, in order. */
  readonly arrivals: Arrival[] = [];
  /** Requests open right now (received, not yet answered or dropped). */
  active = 0;
  /** The most requests ever open at once. */
  peak = 0;
  /** Held arrivals nobody has taken with `nextArrival` yet. */
  readonly #unclaimed: Arrival[] = [];
  readonly #takers = new Set<Taker>();
  readonly #server: Server;
  #port = 0;

  private constructor(
    readonly replicaId: string,
    mode: Mode,
  ) {
    this.mode = mode;
    // A long keep-alive: the gateway's pool must never race an idle-timeout close, which
    // would look like a dead worker and trigger a retry the test did not ask for.
    this.#server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
      this.active++;
      this.peak = Math.max(this.peak, this.active);
      const closed = new Promise<void>((resolve) =>
        res.once('close', () => {
          this.active--;
          resolve();
        }),
      );
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const arrival: Arrival = {
          replica: this,
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
          respond: (status = 200, body = { model_name: 'fake', model_version: '1', outputs: [], replica: replicaId }) => {
            const text = JSON.stringify(body);
            res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
            res.end(text);
          },
          destroy: () => req.socket.destroy(),
          closed,
        };
        this.arrivals.push(arrival);
        if (this.mode === 'answer') return arrival.respond();
        for (const take of this.#takers) if (take(arrival)) return;
        this.#unclaimed.push(arrival);
      });
    });
  }

  static async start(replicaId: string, mode: Mode = 'hold'): Promise<FakeReplica> {
    const replica = new FakeReplica(replicaId, mode);
    await new Promise<void>((resolve) => replica.#server.listen(0, '127.0.0.1', resolve));
    replica.#port = (replica.#server.address() as AddressInfo).port;
    return replica;
  }

  /** What the gateway's `replicaReady` takes. */
  get endpoint(): { replicaId: string; host: string; port: number } {
    return { replicaId: this.replicaId, host: '127.0.0.1', port: this.#port };
  }

  /** How many requests this replica has received. */
  get received(): number {
    return this.arrivals.length;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * A held request on any of `replicas`: one already waiting (first replica listed first),
   * else the next to arrive. Exactly one arrival is taken, so racing two replicas does not
   * swallow a later request on the slower one.
   */
  static nextArrival(...replicas: FakeReplica[]): Promise<Arrival> {
    for (const r of replicas) {
      const waiting = r.#unclaimed.shift();
      if (waiting) return Promise.resolve(waiting);
    }
    return new Promise((resolve) => {
      const take: Taker = (arrival) => {
        for (const r of replicas) r.#takers.delete(take);
        resolve(arrival);
        return true;
      };
      for (const r of replicas) r.#takers.add(take);
    });
  }
}

/** Shorthand for `FakeReplica.nextArrival`. */
export const nextArrival = (...replicas: FakeReplica[]): Promise<Arrival> => FakeReplica.nextArrival(...replicas);
