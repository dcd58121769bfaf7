import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { startReferenceServer } from '../../helpers/reference-server.js';
import type { RpcTestClient, ServerMessage } from '../../helpers/rpc-client.js';
import { resultOf, startThread, startThreadRig } from '../../helpers/thread-server.js';
import { leftBehind } from '../../helpers/temp-home.js';

/** A configured profile next to the built-in ones; the reference needs `default_permissions` once there is one. */
const PROFILES_CONFIG = [
  'default_permissions = ":workspace"',
  '[permissions.zeta]',
  'description = "Zeta profile"',
  '[permissions.alpha]',
  '[permissions.alpha.filesystem]',
  '":minimal" = "read"',
  '[permissions.beta]',
  'extends = ":danger-full-access"',
  '[permissions.gamma]',
  'extends = "nope"',
  '[permissions.delta]',
  'extends = "alpha"',
  '[features]',
  'shell_tool = false',
  'undo = true',
  'network_proxy = true',
  '',
].join('\n');

/** Every answer to the same requests, for comparing two servers. */
async function answers(client: RpcTestClient, requests: [string, unknown][]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [method, params] of requests) {
    const { id: _id, ...rest } = await client.request(method, params);
    out.push(rest);
  }
  return out;
}

const PROFILE_REQUESTS: [string, unknown][] = [
  ['permissionProfile/list', {}],
  ['permissionProfile/list', { limit: 1 }],
  ['permissionProfile/list', { limit: 0, cursor: '1' }],
  ['permissionProfile/list', { cursor: '8' }],
  ['permissionProfile/list', { cursor: '9' }],
  ['permissionProfile/list', { cursor: 'x' }],
  ['permissionProfile/list', { cursor: '-1' }],
];

async function referenceWith(t: TestContext, config: string): Promise<RpcTestClient> {
  const home = await mkdtemp(join(tmpdir(), 'reference-home-'));
  await writeFile(join(home, 'config.toml'), config);
  const reference = await startReferenceServer(t, home, tmpdir());
  // Registered after the server, so it runs once the server has exited.
  t.after(() => rm(home, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  return reference;
}

function featureStates(response: ServerMessage): [string, string, boolean, boolean][] {
  const data = resultOf(response).data as { name: string; stage: string; enabled: boolean; defaultEnabled: boolean }[];
  return data.map((feature) => [feature.name, feature.stage, feature.enabled, feature.defaultEnabled]);
}

describe('permissionProfile/list', () => {
  it('lists the built-in profiles, then the configured ones by name, and pages as the reference does', async (t) => {
    const rig = await startThreadRig(t, { configExtra: PROFILES_CONFIG });
    const reference = await referenceWith(t, PROFILES_CONFIG);
    const ours = await answers(rig.client, PROFILE_REQUESTS);
    assert.deepEqual(ours, await answers(reference, PROFILE_REQUESTS));
    assert.deepEqual(
      (ours[0] as { result: { data: { id: string }[] } }).result.data.map((profile) => profile.id),
      [':read-only', ':workspace', ':danger-full-access', 'alpha', 'beta', 'delta', 'gamma', 'zeta'],
    );
    const allowed = (ours[0] as { result: { data: { id: string; allowed: boolean }[] } }).result.data;
    assert.deepEqual(
      allowed.filter((profile) => !profile.allowed).map((profile) => profile.id),
      ['beta', 'gamma'],
      'profiles whose extends cannot be followed',
    );
  });

});

describe('experimentalFeature/list and experimentalFeature/enablement/set', () => {
  it("lists the reference's flags with config.toml's [features] applied, paged as the reference pages them", async (t) => {
    const rig = await startThreadRig(t, { configExtra: PROFILES_CONFIG });
    const reference = await referenceWith(t, PROFILES_CONFIG);
    const ours = await rig.client.request('experimentalFeature/list', {});
    const theirs = await reference.request('experimentalFeature/list', {});
    assert.deepEqual(featureStates(ours), featureStates(theirs));
    const states = new Map(featureStates(ours).map(([name, , enabled]) => [name, enabled]));
    assert.equal(states.get('shell_tool'), false, 'a default-on flag switched off in config.toml');
    assert.equal(states.get('undo'), false, 'a removed flag stays off');
    assert.equal(states.get('network_proxy'), true);
    const paging: [string, unknown][] = [
      ['experimentalFeature/list', { limit: 0 }],
      ['experimentalFeature/list', { cursor: '214', limit: 5 }],
      ['experimentalFeature/list', { cursor: '215' }],
      ['experimentalFeature/list', { cursor: '1000' }],
      ['experimentalFeature/list', { cursor: 'abc' }],
      ['experimentalFeature/list', { threadId: 'nope' }],
      ['experimentalFeature/list', { threadId: '01a24dd3-22e2-79d0-9cb9-e624f7b09fe2' }],
    ];
    const page = (list: unknown[]) =>
      list.map((answer) => {
        const result = (answer as { result?: { data: { name: string }[]; nextCursor: unknown } }).result;
        return result === undefined ? answer : { names: result.data.map((f) => f.name), next: result.nextCursor };
      });
    assert.deepEqual(page(await answers(rig.client, paging)), page(await answers(reference, paging)));
  });

  it('switches only the runtime-settable flags, for the whole server, without writing config.toml', async (t) => {
    const rig = await startThreadRig(t);
    const set = await rig.client.request('experimentalFeature/enablement/set', {
      enablement: { memories: true, undo: true, no_such_flag: true, shell_tool: false },
    });
    assert.deepEqual(resultOf(set), { enablement: { memories: true } });
    const other = await rig.connect('other-client');
    const states = new Map(featureStates(await other.request('experimentalFeature/list', {})).map(([n, , e]) => [n, e]));
    assert.equal(states.get('memories'), true);
    assert.equal(states.get('shell_tool'), true);
    assert.deepEqual(await rig.client.call('experimentalFeature/enablement/set', { enablement: {} }), {
      enablement: {},
    });
  });

  it('shows a flag the /experimental menu saved with config/batchWrite', async (t) => {
    const rig = await startThreadRig(t);
    resultOf(
      await rig.client.request('config/batchWrite', {
        edits: [{ keyPath: 'features.prevent_idle_sleep', value: true, mergeStrategy: 'upsert' }],
      }),
    );
    const feature = (await rig.client.call('experimentalFeature/list', {})).data.find((entry) => entry.name === 'prevent_idle_sleep');
    assert.equal(feature?.enabled, true);
    assert.equal(typeof feature?.displayName, 'string', 'beta flags carry menu copy');
  });

  it('knows the thread a list is for', async (t) => {
    const rig = await startThreadRig(t);
    const threadId = await startThread(rig.client);
    assert.ok('result' in (await rig.client.request('experimentalFeature/list', { threadId, limit: 1 })));
  });
});
