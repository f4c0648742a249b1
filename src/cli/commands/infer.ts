// `rollcast infer NAME --data …`: one request through the gateway. `--data` takes a full
// OIP request, or just nested values for a model with one input (the shape is read off the
// nesting and the datatype off the model's signature).

import { readFile } from 'node:fs/promises';
import type { ModelSignature } from '../../worker/signature.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';

interface OipResponse {
  model_name: string;
  model_version?: string;
  outputs: { name: string; shape: number[]; datatype: string; data: unknown[] }[];
}

export function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

export function buildRequest(data: unknown, signature: ModelSignature): unknown {
  if (data !== null && typeof data === 'object' && !Array.isArray(data) && 'inputs' in data) return data;
  if (!Array.isArray(data)) throw new CliError('--data must be an OIP request ({"inputs": [...]}) or an array of values', 2);
  const [only, ...more] = signature.inputs;
  if (!only || more.length > 0) {
    throw new CliError(`the model takes ${signature.inputs.length} inputs (${signature.inputs.map((i) => i.name).join(', ')}); pass a full OIP request with --data '{"inputs": [...]}'`, 2);
  }
  let shape = shapeOf(data);
  // A flat list for a [batch, n] model means one row.
  if (shape.length === 1 && only.shape.length === 2) shape = [1, shape[0] ?? 0];
  return { inputs: [{ name: only.name, shape, datatype: only.datatype, data: data.flat(Infinity) as unknown[] }] };
}

export async function infer(api: ApiClient, name: string, o: { data: string; modelVersion?: string; json?: boolean }): Promise<void> {
  let text = o.data;
  if (text.startsWith('@')) {
    try {
      text = await readFile(text.slice(1), 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${text.slice(1)}: ${(err as Error).message}`, 2);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CliError(`--data is not valid JSON: ${(err as Error).message}`, 2);
  }
  const { base, signature } = await api.servedModel(name, o.modelVersion);
  const response = await api.post<OipResponse>(`${base}/infer`, buildRequest(data, signature));
  if (o.json) return void process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
  process.stdout.write(`model ${response.model_name} version ${response.model_version ?? '?'}\n`);
  for (const out of response.outputs) {
    process.stdout.write(`  ${out.name} ${out.datatype} [${out.shape.join(',')}]: ${JSON.stringify(out.data)}\n`);
  }
}
