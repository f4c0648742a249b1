// Random, valid OIP inference requests built from a model's signature: for `rollcast load`
// and the serving benchmark. Seeded (the caller passes mulberry32 from spec/random.ts), so a load run can be repeated exactly.
// Dynamic dimensions become `batch` (default 1); values are uniform in [0, 1) for floats
// and small non-negative integers for integer types.

import type { Random } from '../spec/random.js';
import type { ModelSignature, OipDatatype, TensorSignature } from '../worker/signature.js';

function value(datatype: OipDatatype, rand: Random): number | boolean | string {
  switch (datatype) {
    case 'FP16':
    case 'FP32':
    case 'FP64':
      return Math.round(rand() * 1e4) / 1e4;
    case 'BOOL':
      return rand() < 0.5;
    case 'BYTES':
      return Math.floor(rand() * 1e6).toString(36);
    case 'INT8':
    case 'UINT8':
    case 'INT16':
    case 'UINT16':
    case 'INT32':
    case 'UINT32':
    case 'INT64':
    case 'UINT64':
      return Math.floor(rand() * 100);
  }
}

export function randomInput(t: TensorSignature, rand: Random, batch = 1): { name: string; shape: number[]; datatype: OipDatatype; data: (number | boolean | string)[] } {
  const shape = t.shape.map((d) => (d < 0 ? batch : d));
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Array<number | boolean | string>(count);
  for (let i = 0; i < count; i++) data[i] = value(t.datatype, rand);
  return { name: t.name, shape, datatype: t.datatype, data };
}

export function randomRequest(signature: ModelSignature, rand: Random, batch = 1): { inputs: ReturnType<typeof randomInput>[] } {
  return { inputs: signature.inputs.map((t) => randomInput(t, rand, batch)) };
}
