/**
 * How reads scale with data: the p50 of the main reads with a developer owning 10
 * environments and a log of 10 items, then again once they own `environments` (10,000)
 * and the log holds `logItems` (100,000), as a ratio. Data is seeded straight into the
 * table with the stores' own item builders (the API would take hours); reads go through
 * the API like a client's.
 */
import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../functions/data/client.ts';
import { environmentFromItem, environmentToItem } from '../functions/data/items.ts';
import { environmentKeys } from '../functions/data/keys.ts';
import { DynamoLogStore } from '../functions/data/log-store.ts';
import { newId } from '../functions/domain/ids.ts';
import { logEvent } from '../functions/domain/logs.ts';
import type { EnvironmentRecord } from '../functions/domain/model.ts';
import type { BenchApi } from './local-api.ts';
import { percentile, ratio, round } from './stats.ts';

export interface GrowthReport {
  small: { environments: number; logItems: number };
  large: { environments: number; logItems: number };
  /** p50 milliseconds with little and with much data, and their ratio, per read. */
  reads: { read: string; smallP50: number; largeP50: number; ratio: number }[];
  worstRatio: number;
  /**
   * The deep page's own Query sent straight to DynamoDB Local (same index, same start key,
   * same limit): how the store itself grows, which the API's deep page cannot do better than.
   */
  deepPageStore: { smallP50: number; largeP50: number; ratio: number };
}

const SMALL = 10;
/** The deep page's Query, sent straight to the store (the key of its figures). */
const DEEP_STORE = 'deep Query, DynamoDB Local alone';
/** One in this many seeded environments has failed: what the status filter looks for. */
const FAILED_EVERY = 10;

/** Writes items 25 at a time, a few batches at once, retrying what DynamoDB leaves unprocessed. */
async function putAll(items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  const worker = async (): Promise<void> => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const result = await documentClient().send(
          new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }),
        );
        pending = (result.UnprocessedItems?.[tableName()] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** Copies of `template` owned by the same developer, in the same project, each its own. */
function clones(template: EnvironmentRecord, from: number, to: number): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (let i = from; i < to; i++) {
    const at = new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 1000).toISOString();
    const status = i % FAILED_EVERY === 0 ? 'failed' : 'running';
    items.push(
      environmentToItem({
        ...template,
        id: newId('env'),
        name: `growth-${i}`,
        status,
        created_at: at,
        updated_at: at,
        current_operation_id: null,
        expires_at: null,
        next_drift_check_at: null,
      } as EnvironmentRecord),
    );
  }
  return items;
}

