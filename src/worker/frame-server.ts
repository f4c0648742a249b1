// The worker's end of the gateway's frame channel (frame-protocol.ts): accepts connections
// on its own port, runs each request frame through the same inference path as the HTTP
// endpoint (WorkerServer.infer), and answers with a response frame. Responses finished in
// one event-loop turn are written together (cork, uncork on the next tick), so under load a
// single write carries several answers.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { encodeResponse, requestReader, type RequestFrame } from './frame-protocol.js';
import type { WorkerServer } from './server.js';

export class FrameServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(private readonly worker: WorkerServer) {
    this.#server = createServer((socket) => this.#onConnection(socket));
  }

  listen(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, host, () => {
        this.#server.off('error', reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  /** No new connections; frames on open ones are still answered (503 while draining). */
  stopAccepting(): void {
    this.#server.close();
  }

  /** After the worker drained: close what is left. */
  closeAll(): void {
    for (const socket of this.#sockets) socket.end();
  }

  #onConnection(socket: Socket): void {
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    const reader = requestReader();
    socket.on('data', (chunk: Buffer) => {
      const frames = reader.push(chunk);
      if (!frames) return void socket.destroy();
      for (const frame of frames) void this.#answer(socket, frame);
    });
    // 'close' always follows an error; nothing else to do with it.
    socket.on('error', () => undefined);
    socket.on('close', () => this.#sockets.delete(socket));
  }

  async #answer(socket: Socket, frame: RequestFrame): Promise<void> {
    let answer;
    try {
      answer = await this.worker.infer(frame.payload);
    } catch (e) {
      // Never let one request take the process down (the HTTP path answers 500 too).
      answer = { status: 500, json: JSON.stringify({ error: `internal error: ${e instanceof Error ? e.message : String(e)}` }) };
    }
    if (socket.destroyed) return;
    if (!socket.writableCorked) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    socket.write(encodeResponse(frame.id, answer.status, answer.json));
  }
}
