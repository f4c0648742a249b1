// A small client for the control plane's HTTP API, shared by the CLI commands. It turns
// connection failures and `{"error": ...}` answers into CliErrors with clear messages.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { TOKEN_FILE } from '../api/admin-token.js';
import type { DeploymentView } from '../controller/control-plane.js';
import type { ModelSignature } from '../worker/signature.js';
import { CliError } from './errors.js';

export interface ClientOptions {
  url: string;
  token?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Token from ROLLCAST_ADMIN_TOKEN, else from the data dir's token file when readable. */
export function findToken(env: NodeJS.ProcessEnv, dataDir: string): string | undefined {
  if (env.ROLLCAST_ADMIN_TOKEN) return env.ROLLCAST_ADMIN_TOKEN;
  try {
    return readFileSync(join(dataDir, TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The gateway path of a deployment's model (optionally one version) and its signature. */
export interface ServedModel {
  /** `/v2/models/{name}` or `/v2/models/{name}/versions/{v}`. */
  base: string;
  signature: ModelSignature;
}

export class ApiClient {
  constructor(private readonly opts: ClientOptions) {}

  get url(): string {
    return this.opts.url;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }

  /** Deployment name → the model the gateway serves for it, with the model's signature. */
  async servedModel(deployment: string, version?: string): Promise<ServedModel> {
    const view = await this.get<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(deployment)}`);
    const model = `/v2/models/${encodeURIComponent(view.spec.spec.model.name)}`;
    const base = version !== undefined ? `${model}/versions/${encodeURIComponent(version)}` : model;
    return { base, signature: await this.get<ModelSignature>(base) };
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    let res;
    try {
      res = await request(new URL(path, this.opts.url), {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        headersTimeout: 120_000,
        bodyTimeout: 120_000,
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message;
      throw new CliError(`cannot reach the rollcast control plane at ${this.opts.url} (${code}); is \`rollcast up\` running? (set --url or ROLLCAST_URL)`);
    }
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.statusCode >= 400) {
      const message = (json as { error?: string } | undefined)?.error ?? (text || `HTTP ${res.statusCode}`);
      const hint = res.statusCode === 401 && !this.opts.token ? ' (no token: set ROLLCAST_ADMIN_TOKEN or pass --data-dir of the running control plane)' : '';
      throw new CliError(`${method} ${path} failed with ${res.statusCode}: ${message}${hint}`);
    }
    return json as T;
  }
}
