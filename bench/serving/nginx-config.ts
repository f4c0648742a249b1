// The nginx configuration of the serving benchmark's peer: a plain keep-alive reverse proxy
// over the same worker processes the gateway uses. Pure (a string from values) so its shape
// is tested; bench/serving/nginx.ts writes it to a temp dir and runs nginx with it.
//
// What makes it a fair, strong baseline:
// - `upstream` with `keepalive`: connections to the workers are reused (without it nginx
//   opens a TCP connection per request and loses by a wide margin, which proves nothing);
//   keep-alive upstream needs `proxy_http_version 1.1` and an empty `Connection` header.
// - `access_log off`: the gateway's per-request bookkeeping is Prometheus counters and a
//   histogram, not a log line; nginx without logging is the cheaper, harder peer.
// - Round-robin (nginx's default) over the workers; the gateway balances by least
//   outstanding requests, which with equal workers and a steady load comes to the same.
// - Every path (pid, logs, temp files) is inside the prefix dir, so it runs as a child
//   process next to a system nginx, if there is one, without touching it.

export interface NginxConfigOptions {
  /** Absolute path of the prefix dir (nginx -p); pid, logs and temp paths go there. */
  prefix: string;
  listenPort: number;
  upstreamPorts: readonly number[];
  /** nginx worker processes: a number or 'auto' (one per core). */
  workerProcesses: number | 'auto';
  /** Idle upstream connections each nginx worker keeps per upstream group. */
  keepalive: number;
}

export function renderNginxConfig(o: NginxConfigOptions): string {
  if (o.upstreamPorts.length === 0) throw new Error('nginx config needs at least one upstream port');
  const at = (name: string) => `${o.prefix.replace(/\/+$/, '')}/${name}`;
  const servers = o.upstreamPorts.map((p) => `    server 127.0.0.1:${p};`).join('\n');
  return `# rollcast bench/serving: plain keep-alive reverse proxy (generated; see bench/serving/nginx-config.ts)
daemon off;
master_process on;
worker_processes ${o.workerProcesses};
pid ${at('nginx.pid')};
error_log ${at('error.log')} warn;

events {
  worker_connections 4096;
}

http {
  access_log off;
  client_body_temp_path ${at('client_body')};
  proxy_temp_path ${at('proxy')};
  fastcgi_temp_path ${at('fastcgi')};
  uwsgi_temp_path ${at('uwsgi')};
  scgi_temp_path ${at('scgi')};
  # Request bodies stay in memory (no temp file) up to this size.
  client_body_buffer_size 1m;
  client_max_body_size 4m;
  keepalive_timeout 65s;
  keepalive_requests 1000000;

  upstream workers {
${servers}
    keepalive ${o.keepalive};
    keepalive_requests 1000000;
    keepalive_timeout 60s;
  }

  server {
    listen 127.0.0.1:${o.listenPort};
    location / {
      proxy_pass http://workers;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}
