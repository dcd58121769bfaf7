import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { RpcTestClient, type ServerMessage } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';

const CONFIG = [
  'model = "mock-model"',
  'model_provider = "mock"',
  '[model_providers.mock]',
  'name = "mock"',
  'base_url = "http://127.0.0.1:9/v1"',
  'wire_api = "responses"',
  '',
].join('\n');

/**
 * The terminal UI's start-up, replayed in the order and with the ids and params it sends
 * (docs/protocol.md#what-clients-call-at-start-up, captured from `codex --remote` 0.169.0 against the reference). Every
 * answer is validated against the reference schema by RpcTestClient; none may be "not supported".
 */
describe('the terminal UI start-up sequence', () => {
  it('gets an answer to every call, none of them -32601', async (t) => {
    const server = await startTestServer(t, {}, CONFIG);
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    const answers = new Map<string, ServerMessage>();
    const call = async (method: string, params?: unknown, id: string | number = randomUUID()) => {
      const response = await client.request(method, params, id);
      answers.set(`${method} ${answers.size}`, response);
      return response;
    };

    await call(
      'initialize',
      {
        clientInfo: { name: 'codex-tui', title: null, version: '0.169.0' },
        capabilities: { requiredHumanApproval: true, experimentalApi: true, requestAttestation: false, optOutNotificationMethods: null },
      },
      'initialize',
    );
    client.send({ method: 'initialized' });
    const cwd = process.cwd();
    await call('account/read', { refreshToken: false });
    await call('model/list', { includeHidden: true });
    await call('config/read', { includeLayers: true, cwd: '.' }, `tui-config-read-${randomUUID()}`);
    await call('configRequirements/read');
    await call('hooks/list', { cwds: [cwd], threadId: null }, `hooks-list-${randomUUID()}`);
    await call('account/bedrock/checkGovCloudRequirements', {});
    await call('collaborationMode/list', {});
    const start = await call('thread/start', { cwd: null, historyMode: 'paginated' }, `startup-thread-start-${randomUUID()}`);
    const threadId = ((start.result as { thread: { id: string } } | undefined)?.thread.id) ?? '';
    for (const [sortKey, limit] of [['updated_at', 100], ['created_at', 10]] as const) {
      for (const sourceKinds of [[], ['exec', 'appServer']]) {
        await call('thread/list', { sortKey, limit, sourceKinds, archived: false, cwd: null });
      }
    }
    await call('thread/loaded/list', {});
    await call('skills/list', { cwds: [cwd], forceReload: true });
    await call('thread/read', { threadId, includeTurns: false });
    const turns = await call('thread/turns/list', { threadId, limit: 1 });
    await call('plugin/installed', { cwds: [cwd] });
    await call('thread/goal/get', { threadId });
    const readState = await call('thread/readState/update', { threadId, operation: { type: 'read' }, expectedRevision: '0' });

    for (const [name, response] of answers) {
      const error = response.error as { code: number; message: string } | undefined;
      assert.notEqual(error?.code, -32601, `${name}: ${error?.message}`);
      if (response !== readState && response !== turns) {
        assert.equal(error, undefined, `${name} failed: ${JSON.stringify(error)}`);
      }
    }
    // A thread before its first turn has no receipt and no turns yet; the UI tolerates the reference's refusals.
    assert.deepEqual(readState.error, { code: -32600, message: 'thread read state unavailable' });
    assert.equal((turns.error as { code: number } | undefined)?.code, -32600);
    const models = (answers.get('model/list 2')?.result as { data: Array<{ id: string }> }).data;
    assert.equal(models[0]?.id, 'mock-model');
  });
});
