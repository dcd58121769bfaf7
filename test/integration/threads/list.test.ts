import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sseReply, startFakeModelServer, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

/** A one-turn rollout of the reference (source `vscode`), planted under other ids and sources. */
const REFERENCE_ROLLOUT = fileURLToPath(
  new URL(
    '../../fixtures/rollouts/reference-0.169.0/rollout-2026-11-22T08-51-51-01a20274-62eb-75f3-94ae-b97eb1ada864.jsonl',
    import.meta.url,
  ),
);
const REFERENCE_ID = '01a20274-62eb-75f3-94ae-b97eb1ada864';
const PLANTED_CLI = '01a20274-62eb-75f3-94ae-b97eb1ada001';
const PLANTED_EXEC = '01a20274-62eb-75f3-94ae-b97eb1ada002';

interface ListedThread {
  id: string;
  preview: string;
  modelProvider: string;
  source: unknown;
  forkedFromId: string | null;
  turns: unknown[];
}
interface ListPage {
  data: ListedThread[];
  nextCursor: string | null;
  backwardsCursor: string | null;
}

/** Plants the rollout as a thread created on 2020-01-02, older than anything a test creates. */
async function plant(codexHome: string, id: string, source: string): Promise<void> {
  const day = join(codexHome, 'sessions', '2020', '01', '02');
  await mkdir(day, { recursive: true });
  const text = (await readFile(REFERENCE_ROLLOUT, 'utf8'))
    .replaceAll(REFERENCE_ID, id)
    .replaceAll('"2026-11-22T', '"2020-01-02T')
    .replace('"source":"vscode"', `"source":${JSON.stringify(source)}`);
  await writeFile(join(day, `rollout-2020-01-02T08-51-51-${id}.jsonl`), text);
}

async function list(client: RpcTestClient, params: Record<string, unknown>): Promise<ListPage> {
  return await client.call('thread/list', params) as unknown as ListPage;
}

/** Follows nextCursor to the end; returns the ids in order and the size of each page. */
async function listAll(
  client: RpcTestClient,
  params: Record<string, unknown>,
): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const page: ListPage = await list(client, { ...params, cursor });
    ids.push(...page.data.map((thread) => thread.id));
    sizes.push(page.data.length);
    cursor = page.nextCursor;
    assert.ok(sizes.length <= 20, 'paging does not end');
  } while (cursor !== null);
  return { ids, sizes };
}

