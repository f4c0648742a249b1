// The gateway ↔ worker inference channel: length-prefixed frames over one TCP connection,
// many requests in flight at once, matched by id.
//
// Why not HTTP between the two: both ends are ours, and at saturation an HTTP request costs
// the worker a parse of request line and headers and the gateway a parse of the response —
// CPU taken from the model on a small machine (BENCHMARKS.md). A frame is an 8- or 10-byte
// header and the unchanged JSON body, and frames written in the same event-loop turn leave
// in one write. Direct clients and other proxies keep using the worker's HTTP endpoint.
//
//   request:  u32 payload length | u32 id | payload (the OIP inference request JSON)
//   response: u32 payload length | u32 id | u16 HTTP status | payload (response or {"error"})
//
// All integers little-endian. A payload above MAX_FRAME_BYTES means the peer is not ours or
// is broken: the connection is closed.

export const REQUEST_HEADER_BYTES = 8;
export const RESPONSE_HEADER_BYTES = 10;
/** Larger than any body the gateway accepts (spec.serving.maxBodyBytes ≤ 64 MiB). */
export const MAX_FRAME_BYTES = 80 * 1024 * 1024;

export function encodeRequestHeader(id: number, payloadLength: number): Buffer {
  const header = Buffer.allocUnsafe(REQUEST_HEADER_BYTES);
  header.writeUInt32LE(payloadLength, 0);
  header.writeUInt32LE(id, 4);
  return header;
}

export function encodeResponse(id: number, status: number, payload: string): Buffer {
  const length = Buffer.byteLength(payload);
  const frame = Buffer.allocUnsafe(RESPONSE_HEADER_BYTES + length);
  frame.writeUInt32LE(length, 0);
  frame.writeUInt32LE(id, 4);
  frame.writeUInt16LE(status, 8);
  frame.write(payload, RESPONSE_HEADER_BYTES, 'utf8');
  return frame;
}

export interface RequestFrame {
  id: number;
  payload: Buffer;
}

export interface ResponseFrame {
  id: number;
  status: number;
  payload: Buffer;
}

/**
 * Splits a byte stream into frames. Feed it every chunk as it arrives; it returns the
 * frames completed by that chunk (a chunk may hold several, or part of one) and keeps the
 * remainder. `undefined` means the stream is not this protocol: close the connection.
 */
export class FrameReader<F> {
  // Chunks not yet consumed, and their total length. A frame is joined from chunks once,
  // when it is complete: appending every chunk to one growing buffer would copy a large
  // body over and over (quadratic in its size).
  #chunks: Buffer[] = [];
  #length = 0;

  constructor(
    private readonly headerBytes: number,
    private readonly decode: (header: Buffer, payload: Buffer) => F,
  ) {}

  push(chunk: Buffer): F[] | undefined {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    const frames: F[] = [];
    while (this.#length >= this.headerBytes) {
      const length = this.#peek(this.headerBytes).readUInt32LE(0);
      if (length > MAX_FRAME_BYTES) return undefined;
      const end = this.headerBytes + length;
      if (this.#length < end) break;
      const data = this.#take(end);
      frames.push(this.decode(data.subarray(0, this.headerBytes), data.subarray(this.headerBytes)));
    }
    return frames;
  }

  /** The first `n` bytes (n ≤ #length), without consuming them. */
  #peek(n: number): Buffer {
    const first = this.#chunks[0] as Buffer;
    if (first.length >= n) return first;
    const joined = Buffer.concat(this.#chunks, this.#length);
    this.#chunks = [joined];
    return joined;
  }

  /** Consumes and returns the first `n` bytes (n ≤ #length). */
  #take(n: number): Buffer {
    const first = this.#chunks[0] as Buffer;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      const parts: Buffer[] = [];
      let need = n;
      while (need > 0) {
        const c = this.#chunks[0] as Buffer;
        if (c.length <= need) {
          parts.push(c);
          this.#chunks.shift();
          need -= c.length;
        } else {
          parts.push(c.subarray(0, need));
          this.#chunks[0] = c.subarray(need);
          need = 0;
        }
      }
      out = Buffer.concat(parts, n);
    }
    this.#length -= n;
    return out;
  }
}

export const requestReader = (): FrameReader<RequestFrame> =>
  new FrameReader(REQUEST_HEADER_BYTES, (header, payload) => ({ id: header.readUInt32LE(4), payload }));

export const responseReader = (): FrameReader<ResponseFrame> =>
  new FrameReader(RESPONSE_HEADER_BYTES, (header, payload) => ({ id: header.readUInt32LE(4), status: header.readUInt16LE(8), payload }));
