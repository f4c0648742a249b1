// `rollcast events`: the event log, newest last.

import type { StoreEvent } from '../../store/index.js';
import type { ApiClient } from '../client.js';
import { formatTable, formatTime } from '../table.js';

export async function events(api: ApiClient, o: { deployment?: string; limit: number; json?: boolean }): Promise<void> {
  const q = new URLSearchParams({ limit: String(o.limit) });
  if (o.deployment) q.set('deployment', o.deployment);
  const { events: list } = await api.get<{ events: StoreEvent[] }>(`/api/v1/events?${q.toString()}`);
  if (o.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  if (list.length === 0) return void process.stdout.write('no events\n');
  process.stdout.write(
    `${formatTable(
      ['TIME', 'DEPLOYMENT', 'TYPE', 'MESSAGE'],
      list.map((e) => [formatTime(e.ts), e.deployment ?? '-', e.type, e.message]),
    )}\n`,
  );
}