describe('thread/list', () => {
  it('pages, sorts and filters persisted threads', async (t) => {
    // A second provider, so that modelProviders has something to tell apart.
    const other = await startFakeModelServer(t, [sseReply(textTurnFrames(['gamma answer']))]);
    const rig = await startThreadRig(t, {
      replies: ['alpha', 'beta', 'delta', 'bump'].map((text) => sseReply(textTurnFrames([`${text} answer`]))),
      configExtra: [
        '[model_providers.mock2]',
        'name = "mock2"',
        `base_url = "${other.baseUrl}"`,
        'wire_api = "responses"',
        'request_max_retries = 0',
        'stream_max_retries = 0',
      ].join('\n'),
    });
    const { client } = rig;
    // Planted before anything reads the index, so its first scan finds them.
    await plant(rig.server.codexHome, PLANTED_CLI, 'cli');
    await plant(rig.server.codexHome, PLANTED_EXEC, 'exec');
    const otherCwd = tmpdir();
    const oneTurn = async (text: string, params: Record<string, unknown> = {}) => {
      const id = await startThread(client, params);
      await turnCompleted(client, await startTextTurn(client, id, text));
      return id;
    };
    const a = await oneTurn('alpha one');
    const b = await oneTurn('beta two', { cwd: otherCwd });
    const c = await oneTurn('gamma three', { modelProvider: 'mock2' });
    const d = await oneTurn('Alpha four');
    // Never used: no rollout, so never listed.
    await startThread(client);
    const newestFirst = [d, c, b, a, PLANTED_CLI];

    await t.test('pages newest first by creation, each thread once, in pages of at most `limit`', async () => {
      const all = await list(client, {});
      assert.deepEqual(
        all.data.map((thread) => thread.id),
        newestFirst,
      );
      assert.equal(all.nextCursor, null);
      assert.deepEqual(
        all.data.map((thread) => thread.turns),
        newestFirst.map(() => []),
      );
      const paged = await listAll(client, { limit: 2 });
      assert.deepEqual(paged.ids, newestFirst);
      assert.deepEqual(paged.sizes, [2, 2, 1]);
      // A limit of 0 is read as 1.
      assert.deepEqual((await listAll(client, { limit: 0 })).ids, newestFirst);
    });

    await t.test('sorts ascending', async () => {
      assert.deepEqual((await listAll(client, { limit: 2, sortDirection: 'asc' })).ids, [...newestFirst].reverse());
    });

    await t.test('sorts by updated_at', async () => {
      await turnCompleted(client, await startTextTurn(client, a, 'bump'));
      const expected = [a, d, c, b, PLANTED_CLI];
      assert.deepEqual((await listAll(client, { sortKey: 'updated_at', limit: 1 })).ids, expected);
      assert.deepEqual(
        (await listAll(client, { sortKey: 'updated_at', sortDirection: 'asc', limit: 3 })).ids,
        [...expected].reverse(),
      );
      // The backwards cursor reverses the direction from the first thread of a page, that thread included.
      const newest = await list(client, { sortKey: 'updated_at', limit: 1 });
      const second = await list(client, { sortKey: 'updated_at', limit: 1, cursor: newest.nextCursor });
      assert.deepEqual(second.data.map((thread) => thread.id), [d]);
      const back = await list(client, { sortKey: 'updated_at', sortDirection: 'asc', cursor: second.backwardsCursor });
      assert.deepEqual(back.data.map((thread) => thread.id), [d, a]);
    });

    await t.test('filters by cwd, exactly, relative to the server directory', async () => {
      const ids = async (cwd: unknown) => (await list(client, { cwd })).data.map((thread) => thread.id);
      assert.deepEqual(await ids(otherCwd), [b]);
      assert.deepEqual(await ids(`${otherCwd}/`), [b]);
      assert.deepEqual(await ids([process.cwd()]), [d, c, a]);
      assert.deepEqual(await ids('.'), [d, c, a]);
      assert.deepEqual(await ids([otherCwd, process.cwd()]), [d, c, b, a]);
      assert.deepEqual(await ids([]), []);
    });

    await t.test('filters by model provider', async () => {
      const listed = await list(client, { modelProviders: ['mock2'] });
      assert.deepEqual(
        listed.data.map((thread) => [thread.id, thread.modelProvider]),
        [[c, 'mock2']],
      );
      assert.deepEqual((await list(client, { modelProviders: [] })).data.length, newestFirst.length);
      assert.deepEqual((await list(client, { modelProviders: ['nope'] })).data, []);
    });

    await t.test('lists interactive sources unless told otherwise', async () => {
      const ids = async (sourceKinds: unknown) =>
        (await list(client, { sourceKinds })).data.map((thread) => [thread.id, thread.source]);
      assert.deepEqual(await ids(['exec']), [[PLANTED_EXEC, 'exec']]);
      assert.deepEqual(await ids(['cli']), [[PLANTED_CLI, 'cli']]);
      assert.deepEqual((await ids([])).length, newestFirst.length);
      assert.deepEqual((await ids(['cli', 'vscode', 'exec'])).length, newestFirst.length + 1);
    });

    await t.test('searches the title, case-sensitively', async () => {
      const ids = async (searchTerm: string) => (await list(client, { searchTerm })).data.map((thread) => thread.id);
      assert.deepEqual(await ids('Alpha'), [d]);
      assert.deepEqual(await ids('alpha'), [a]);
      assert.deepEqual(await ids('nothing like it'), []);
    });

    await t.test('excludes threads before paging', async () => {
      const page = await list(client, { excludedThreadIds: [d], limit: 1 });
      assert.deepEqual(
        page.data.map((thread) => thread.id),
        [c],
      );
      assert.deepEqual((await listAll(client, { excludedThreadIds: [d, b], limit: 2 })).ids, [c, a, PLANTED_CLI]);
    });

    await t.test('refuses what the reference refuses, in its words', async () => {
      const error = async (params: Record<string, unknown>) => (await client.request('thread/list', params)).error;
      assert.deepEqual(await error({ cursor: 'garbage' }), { code: -32600, message: 'invalid cursor: garbage' });
      assert.deepEqual(await error({ cursor: '2026-11-29T09:02:19Z|zz' }), {
        code: -32600,
        message: 'invalid cursor: 2026-11-29T09:02:19Z|zz',
      });
      assert.deepEqual(await error({ originators: ['test-client'] }), {
        code: -32602,
        message: 'originator filtering is not supported by the local app-server',
      });
      assert.deepEqual(await error({ excludedThreadIds: ['zz'] }), {
        code: -32602,
        message:
          'invalid excluded thread id: invalid character: expected an optional prefix of `urn:uuid:` followed by ' +
          '[0-9a-fA-F-], found `z` at 1',
      });
      assert.deepEqual(await error({ sortKey: 'section_position' }), {
        code: -32600,
        message: 'section-position sorting requires a section filter',
      });
      // No thread is in a section.
      assert.deepEqual((await list(client, { sortKey: 'section_position', sectionId: 'x' })).data, []);
      assert.deepEqual((await list(client, { sectionId: null })).data.length, newestFirst.length);
    });

    await t.test('shows forks without forkedFromId, as the reference does', async () => {
      const fork = await client.call('thread/fork', { threadId: b, excludeTurns: true });
      const forkId = fork.thread.id;
      const listed = (await list(client, { limit: 1 })).data;
      assert.deepEqual(
        listed.map((thread) => [thread.id, thread.preview, thread.forkedFromId]),
        [[forkId, 'beta two', null]],
      );
    });
  });
});
