import { describe, expect, it } from 'vitest';
import { renderNginxConfig } from './nginx-config.js';

describe('renderNginxConfig', () => {
  const conf = renderNginxConfig({ prefix: '/tmp/bench-x/', listenPort: 18080, upstreamPorts: [40001, 40002], workerProcesses: 1, keepalive: 64 });

  it('is a keep-alive reverse proxy over every worker port', () => {
    expect(conf).toMatch(/upstream workers \{\n {4}server 127\.0\.0\.1:40001;\n {4}server 127\.0\.0\.1:40002;\n {4}keepalive 64;/);
    expect(conf).toContain('proxy_pass http://workers;');
    expect(conf).toContain('proxy_http_version 1.1;');
    expect(conf).toContain('proxy_set_header Connection "";');
  });

  it('binds 127.0.0.1 only and stays in the foreground as our child', () => {
    expect(conf).toContain('listen 127.0.0.1:18080;');
    expect(conf.match(/listen /g)).toHaveLength(1);
    expect(conf).toContain('daemon off;');
    expect(conf).toContain('worker_processes 1;');
  });

  it('writes nothing outside the prefix dir', () => {
    const paths = [...conf.matchAll(/(?:pid|error_log|_temp_path) (\S+?)[; ]/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThanOrEqual(7);
    for (const p of paths) expect(p?.startsWith('/tmp/bench-x/')).toBe(true);
    expect(conf).toContain('access_log off;');
  });

  it('refuses an empty upstream', () => {
    expect(() => renderNginxConfig({ prefix: '/tmp/x', listenPort: 1, upstreamPorts: [], workerProcesses: 'auto', keepalive: 1 })).toThrow(/at least one upstream/);
  });
});
