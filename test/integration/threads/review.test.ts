import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { httpReply, sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { RecordedRequest } from '../../helpers/fake-model-server.js';
import type { ParamsOf, ResultOf } from '../../helpers/protocol-types.js';
import { isNotification } from '../../helpers/rpc-client.js';
import type { ServerMessage } from '../../helpers/rpc-client.js';
import { sequenceOf, startBothSides } from '../../helpers/side-by-side.js';
import type { Side } from '../../helpers/side-by-side.js';
import { startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

type Item = ResultOf<'thread/read'>['thread']['turns'][number]['items'][number];

/** A review item's rendered review, or an agent message's text. */
function reviewText(item: Item | undefined): string | undefined {
  if (item && 'review' in item && typeof item.review === 'string') return item.review;
  return item?.type === 'agentMessage' ? item.text : undefined;
}

const UNKNOWN = '00000000-0000-7000-8000-000000000000';

function finding(title: string, body: string, path: string, start: number, end: number, priority: number) {
  return {
    title,
    body,
    confidence_score: 0.5,
    priority,
    code_location: { absolute_file_path: path, line_range: { start, end } },
  };
}

/** The reviewer's answers, in the order the script asks for reviews. */
function reviewerAnswers(): string[] {
  return [
    JSON.stringify({
      findings: [finding('[P1] Broken thing', 'The body explains.', '/repo/a.txt', 1, 2, 1)],
      overall_correctness: 'patch is incorrect',
      overall_explanation: 'Overall it is broken.',
      overall_confidence_score: 0.7,
    }),
    `Here it is: ${JSON.stringify({
      findings: [finding('A', 'a body', '/x/a.rs', 3, 3, 1), finding('B', 'b1\nb2', '/x/b.rs', 4, 9, 2)],
      overall_correctness: 'patch is incorrect',
      overall_explanation: 'Two problems.',
      overall_confidence_score: 0.9,
    })} done`,
    'This is not JSON at all.',
    '',
  ];
}

function replies() {
  return [
    ...reviewerAnswers().map((text, n) => sseReply(textTurnFrames([text], { responseId: `r${n}`, itemId: `msg_${n}` }))),
    sseReply(textTurnFrames(['after'], { responseId: 'r_after', itemId: 'msg_after' })),
  ];
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

/** What a review showed, comparable across servers: events, labels, rendered texts (the request text is ours). */
function reviewView(messages: readonly ServerMessage[], cwd: string): string[] {
  return messages.flatMap((message) => {
    const [line] = sequenceOf([message]);
    if (line === undefined || line === 'thread/started') return [];
    const isItem = isNotification(message, 'item/started') || isNotification(message, 'item/completed');
    const text = reviewText(isItem ? message.params.item : undefined);
    return [text === undefined ? line : `${line}: ${text.split(cwd).join('<cwd>')}`];
  });
}

function roles(request: RecordedRequest | undefined): string[] {
  const input = (request?.body as { input: { type: string; role?: string }[] }).input;
  return input.map((item) => item.role ?? item.type);
}

async function reviewScript(side: Side): Promise<Record<string, unknown>> {
  const { client, cwd, fake } = side;
  git(cwd, 'init', '-q', '-b', 'main');
  git(cwd, '-c', 'user.email=a@b', '-c', 'user.name=n', 'commit', '-q', '--allow-empty', '-m', 'first');
  await writeFile(join(cwd, 'a.txt'), 'changed\n');
  const threadId = await startThread(client, { cwd });
  const seen: Record<string, unknown> = {};
  const targets: ParamsOf<'review/start'>['target'][] = [
    { type: 'uncommittedChanges' },
    { type: 'commit', sha: 'HEAD', title: 'first' },
    { type: 'custom', instructions: 'Check the README only' },
    { type: 'baseBranch', branch: 'main' },
  ];
  for (const [n, target] of targets.entries()) {
    const mark = client.received.length;
    const response = await client.call('review/start', { threadId, target });
    const { turn } = response;
    await turnCompleted(client, turn.id);
    seen[`answer ${n}`] = { ...turn, id: '<turn>', items: turn.items.map((item) => ({ ...item, id: '<turn>' })) };
    seen[`reviewThreadId ${n}`] = response.reviewThreadId === threadId;
    seen[`events ${n}`] = reviewView(client.received.slice(mark + 1), cwd);
    const request = (await fake.waitForRequests(n + 1))[n];
    const body = request?.body as { tools: { name?: string; type: string }[]; input: { role?: string }[] };
    seen[`tools ${n}`] = body.tools.map((tool) => tool.name ?? tool.type).filter((name) => name !== 'view_image');
    seen[`input ${n}`] = roles(request).filter((role) => role !== 'developer');
    seen[`first input ${n}`] = body.input[0]?.role;
  }
  // The next turn sees each review's outcome: a user message and the rendered review as the answer.
  await turnCompleted(client, await startTextTurn(client, threadId, 'next'));
  const next = (await fake.waitForRequests(5))[4];
  seen.nextRoles = roles(next).filter((role) => role !== 'developer');
  const input = (next?.body as { input: { role?: string; content: { text: string }[] }[] }).input;
  seen.nextAnswers = input.filter((item) => item.role === 'assistant').map((item) => item.content[0]?.text);
  seen.nextRecordsAReview = input.filter((item) => item.content?.[0]?.text?.startsWith('<user_action>')).length;

  const read = await client.call('thread/read', { threadId, includeTurns: true });
  seen.readTurns = read.thread.turns.map((turn) => `${turn.status}: ${turn.items.map((item) => item.type).join(',')}`);

  const errors: ServerMessage[] = [];
  for (const [id, target] of [
    [UNKNOWN, { type: 'uncommittedChanges' }],
    [threadId, { type: 'custom', instructions: '  ' }],
    [threadId, { type: 'baseBranch', branch: '' }],
    [threadId, { type: 'commit', sha: ' ' }],
  ] as const) {
    errors.push(await client.request('review/start', { threadId: id, target }));
  }
  errors.push(await client.request('review/start', { threadId, target: { type: 'uncommittedChanges' }, delivery: 'detached' }));
  seen.errors = sequenceOf(errors);
  return seen;
}

describe('review/start', () => {
  it('reviews every target as the reference does: events, labels, rendered findings, history, errors', async (t) => {
    const [ours, reference] = await startBothSides(t, replies);
    const [mine, theirs] = await Promise.all([reviewScript(ours), reviewScript(reference)]);
    assert.deepEqual(mine, theirs);
    assert.ok((mine['events 0'] as string[]).includes('item/completed exitedReviewMode: Overall it is broken.\n\nReview comment:\n\n- [P1] Broken thing — /repo/a.txt:1-2\n  The body explains.'));
  });

  it('asks the reviewer with our review instructions, and fails the turn cleanly when the model fails', async (t) => {
    const error = { error: { message: 'bad request', type: 'invalid_request_error' } };
    const { client, fake } = await startThreadRig(t, { replies: [httpReply(400, error)] });
    const threadId = await startThread(client);
    const { turn } = await client.call('review/start', { threadId, target: { type: 'uncommittedChanges' } });
    const completed = await turnCompleted(client, turn.id);
    assert.equal(completed.turn.status, 'failed');
    const exited = client.receivedParams('item/completed').find((params) => params.item.type === 'exitedReviewMode');
    assert.ok(exited, 'the client is taken out of review mode');
    const body = (await fake.waitForRequests(1))[0]?.body as { input: { role: string; content: { text: string }[] }[] };
    assert.match(body.input[0]?.content[0]?.text ?? '', /"overall_correctness"/);
    // The thread stays usable.
    assert.equal((await client.call('thread/read', { threadId })).thread.id, threadId);
  });

  it('interrupts a running turn first, and its items survive a reload from the rollout', async (t) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    t.after(() => release());
    const [answer] = reviewerAnswers();
    const rig = await startThreadRig(t, {
      replies: [
        sseReply(textTurnFrames(['never']), { hold: { count: 1, until: held } }),
        sseReply(textTurnFrames([answer as string], { responseId: 'r_review', itemId: 'msg_review' })),
      ],
    });
    const { client } = rig;
    const threadId = await startThread(client);
    const running = await startTextTurn(client, threadId, 'a long task');
    await rig.fake.waitForRequests(1);
    const mark = client.received.length;
    const review = await client.call('review/start', { threadId, target: { type: 'uncommittedChanges' } });
    await turnCompleted(client, review.turn.id);
    const lines = sequenceOf(client.received.slice(mark)).filter((line) => !line.startsWith('item/'));
    assert.deepEqual(lines.slice(0, 4), ['response', 'thread/status/changed idle', 'turn/completed interrupted', 'thread/status/changed active']);
    const [interrupted] = client.receivedParams('turn/completed');
    assert.equal(interrupted?.turn.id, running);

    const items = async () => {
      const read = await client.call('thread/read', { threadId, includeTurns: true });
      const turns = read.thread.turns;
      return turns.flatMap((turn) => turn.items).filter((item) => item.type.endsWith('ReviewMode') || item.type === 'agentMessage');
    };
    const live = await items();
    assert.deepEqual(live.map((item) => item.type), ['enteredReviewMode', 'exitedReviewMode', 'agentMessage']);
    // Archiving unloads the thread; read back, the review's items come from the rollout.
    await client.call('thread/archive', { threadId });
    await client.call('thread/unarchive', { threadId });
    const reloaded = await items();
    assert.deepEqual(
      reloaded.map((item) => [item.type, reviewText(item)]),
      live.map((item) => [item.type, reviewText(item)]),
    );
  });

  it('refuses input while the review runs, as the reference does', async (t) => {
    const releases: (() => void)[] = [];
    const replies = () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      releases.push(release);
      return [sseReply(textTurnFrames([reviewerAnswers()[0] as string], { itemId: 'msg_r' }), { hold: { count: 1, until: held } })];
    };
    t.after(() => releases.forEach((release) => release()));
    const sides = await startBothSides(t, replies);
    const seen = await Promise.all(
      sides.map(async (side, n) => {
        const { client, cwd, fake } = side;
        const threadId = await startThread(client, { cwd });
        const review = await client.call('review/start', { threadId, target: { type: 'uncommittedChanges' } });
        const turnId = review.turn.id;

        await fake.waitForRequests(1);
        const input = [{ type: 'text', text: 'more' }];
        const answers = [
          await client.request('turn/steer', { threadId, expectedTurnId: turnId, input }),
          await client.request('turn/start', { threadId, input }),
        ];
        releases[n]?.();
        await turnCompleted(client, turnId);
        return answers.map((answer) => answer.error);
      }),
    );
    assert.deepEqual(seen[0], seen[1]);
  });
});