async function appendLogs(environmentId: string, from: number, to: number): Promise<void> {
  const store = new DynamoLogStore();
  const chunks: number[][] = [];
  for (let i = from; i < to; i += 1000) chunks.push([i, Math.min(to, i + 1000)]);
  const worker = async (): Promise<void> => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      const [start = 0, end = 0] = chunk;
      const at = (n: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + n).toISOString();
      await store.append(
        Array.from({ length: end - start }, (_, k) =>
          logEvent(environmentId, null, 'network', 'INFO', `growth line ${start + k}`, at(start + k)),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

export async function measureGrowth(
  api: BenchApi,
  sizes: { environments: number; logItems: number; samples: number },
  log: (line: string) => void,
): Promise<GrowthReport> {
  const token = await api.login('Developers');
  const projectId = await api.createProject(token, `bench-growth-${Date.now()}`);
  const created = await api.createEnvironment(token, projectId, {
    name: 'growth',
    type: 'persistent',
    template: 'minimal',
    account_id: '210000000004',
  });
  await api.waitForProvision(created.operationId);
  const item = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: environmentKeys.item(created.id) }),
  );
  if (!item.Item) throw new Error('the growth environment is missing');
  const template = environmentFromItem(item.Item);
  // The environment whose log grows (a clone: it has no log of its own).
  const logged = clones(template, -1, 0)[0] ?? {};
  await putAll([logged]);
  const loggedId = String(logged.id);

  const measure = async (count: number): Promise<Record<string, number>> => {
    // The cursor ~90 % of the way through the developer's environments.
    const depth = Math.floor(count * 0.9);
    const stride = Math.max(1, Math.min(100, depth));
    let cursor: string | null = null;
    let last: { id: string; created_at: string } | undefined;
    for (let seen = 0; seen < depth; ) {
      const page = await api.call(
        'GET',
        `/environments?limit=${stride}${cursor ? `&cursor=${cursor}` : ''}`,
        { token },
      );
      const items = page.body.items as { id: string; created_at: string }[];
      seen += items.length;
      last = items.at(-1) ?? last;
      cursor = page.body.next_cursor as string | null;
      if (!cursor) break;
    }
    // Every read answers as many items with little data as with much: only the data around differs.
    const reads: Record<string, string> = {
      'GET /environments/{env_id}': `/environments/${created.id}`,
      'GET /environments (first page)': `/environments?limit=${SMALL}`,
      'GET /environments (deep page)': `/environments?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      'GET /environments?status=failed': '/environments?status=failed&limit=1',
      'GET /environments/{env_id}/logs': `/environments/${loggedId}/logs?limit=${SMALL}`,
    };
    const p50: Record<string, number> = {};
    for (const [read, path] of Object.entries(reads)) {
      const times: number[] = [];
      for (let i = 0; i < sizes.samples; i++) {
        const started = performance.now();
        const answer = await api.call('GET', path, { token });
        times.push(performance.now() - started);
        if (answer.status !== 200)
          throw new Error(`${read} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
      p50[read] = percentile(times, 50);
    }
    // The same deep Query, straight to the store: an owner's environments, newest first.
    if (last) {
      const key = {
        ...environmentKeys.item(last.id),
        ...environmentKeys.byOwner(template.owner_id, last.created_at, last.id),
      };
      const times: number[] = [];
      for (let i = 0; i < sizes.samples; i++) {
        const started = performance.now();
        await documentClient().send(
          new QueryCommand({
            TableName: tableName(),
            IndexName: 'GSI2',
            KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :env)',
            ExpressionAttributeValues: {
              ':pk': environmentKeys.ownerPartition(template.owner_id),
              ':env': 'ENV#',
            },
            ScanIndexForward: false,
            Limit: 1,
            ExclusiveStartKey: key,
          }),
        );
        times.push(performance.now() - started);
      }
      p50[DEEP_STORE] = percentile(times, 50);
    }
    return p50;
  };

  // Small: the provisioned environment, the log's, and clones up to SMALL; SMALL log lines.
  await putAll(clones(template, 0, SMALL - 2));
  await appendLogs(loggedId, 0, SMALL);
  const small = await measure(SMALL);
  log(
    `growth: measured with ${SMALL} environments; seeding ${sizes.environments} and ${sizes.logItems} log items`,
  );
  await putAll(clones(template, SMALL - 2, sizes.environments - 2));
  await appendLogs(loggedId, SMALL, sizes.logItems);
  const large = await measure(sizes.environments);
  const deepPageStore = {
    smallP50: round(small[DEEP_STORE] ?? 0, 2),
    largeP50: round(large[DEEP_STORE] ?? 0, 2),
    ratio: ratio(large[DEEP_STORE] ?? 0, small[DEEP_STORE] ?? 1),
  };
  const reads = Object.keys(small)
    .filter((read) => read !== DEEP_STORE)
    .map((read) => ({
      read,
      smallP50: round(small[read] ?? 0, 2),
      largeP50: round(large[read] ?? 0, 2),
      ratio: ratio(large[read] ?? 0, small[read] ?? 1),
    }));
  return {
    small: { environments: SMALL, logItems: SMALL },
    large: { environments: sizes.environments, logItems: sizes.logItems },
    reads,
    worstRatio: Math.max(...reads.map((r) => r.ratio)),
    deepPageStore,
  };
}
