import { describe, expect, it } from 'vitest';
import { isParentMessage, isWorkerMessage, parseParentMessage, parseWorkerConfig, parseWorkerMessage, WorkerConfigError, type WorkerConfig } from './protocol.js';

const config: WorkerConfig = {
  replicaId: 'penguins-r1-1',
  revisionId: 'penguins-r1',
  modelName: 'penguins',
  modelVersion: '1',
  modelPath: '/models/penguins-v1.onnx',
  host: '127.0.0.1',
  port: 0,
  intraOpThreads: 1,
  maxConcurrency: 4,
  maxBodyBytes: 1048576,
  allowNonFinite: false,
};
const signature = { inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }], outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }] };

describe('parseWorkerConfig', () => {
  it('returns a valid config as is', () => {
    expect(parseWorkerConfig(JSON.stringify(config))).toEqual(config);
  });

  it('says when the variable is not set or not JSON', () => {
    expect(() => parseWorkerConfig(undefined)).toThrow('invalid ROLLCAST_WORKER_CONFIG: ROLLCAST_WORKER_CONFIG is not set (the supervisor passes the config in it)');
    expect(() => parseWorkerConfig('{port:1}')).toThrow(/^invalid ROLLCAST_WORKER_CONFIG: not valid JSON \(/);
    expect(() => parseWorkerConfig('[1]')).toThrow('invalid ROLLCAST_WORKER_CONFIG: must be a JSON object');
  });

  it('lists every bad or missing field at once', () => {
    const { modelPath: _omitted, ...rest } = config;
    const bad = { ...rest, port: 70000, maxConcurrency: 0, allowNonFinite: 'no', host: '' };
    let error: unknown;
    try {
      parseWorkerConfig(JSON.stringify(bad));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkerConfigError);
    expect((error as WorkerConfigError).name).toBe('WorkerConfigError');
    expect((error as WorkerConfigError).problems).toEqual([
      'modelPath is missing, must be a non-empty string',
      'host = "", must be a non-empty string',
      'port = 70000, must be an integer in [0, 65535]',
      'maxConcurrency = 0, must be an integer ≥ 1',
      'allowNonFinite = "no", must be true or false',
    ]);
  });
});

describe('message guards', () => {
  it('accept the worker messages of the contract', () => {
    const ready = { type: 'ready', replicaId: 'r', port: 4321, signature, warmUpMs: 3.5, pid: 99 };
    expect(parseWorkerMessage(ready)).toBe(ready);
    expect(isWorkerMessage({ type: 'failed', replicaId: 'r', error: 'boom' })).toBe(true);
    expect(isWorkerMessage({ type: 'drained', replicaId: 'r' })).toBe(true);
  });

  it.each([
    ['unknown type', { type: 'hello', replicaId: 'r' }],
    ['no replicaId', { type: 'drained' }],
    ['ready on port 0', { type: 'ready', replicaId: 'r', port: 0, signature, warmUpMs: 1, pid: 9 }],
    ['ready with a bad signature', { type: 'ready', replicaId: 'r', port: 1, signature: { inputs: [{ name: 'x', datatype: 'float32', shape: [1] }], outputs: [] }, warmUpMs: 1, pid: 9 }],
    ['ready without warmUpMs', { type: 'ready', replicaId: 'r', port: 1, signature, pid: 9 }],
    ['failed without error', { type: 'failed', replicaId: 'r' }],
    ['not an object', 'ready'],
  ])('refuse %s', (_label, raw) => {
    expect(parseWorkerMessage(raw)).toBeUndefined();
  });

  it('parent messages: only drain', () => {
    expect(parseParentMessage({ type: 'drain' })).toEqual({ type: 'drain' });
    expect(isParentMessage({ type: 'stop' })).toBe(false);
    expect(isParentMessage(null)).toBe(false);
  });
});
