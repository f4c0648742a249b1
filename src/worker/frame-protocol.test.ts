import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRequestHeader, encodeResponse, MAX_FRAME_BYTES, requestReader, responseReader } from './frame-protocol.js';

const requestFrame = (id: number, payload: string) => Buffer.concat([encodeRequestHeader(id, Buffer.byteLength(payload)), Buffer.from(payload)]);

describe('frame protocol', () => {
  it('reads several frames from one chunk and one frame from several chunks', () => {
    const reader = requestReader();
    const both = Buffer.concat([requestFrame(1, '{"a":1}'), requestFrame(2, '')]);
    expect(reader.push(both)?.map((f) => [f.id, f.payload.toString()])).toEqual([
      [1, '{"a":1}'],
      [2, ''],
    ]);
    const split = requestFrame(7, '{"inputs":[]}');
    expect(reader.push(split.subarray(0, 3))).toEqual([]);
    expect(reader.push(split.subarray(3, 12))).toEqual([]);
    expect(reader.push(split.subarray(12))?.map((f) => [f.id, f.payload.toString()])).toEqual([[7, '{"inputs":[]}']]);
  });

  it('round-trips a response frame with its status and UTF-8 payload', () => {
    const frames = responseReader().push(encodeResponse(4_000_000_000, 400, '{"error":"input \\"ß\\" …"}'));
    expect(frames?.map((f) => [f.id, f.status, f.payload.toString()])).toEqual([[4_000_000_000, 400, '{"error":"input \\"ß\\" …"}']]);
  });

  it('refuses a length above MAX_FRAME_BYTES (not our peer): undefined, so the caller closes', () => {
    expect(requestReader().push(encodeRequestHeader(1, MAX_FRAME_BYTES + 1))).toBeUndefined();
  });

  it('property: any split of a frame stream into chunks yields the same frames in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.nat(), payload: fc.string({ maxLength: 40 }) }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const stream = Buffer.concat(frames.map((f) => requestFrame(f.id >>> 0, f.payload)));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const reader = requestReader();
          const out: { id: number; payload: string }[] = [];
          let start = 0;
          for (const end of [...points, stream.length]) {
            for (const f of reader.push(stream.subarray(start, end)) ?? []) out.push({ id: f.id, payload: f.payload.toString() });
            start = end;
          }
          expect(out).toEqual(frames.map((f) => ({ id: f.id >>> 0, payload: f.payload })));
        },
      ),
    );
  });
});
