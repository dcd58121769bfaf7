import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames, type RecordedRequest, type SseReply } from '../../helpers/fake-model-server.js';
import { restartedServerClient } from '../../helpers/restarted-server.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { namespacedCall } from '../../helpers/sub-agent-script.js';
import { resultOf, startThread, startThreadRig } from '../../helpers/thread-server.js';

/*
 * A parent resumed after a server restart, as observed from the reference 0.169.0 with the same script: the agents
 * it spawned before are not open any more (wait_agent reports them not_found, send_input and close_agent do not find
 * them), but resume_agent reopens one from its rollout, after which it takes input and is waited for as before.
 */

interface Input {
  type: string;
  output?: string;
  content?: { text?: string }[];
}

const answer = (text: string) => sseReply(textTurnFrames([text], { responseId: `resp_${text}`, itemId: `msg_${text}` }));

describe('sub-agents across a restart', () => {
  it('only resume_agent reopens the children of a resumed parent', { timeout: 60_000 }, async (t) => {
    let ids: [string, string] = ['', ''];
    const outputs: string[] = [];
    const phases: Record<string, readonly ((a: string, b: string) => SseReply)[]> = {
      'PARENT GO': [
        () => namespacedCall('spawn_agent', { message: 'CHILD A task' }, 'c1'),
        () => namespacedCall('spawn_agent', { message: 'CHILD B task' }, 'c2'),
      ],
      'PARENT AGAIN': [
        (a) => namespacedCall('wait_agent', { targets: [a] }, 'd1'),
        (a) => namespacedCall('send_input', { target: a, message: 'CHILD A again' }, 'd2'),
        (_, b) => namespacedCall('close_agent', { target: b }, 'd3'),
        (_, b) => namespacedCall('resume_agent', { id: b }, 'd4'),
        (_, b) => namespacedCall('send_input', { target: b, message: 'CHILD B again' }, 'd5'),
        (_, b) => namespacedCall('wait_agent', { targets: [b] }, 'd6'),
      ],
    };
    const decide = (request: RecordedRequest) => {
      const input = (request.body as { input: Input[] }).input;
      const texts = input.flatMap((item) => item.content?.map((part) => part.text ?? '') ?? []);
      const phase = ['PARENT AGAIN', 'PARENT GO'].find((marker) => texts.includes(marker));
      if (phase === undefined) return answer(texts.includes('CHILD B again') ? 'B2' : texts.includes('CHILD B task') ? 'B1' : 'A1');
      // The outputs of this phase's calls (the first phase's two come first in the resumed history).
      const seen = input.filter((item) => item.type === 'function_call_output').map((item) => String(item.output));
      const own = phase === 'PARENT GO' ? seen : seen.slice(2);
      if (phase === 'PARENT GO' && seen.length === 2) ids = seen.map((output) => (JSON.parse(output) as { agent_id: string }).agent_id) as [string, string];
      if (phase === 'PARENT AGAIN' && own.length > outputs.length) outputs.push(own.at(-1) as string);
      return phases[phase]?.[own.length]?.(...ids) ?? answer('parent done');
    };
    const rig = await startThreadRig(t, { replies: Array.from({ length: 20 }, () => ({ kind: 'dynamic' as const, reply: decide })) });
    const parent = await startThread(rig.client);
    await rig.client.request('turn/start', { threadId: parent, input: [{ type: 'text', text: 'PARENT GO' }] });
    const turnDone = (threadId: () => string) => (message: ServerMessage) =>
      message.method === 'turn/completed' && (message.params as { threadId: string }).threadId === threadId();
    await rig.client.waitFor(turnDone(() => parent), 'the parent turn', 30_000);
    await rig.client.waitFor(turnDone(() => ids[0]), 'child A', 30_000);
    await rig.client.waitFor(turnDone(() => ids[1]), 'child B', 30_000);
    await rig.client.close();
    await rig.server.server.close();

    const client = await restartedServerClient(t, rig.server.codexHome);
    resultOf(await client.request('thread/resume', { threadId: parent }));
    await client.request('turn/start', { threadId: parent, input: [{ type: 'text', text: 'PARENT AGAIN' }] });
    await client.waitFor(turnDone(() => parent), 'the resumed parent turn', 30_000);
    const [a, b] = ids;
    assert.deepEqual(
      outputs.map((output) => output.replaceAll(a, '<A>').replaceAll(b, '<B>').replace(/"submission_id":"[^"]+"/, '"submission_id":"<turn>"')),
      [
        '{"status":{"<A>":"not_found"},"timed_out":false}',
        'agent with id <A> not found',
        'agent with id <B> not found',
        '{"status":"pending_init"}',
        '{"submission_id":"<turn>"}',
        '{"status":{"<B>":{"completed":"B2"}},"timed_out":false}',
      ],
    );
    const items = client.received
      .filter((message) => message.method === 'item/completed')
      .map((message) => (message.params as { item: { type: string; tool?: string; status?: string; agentsStates?: Record<string, { status: string }> } }).item)
      .filter((item) => item.type === 'collabAgentToolCall')
      .map((item) => `${item.tool} ${item.status} ${Object.values(item.agentsStates ?? {}).map((state) => state.status).join(',')}`);
    assert.deepEqual(items, [
      'wait failed notFound',
      'sendInput failed notFound',
      'closeAgent failed notFound',
      'resumeAgent completed pendingInit',
      'sendInput completed pendingInit',
      'wait completed completed',
    ]);
  });
});
