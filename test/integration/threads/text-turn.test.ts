import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { isNotification } from '../../helpers/rpc-client.js';
import { assertItemType }
 from '../../helpers/thread-items.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

describe('a text turn', () => {
  it('streams the reference notification order and answers with the final message', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['Hello', ' from', ' mock']))] });
    const { client } = rig;
    const start = await client.call('thread/start', {});
    const { thread } = start;
    assert.equal(start.model, 'mock-model');
    assert.equal(start.modelProvider, 'mock');
    assert.equal(start.approvalPolicy, 'never');
    assert.deepEqual(start.sandbox, { type: 'readOnly', networkAccess: false });
    assert.deepEqual(thread.status, { type: 'idle' });
    assert.equal(thread.preview, '');
    const threadId = thread.id;
    await client.notification('thread/started');
    // thread/start alone writes nothing.
    assert.equal(existsSync(join(rig.server.codexHome, 'sessions')), false);

    const turnResponseIndex = client.received.length;
    const { turn } = await client.call('turn/start', { threadId, input: [{ type: 'text', text: 'hi there' }] });
    const completed = await turnCompleted(client, turn.id);

    const messages = client.received.slice(turnResponseIndex);
    assert.equal(turn.status, 'inProgress');
    assert.equal(turn.itemsView, 'notLoaded');
    assert.equal(turn.startedAt, null);
    assert.deepEqual(turn.items, []);

    const methods = messages.slice(1).map((m) => m.method);
    assert.deepEqual(methods, [
      'thread/status/changed',
      'turn/started',
      'item/started',
      'item/completed',
      'item/started',
      'item/agentMessage/delta',
      'item/agentMessage/delta',
      'item/agentMessage/delta',
      'item/completed',
      'thread/tokenUsage/updated',
      'account/rateLimits/updated',
      'thread/readState/changed',
      'thread/status/changed',
      'turn/completed',
    ]);
    const params = messages.slice(1).map((m) => m.params);
    assert.deepEqual(params[0], { threadId, status: { type: 'active', activeFlags: [] } });
    const itemAt = (index: number) => {
      const message = messages[index + 1];
      assert.ok(message && isNotification(message, 'item/completed'));
      return message.params.item;
    };
    const userItem = itemAt(3);
    assertItemType(userItem, 'userMessage');
    assert.deepEqual(userItem.content, [{ type: 'text', text: 'hi there', text_elements: [] }]);
    const agentItem = itemAt(8);
    assertItemType(agentItem, 'agentMessage');
    assert.equal(agentItem.id, 'msg_1');
    assert.equal(agentItem.text, 'Hello from mock');
    assert.deepEqual(params[12], { threadId, status: { type: 'idle' } });

    const finalTurn = completed.turn;
    assert.equal(finalTurn.status, 'completed');
    assert.equal(finalTurn.itemsView, 'summary');
    assert.deepEqual(
      finalTurn.items.map((item) => [item.type, 'text' in item ? item.text : undefined]),
      [['agentMessage', 'Hello from mock']],
    );
    assert.equal(typeof finalTurn.durationMs, 'number');

    // The model got our instructions, the environment, and the user's text, with the reference's headers.
    const [request] = await rig.fake.waitForRequests(1);
    const body = request?.body as {
      input: { role: string; id: string; content: { text: string }[] }[];
      prompt_cache_key: string;
    };
    assert.equal(body.prompt_cache_key, threadId);
    assert.equal(body.input[0]?.role, 'developer');
    assert.equal(body.input[1]?.role, 'developer');
    assert.match(body.input[1]?.content.at(-1)?.text ?? '', /^<permissions instructions>/);
    assert.match(body.input[2]?.content.at(-1)?.text ?? '', /^<environment_context>/);
    const userMessage = body.input[3];
    assert.match(userMessage?.id ?? '', /^msg_[0-9a-f-]{36}$/);
    assert.deepEqual(userMessage, {
      type: 'message',
      id: userMessage?.id,
      role: 'user',
      content: [{ type: 'input_text', text: 'hi there' }],
    });
    assert.equal(request?.headers['session-id'], threadId);
    assert.equal(request?.headers['originator'], 'test-client');

    // The rollout exists now, and thread/read shows the turn with its items.
    const readThread = (await client.call('thread/read', { threadId, includeTurns: true })).thread;
    assert.equal(readThread.preview, 'hi there');
    assert.deepEqual(
      readThread.turns[0]?.items.map((item) => item.type),
      ['userMessage', 'agentMessage'],
    );
    assert.ok(readThread.path, 'a stored thread has a rollout file');
    const lines = (await readFile(readThread.path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines[0].type, 'session_meta');
    assert.equal(lines[0].payload.id, threadId);
    assert.equal(lines.at(-1).payload.type, 'task_complete');
    assert.deepEqual(readdirSync(join(rig.server.codexHome, 'sessions')).length, 1);
  });

  it('fails the turn with the model error when the model answers HTTP 400', async (t) => {
    const rig = await startThreadRig(t, {
      replies: [{ kind: 'http', status: 400, body: { error: { message: 'bad thing', type: 'invalid_request_error' } } }],
    });
    const threadId = await startThread(rig.client);
    const turnId = await startTextTurn(rig.client, threadId, 'go');
    const completed = await turnCompleted(rig.client, turnId);
    const { turn } = completed;
    assert.equal(turn.status, 'failed');
    assert.equal(turn.error?.codexErrorInfo, 'other');
    const error = await rig.client.notification('error');
    assert.equal(error.params.willRetry, false);
    // The reference's ending of a failed turn: systemError, error, then turn/completed without items.
    const from = rig.client.received.findIndex(
      (m) => m.id !== undefined && typeof m.result === 'object' && m.result !== null && 'turn' in m.result,
    );
    const methods = rig.client.received
      .slice(from + 1)
      .filter((m) => typeof m.method === 'string')
      .map((m) => m.method);
    assert.deepEqual(methods, [
      'thread/status/changed',
      'turn/started',
      'item/started',
      'item/completed',
      'thread/status/changed',
      'error',
      'turn/completed',
    ]);
    assert.deepEqual(turn.error, {
      message: JSON.stringify({ error: { message: 'bad thing', type: 'invalid_request_error' } }),
      codexErrorInfo: 'other',
      additionalDetails: null,
      misalignment: null,
    });
    assert.equal(completed.turn.itemsView, 'notLoaded');

  });
});
