import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { sameAnswer, startPair } from '../helpers/reference-pair.js';
import type { RpcTestClient, ServerMessage } from '../helpers/rpc-client.js';
import { leftBehind } from '../helpers/temp-home.js';

/** Providers of every kind the list distinguishes (auth modes, hidden URLs, Bedrock); valid for both servers. */
const PROVIDERS_TOML = `model = "m"
model_provider = "plain"
[model_providers.plain]
name = "Plain"
base_url = "http://127.0.0.1:9/v1"
[model_providers.keyed]
name = "Keyed"
base_url = "https://gateway.example.com/v1/"
env_key = "GATEWAY_KEY"
[model_providers.headers]
name = "Headers"
base_url = "http://127.0.0.1:9/v1"
env_key = "GATEWAY_KEY"
http_headers = { "X-Team" = "a" }
[model_providers.secret_url]
name = "Secret URL"
base_url = "https://user:pw@gateway.example.com/v1?key=abc"
[model_providers.bearer]
name = "Bearer"
base_url = "http://127.0.0.1:9/v1"
experimental_bearer_token = "token"
[model_providers.nourl]
name = "No URL"
[model_providers.amazon-bedrock.aws]
profile = "dev"
region = "us-east-1"
`;

describe('stable methods answer as the reference 0.169.0 does', () => {
  it('modelProvider/list and modelProvider/capabilities/read', async (t) => {
    const pair = await startPair(t, PROVIDERS_TOML);
    await sameAnswer(pair, 'modelProvider/list', () => ({}));
    await sameAnswer(pair, 'modelProvider/capabilities/read', () => ({}));
  });

  it('modelProvider/capabilities/read of a Bedrock default', async (t) => {
    const pair = await startPair(t, 'model_provider = "amazon-bedrock"\n');
    assert.deepEqual(await sameAnswer(pair, 'modelProvider/capabilities/read', () => ({})), {
      result: { imageGeneration: false, webSearch: true },
    });
  });

  it('skills/config/write and skills/extraRoots/set, their answers and refusals', async (t) => {
    const pair = await startPair(t, 'model = "m"\n');
    for (const home of [pair.oursHome, pair.referenceHome]) {
      await mkdir(join(home, 'skills/alpha'), { recursive: true });
      await writeFile(join(home, 'skills/alpha/SKILL.md'), '---\nname: alpha\ndescription: A\n---\n');
    }
    const skill = (home: string) => join(home, 'skills/alpha/SKILL.md');
    await sameAnswer(pair, 'skills/config/write', () => ({ enabled: false, name: 'alpha' }));
    await sameAnswer(pair, 'skills/config/write', (home) => ({ enabled: false, path: skill(home) }));
    await sameAnswer(pair, 'skills/config/write', () => ({ enabled: true, name: 'alpha' }));
    await sameAnswer(pair, 'skills/config/write', (home) => ({ enabled: true, path: skill(home) }));
    await sameAnswer(pair, 'skills/config/write', () => ({ enabled: true, name: 'never-listed' }));
    await sameAnswer(pair, 'skills/config/write', () => ({ enabled: true }));
    await sameAnswer(pair, 'skills/config/write', () => ({ enabled: true, name: 'a', path: '/tmp/a/SKILL.md' }));
    await sameAnswer(pair, 'skills/config/write', () => ({ enabled: true, path: 'relative/SKILL.md' }));
    await sameAnswer(pair, 'skills/config/write', () => ({}));

    await sameAnswer(pair, 'skills/extraRoots/set', (home) => ({ extraRoots: [join(home, 'skills')] }));
    await sameAnswer(pair, 'skills/extraRoots/set', () => ({ extraRoots: [] }));
    await sameAnswer(pair, 'skills/extraRoots/set', () => ({ extraRoots: ['relative'] }));
    await sameAnswer(pair, 'skills/extraRoots/set', () => ({}));
  });

  it('windowsSandbox/readiness and windowsSandbox/setupStart off Windows, with setupCompleted after the answer', async (t) => {
    const pair = await startPair(t, 'model = "m"\n');
    await sameAnswer(pair, 'windowsSandbox/readiness', () => undefined);
    for (const mode of ['elevated', 'unelevated']) {
      await sameAnswer(pair, 'windowsSandbox/setupStart', () => ({ mode, cwd: '/tmp' }));
      const completed = async (client: RpcTestClient) =>
        (await client.waitFor((m) => m['method'] === 'windowsSandbox/setupCompleted' && (m['params'] as { mode: string }).mode === mode))['params'];
      assert.deepEqual(await completed(pair.ours), await completed(pair.reference));
    }
    await sameAnswer(pair, 'windowsSandbox/setupStart', () => ({ mode: 'bogus' }));
    await sameAnswer(pair, 'windowsSandbox/setupStart', () => ({}));
    await sameAnswer(pair, 'windowsSandbox/setupStart', () => ({ mode: 'elevated', cwd: 'relative' }));
  });

  it('modelProvider/config/write creates and edits gateways, Bedrock and GCP settings; modelProvider/list follows', async (t) => {
    const pair = await startPair(t, 'model = "m"\n');
    const write = (settings: Record<string, unknown>) => sameAnswer(pair, 'modelProvider/config/write', () => ({ settings }));
    await write({ type: 'customGateway', name: 'My GW', baseUrl: 'https://gw.example.com/v1', envKey: 'GW_KEY' });
    await write({ type: 'customGateway', providerId: 'my-gw', baseUrl: null });
    await write({ type: 'customGateway', name: 'My GW', baseUrl: 'https://gw.example.com/v1' });
    await write({ type: 'customGateway', name: 'Ünï  Çødé!! 2', baseUrl: 'http://127.0.0.1:8/v1/' });
    await write({ type: 'customGateway', name: '!!!', baseUrl: 'http://127.0.0.1:8/v1' });
    await write({ type: 'customGateway', name: '  padded  ', baseUrl: ' http://h/v1 ' });
    await write({ type: 'customGateway', providerId: 'my-gw', envKey: null });
    await write({ type: 'bedrock', providerId: 'amazon-bedrock', region: 'us-west-2', profile: 'p' });
    await write({ type: 'bedrock', providerId: 'amazon-bedrock', region: null });
    await write({ type: 'gcp', providerId: 'gcp', projectId: 'proj', location: 'us-central1' });
    // Refusals.
    await write({ type: 'customGateway', name: 'Second' });
    await write({ type: 'customGateway', name: '' });
    await write({ type: 'customGateway', providerId: 'nope', name: 'x' });
    await write({ type: 'customGateway', providerId: 'openai', name: 'x' });
    await write({ type: 'customGateway', name: 'x', baseUrl: 'not a url' });
    await write({ type: 'customGateway', providerId: 'my-gw', baseUrl: 'ftp://x' });
    await write({ type: 'customGateway', providerId: 'my-gw', envKey: '' });
    await write({ type: 'customGateway', name: 'x', extra: 1 });
    await write({ type: 'bedrock', providerId: 'amazon-bedrock', extra: 1 });
    await write({ type: 'gcp', providerId: 'gcp', extra: 1 });
    await write({ type: 'bedrock' });
    await write({ type: 'bogus' });
    await write({});
    await sameAnswer(pair, 'modelProvider/config/write', () => ({}));
    await sameAnswer(pair, 'modelProvider/list', () => ({}));
  });

  it('feedback/save writes the same ZIP (report, attachments, manifest) and refuses as the reference does', async (t) => {
    const pair = await startPair(t, 'model = "m"\n');
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'feedback-')));
    t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    const attachment = join(dir, 'notes.log');
    await writeFile(attachment, 'what happened\n');
    const threadId = '00000000-0000-0000-0000-000000000000';
    const saved: Record<string, unknown>[] = [];
    for (const [name, client] of [['ours', pair.ours], ['reference', pair.reference]] as const) {
      const savePath = join(dir, `${name}.zip`);
      const params = { classification: 'bad_result', reason: 'it broke', tags: { team: 'x' }, savePath, threadId, extraLogFiles: [attachment] };
      const response = await client.request('feedback/save', params);
      assert.deepEqual(response['result'], { savedPath: savePath, threadId, promptHash: null });
      const entries = unzipSync(new Uint8Array(await readFile(savePath)));
      const report = JSON.parse(strFromU8(entries['report.json'] ?? new Uint8Array())) as Record<string, unknown>;
      assert.match(String(report['event_id']), /^[0-9a-f]{32}$/);
      assert.equal(typeof report['timestamp'], 'number');
      saved.push({
        names: Object.keys(entries),
        manifest: JSON.parse(strFromU8(entries['manifest.json'] ?? new Uint8Array())),
        attachment: strFromU8(entries['attachments/0000/notes.log'] ?? new Uint8Array()),
        report: { ...report, event_id: null, timestamp: null },
      });
      // Again at the same path: refused, the file kept.
      assert.deepEqual((await client.request('feedback/save', params))['error'], {
        code: -32603,
        message: 'failed to save feedback: feedback save path already exists',
      });
    }
    assert.deepEqual(saved[0], saved[1]);

    // Without a thread the report is about `no-active-thread-<uuid>`; an informational classification says so.
    for (const [name, client] of [['ours', pair.ours], ['reference', pair.reference]] as const) {
      const savePath = join(dir, `${name}-good.zip`);
      const result = (await client.request('feedback/save', { classification: 'good_result', savePath }))['result'] as {
        threadId: string;
      };
      assert.match(result.threadId, /^no-active-thread-[0-9a-f-]{36}$/);
      const report = JSON.parse(strFromU8(unzipSync(new Uint8Array(await readFile(savePath)))['report.json'] ?? new Uint8Array()));
      assert.equal(report.level, 'info');
      assert.equal(report.message, `[Good result]: Codex session ${result.threadId}`);
    }
    await sameAnswer(pair, 'feedback/save', () => ({ classification: 'bug', savePath: 'relative.zip' }));
    await sameAnswer(pair, 'feedback/save', () => ({ classification: 'bug', savePath: join(dir, 'x.zip'), threadId: 'nope' }));
    await sameAnswer(pair, 'feedback/save', () => ({ classification: 'bug', savePath: join(dir, 'y.zip'), extraLogFiles: ['/nonexistent'] }));
    await sameAnswer(pair, 'feedback/save', () => ({}));
  });

  it('threadSection/list, create, update and delete: the built-in Pinned section, paging, refusals', async (t) => {
    const pair = await startPair(t, 'model = "m"\n');
    /** Each server's section ids, in creation order, so that requests can name "the same" section on both. */
    const ids = new Map<RpcTestClient, string[]>([
      [pair.ours, []],
      [pair.reference, []],
    ]);
    const anonymized = (client: RpcTestClient, response: ServerMessage): unknown => {
      const { id: _id, ...rest } = response;
      let text = JSON.stringify(rest);
      (ids.get(client) ?? []).forEach((id, index) => (text = text.replaceAll(id, `<section ${index}>`)));
      return JSON.parse(text);
    };
    const both = async (method: string, params: (created: readonly string[]) => Record<string, unknown>) => {
      const answers = [];
      for (const client of [pair.ours, pair.reference]) {
        const response = await client.request(method, params(ids.get(client) ?? []));
        const section = (response['result'] as { section?: { id: string } } | undefined)?.section;
        if (method === 'threadSection/create' && section) ids.get(client)?.push(section.id);
        answers.push(anonymized(client, response));
      }
      assert.deepEqual(answers[0], answers[1], `${method} ${JSON.stringify(params(['<id>']))}`);
    };
    const pinned = '01984de2-8f74-7c91-a3b2-5c5e937cf318';
    await both('threadSection/list', () => ({}));
    await both('threadSection/create', () => ({ name: 'Alpha' }));
    await both('threadSection/create', () => ({ name: '  Beta  ', appearance: { color: 'red', icon: 'star' } }));
    await both('threadSection/create', () => ({ name: 'Alpha' }));
    await both('threadSection/create', () => ({ name: '   ' }));
    await both('threadSection/create', () => ({}));
    await both('threadSection/list', () => ({ limit: 2 }));
    await both('threadSection/list', (created) => ({ cursor: created[0] }));
    await both('threadSection/list', () => ({ limit: 0 }));
    await both('threadSection/list', () => ({ cursor: 'bogus' }));
    await both('threadSection/update', (created) => ({ sectionId: created[0], name: 'Alpha2' }));
    await both('threadSection/update', (created) => ({ sectionId: created[1], name: 'Beta', appearance: { color: 'blue' } }));
    await both('threadSection/update', (created) => ({ sectionId: created[1], name: 'Beta' }));
    await both('threadSection/update', (created) => ({ sectionId: created[1], name: 'Beta', appearance: null }));
    await both('threadSection/update', (created) => ({ sectionId: created[1], name: '' }));
    await both('threadSection/update', () => ({ sectionId: 'nope', name: 'x' }));
    await both('threadSection/update', () => ({ sectionId: pinned, name: 'Mine' }));
    await both('threadSection/delete', (created) => ({ sectionId: created[0] }));
    await both('threadSection/delete', (created) => ({ sectionId: created[0] }));
    await both('threadSection/delete', () => ({ sectionId: pinned }));
    await both('threadSection/list', () => ({}));
  });

  it('externalAgentConfig/import/recordHistory and readHistories: records flattened, newest first', async (t) => {
    const pair = await startPair(t, 'model = "m"\n');
    await sameAnswer(pair, 'externalAgentConfig/import/readHistories', () => undefined);
    const records = [
      {
        providerId: 'claude-code',
        itemTypeResults: [
          {
            itemType: 'AGENTS_MD',
            successes: [{ itemType: 'AGENTS_MD', cwd: '/tmp/p', source: '/tmp/p/CLAUDE.md', target: '/tmp/p/AGENTS.md' }],
            failures: [],
          },
          { itemType: 'SKILLS', successes: [], failures: [{ itemType: 'SKILLS', failureStage: 'copy', message: 'boom', cwd: null }] },
        ],
      },
      { providerId: '', itemTypeResults: [] },
      { providerId: 'x', itemTypeResults: [{ itemType: 'SESSIONS', successes: [{ itemType: 'SESSIONS', title: 'T' }], failures: [] }] },
    ];
    for (const client of [pair.ours, pair.reference]) {
      for (const record of records) {
        const result = (await client.request('externalAgentConfig/import/recordHistory', record))['result'] as { importId: string };
        assert.match(result.importId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
    }
    const histories = async (client: RpcTestClient) => {
      const result = (await client.request('externalAgentConfig/import/readHistories'))['result'] as {
        data: Array<Record<string, unknown>>;
      };
      // Records made within one millisecond are ordered by their random ids: compare them by provider.
      const data: Array<Record<string, unknown>> = result.data.map((history) => ({ ...history, importId: null, completedAtMs: null }));
      return { ...result, data: data.sort((a, b) => String(a['providerId']).localeCompare(String(b['providerId']))) };
    };
    assert.deepEqual(await histories(pair.ours), await histories(pair.reference));
    await sameAnswer(pair, 'externalAgentConfig/import/recordHistory', () => ({ providerId: 'x' }));
    await sameAnswer(pair, 'externalAgentConfig/import/recordHistory', () => ({
      providerId: 'x',
      itemTypeResults: [{ itemType: 'BOGUS', successes: [], failures: [] }],
    }));
  });
});
