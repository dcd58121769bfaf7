import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ProviderConfigError } from '../../../../src/model/provider.js';
import type { NotificationDefinition } from '../../../../src/protocol/registry-types.js';
import type { ClientChannel } from '../../../../src/runtime/clients/client-channel.js';
import { GoalStore } from '../../../../src/runtime/goals/goal-store.js';
import { LoadedThread, newActiveTurn } from '../../../../src/runtime/threads/loaded-thread.js';
import { PermissionProfileError } from '../../../../src/runtime/threads/permission-profiles.js';
import { ThreadControl } from '../../../../src/runtime/threads/thread-control.js';
import { resolveThreadSettings } from '../../../../src/runtime/threads/thread-settings.js';
import type { ThreadSettings } from '../../../../src/runtime/threads/thread-settings.js';
import type { TurnDependencies } from '../../../../src/runtime/turns/turn-dependencies.js';
import { TurnRequestError } from '../../../../src/runtime/turns/turn-request-error.js';
import { createSilentLogger } from '../../../../src/util/logger.js';

/*
 * ThreadControl on its own: a loaded thread in memory, a recording client, and turns that never get to run (their
 * start is held back as a handler's `afterResponse` would hold it), so what is checked is the state the API leaves.
 */

interface Sent {
  readonly method: string;
  readonly params: unknown;
}

/** A client that records what it is sent. */
function recordingChannel(connectionId: number): ClientChannel & { readonly sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    connectionId,
    sent,
    notify(definition: NotificationDefinition, params: unknown) {
      sent.push({ method: definition.method, params });
    },
    request: () => Promise.reject(new Error('no requests in these tests')),
    isOpen: true,
    experimentalApi: false,
    requestAttestation: false,
    onClose: () => {},
  };
}

const CWD = '/work/project';

function idleThread(): LoadedThread {
  return new LoadedThread({
    id: 'thread-1',
    createdAtMs: 0,
    updatedAtMs: 0,
    ephemeral: true,
    originator: 'test',
    cliVersion: '0.0.0',
    forkedFromId: null,
    baseInstructions: '',
    settings: resolveThreadSettings({ model: 'gpt-5.4' }, {}, CWD),
    rolloutPath: null,
    writer: null,
    name: null,
    preview: '',
    history: [],
    turns: [],
    tokenUsage: null,
    everyone: { broadcast: () => {} },
  });
}

/** A control whose turns get `dependencies` (throwing when `refuse` says so), and what it was asked to do. */
function rig(
  refuse: (settings: ThreadSettings) => boolean = () => false,
  { loaded = [] as LoadedThread[], goalsHome = join(tmpdir(), 'thread-control-test-unused') } = {},
) {
  const subscribed: number[] = [];
  const control = new ThreadControl({
    dependencies: (thread) => {
      if (refuse(thread.settings)) throw new ProviderConfigError('unknownProvider', `model provider not found: ${thread.settings.model}`);
      // The turn is never run here: only its start is checked.
      return { log: createSilentLogger() } as unknown as TurnDependencies;
    },
    checkProvider: (settings) => {
      if (refuse(settings)) throw new ProviderConfigError('unknownProvider', 'model provider not found');
    },
    subscribe: (thread, channel) => {
      if (thread.subscribe(channel)) subscribed.push(channel.connectionId);
    },
    loadedThread: (threadId) => loaded.find((thread) => thread.id === threadId),
    isLoaded: () => true,
    sandboxSupport: () => Promise.resolve({ available: false, reason: 'not needed in these tests' }),
    goals: new GoalStore(goalsHome),
    log: createSilentLogger(),
  });
  const held: (() => void)[] = [];
  const afterResponse = (task: () => void) => void held.push(task);
  const caller = (channel: ClientChannel) => ({ channel, originator: 'test', userAgent: 'test' });
  return { control, subscribed, held, afterResponse, caller };
}

function refusal(error: unknown): unknown {
  assert.ok(error instanceof TurnRequestError, `expected a TurnRequestError, got ${String(error)}`);
  return error.refusal;
}

describe('ThreadControl.startTurn', () => {
  it('applies the overrides for good, subscribes the caller, then announces the changed settings', () => {
    const { control, subscribed, held, afterResponse, caller } = rig();
    const thread = idleThread();
    const client = recordingChannel(7);
    const turn = control.startTurn(thread, { input: [], model: 'gpt-5.5', effort: 'high' }, caller(client), afterResponse);
    assert.equal(turn.status, 'inProgress');
    assert.equal(thread.activeTurn?.turnId, turn.id);
    assert.equal(thread.settings.model, 'gpt-5.5');
    assert.equal(thread.settings.reasoningEffort, 'high');
    assert.deepEqual(subscribed, [7]);
    assert.deepEqual(client.sent.map((sent) => sent.method), ['thread/settings/updated']);
    assert.equal(held.length, 1, 'the turn runs after the response');
  });

  it('announces nothing when the overrides change nothing', () => {
    const { control, afterResponse, caller } = rig();
    const thread = idleThread();
    const client = recordingChannel(1);
    control.startTurn(thread, { input: [], model: thread.settings.model }, caller(client), afterResponse);
    assert.deepEqual(client.sent, []);
  });

  it('puts the settings back, subscribes no one and starts nothing when the thread cannot run with them', () => {
    const { control, subscribed, held, afterResponse, caller } = rig((settings) => settings.model === 'broken');
    const thread = idleThread();
    const before = thread.settings;
    const client = recordingChannel(1);
    assert.throws(
      () => control.startTurn(thread, { input: [], model: 'broken' }, caller(client), afterResponse),
      ProviderConfigError,
    );
    assert.equal(thread.settings, before);
    assert.equal(thread.activeTurn, null);
    assert.deepEqual(subscribed, []);
    assert.deepEqual(client.sent, []);
    assert.deepEqual(held, []);
  });

  it('joins the input to a running turn and answers with that turn', () => {
    const { control, subscribed, afterResponse, caller } = rig();
    const thread = idleThread();
    thread.activeTurn = newActiveTurn('turn-running').active;
    const input = [{ type: 'text' as const, text: 'also this', text_elements: [] }];
    const turn = control.startTurn(thread, { input, clientUserMessageId: 'm1' }, caller(recordingChannel(3)), afterResponse);
    assert.equal(turn.id, 'turn-running');
    assert.deepEqual(thread.activeTurn.pendingSteers, [{ input, clientUserMessageId: 'm1' }]);
    assert.deepEqual(subscribed, [3]);
  });

  it('refuses input while a turn that takes none runs', () => {
    const { control, afterResponse, caller } = rig();
    const thread = idleThread();
    thread.activeTurn = newActiveTurn('turn-compact', 'compact').active;
    assert.deepEqual(
      refusalOf(() => control.startTurn(thread, { input: [] }, caller(recordingChannel(1)), afterResponse)),
      { kind: 'notSteerableSubmission', turnKind: 'compact' },
    );
  });
});

describe('ThreadControl.steer and interrupt', () => {
  it('refuse without a running turn, or when another turn runs, in the reference words', () => {
    const { control } = rig();
    const thread = idleThread();
    assert.throws(() => control.steer(thread, 'turn-1', [], null), { message: 'no active turn to steer' });
    assert.throws(() => control.interrupt(thread, 'turn-1'), { message: 'no active turn to interrupt' });
    thread.activeTurn = newActiveTurn('turn-2').active;
    assert.throws(() => control.steer(thread, 'turn-1', [], null), {
      message: 'expected active turn id turn-1 but found turn-2',
    });
    assert.deepEqual(refusalOf(() => control.interrupt(thread, 'turn-1')), {
      kind: 'otherTurnActive',
      expected: 'turn-1',
      found: 'turn-2',
    });
    assert.equal(thread.activeTurn.abort.signal.aborted, false);
  });

  it('steer queues the input for the turn’s next request; a review turn refuses it', () => {
    const { control } = rig();
    const thread = idleThread();
    thread.activeTurn = newActiveTurn('turn-1').active;
    assert.equal(control.steer(thread, 'turn-1', [], 'client-id'), 'turn-1');
    assert.deepEqual(thread.activeTurn.pendingSteers, [{ input: [], clientUserMessageId: 'client-id' }]);
    thread.activeTurn = newActiveTurn('turn-review', 'review').active;
    assert.deepEqual(refusalOf(() => control.steer(thread, 'turn-review', [], null)), { kind: 'notSteerable', turnKind: 'review' });
  });

  it('interrupt aborts the running turn', () => {
    const { control } = rig();
    const thread = idleThread();
    thread.activeTurn = newActiveTurn('turn-1').active;
    control.interrupt(thread, 'turn-1');
    assert.equal(thread.activeTurn.abort.signal.aborted, true);
  });
});

describe('ThreadControl.updateSettings', () => {
  it('changes the settings after the response, resolving a relative cwd from the current one', () => {
    const { control, held, afterResponse } = rig();
    const thread = idleThread();
    const client = recordingChannel(1);
    thread.subscribe(client);
    control.updateSettings(thread, { threadId: thread.id, cwd: 'sub', serviceTier: null }, {}, afterResponse);
    assert.equal(thread.settings.cwd, CWD, 'nothing changes before the response');
    for (const task of held) task();
    assert.equal(thread.settings.cwd, `${CWD}/sub`);
    assert.deepEqual(thread.settings.runtimeWorkspaceRoots, [`${CWD}/sub`]);
    assert.deepEqual(client.sent.map((sent) => sent.method), ['thread/settings/updated']);
  });

  it('waits for a running turn to end', async () => {
    const { control, held, afterResponse } = rig();
    const thread = idleThread();
    const { active, finished } = newActiveTurn('turn-1');
    thread.activeTurn = active;
    control.updateSettings(thread, { threadId: thread.id, model: 'gpt-5.5' }, {}, afterResponse);
    for (const task of held) task();
    assert.equal(thread.settings.model, 'gpt-5.4', 'the running turn keeps its settings');
    finished();
    await active.done;
    // The change is applied in a reaction queued on the turn's end.
    await Promise.resolve();
    assert.equal(thread.settings.model, 'gpt-5.5');
  });

  it('refuses, changing nothing, an unknown permission profile or settings the thread cannot run with', () => {
    const { control, held, afterResponse } = rig((settings) => settings.model === 'broken');
    const thread = idleThread();
    const before = thread.settings;
    assert.throws(
      () => control.updateSettings(thread, { threadId: thread.id, permissions: 'nope' }, {}, afterResponse),
      PermissionProfileError,
    );
    assert.throws(
      () => control.updateSettings(thread, { threadId: thread.id, model: 'broken' }, {}, afterResponse),
      ProviderConfigError,
    );
    assert.deepEqual(held, []);
    assert.equal(thread.settings, before);
  });
});

describe('ThreadControl.compact', () => {
  it('replaces a running turn: after the response it is interrupted', () => {
    const { control, subscribed, held, afterResponse, caller } = rig();
    const thread = idleThread();
    thread.activeTurn = newActiveTurn('turn-1').active;
    const running = thread.activeTurn;
    control.compact(thread, caller(recordingChannel(4)), afterResponse);
    assert.deepEqual(subscribed, [4]);
    assert.equal(running.abort.signal.aborted, false, 'not before the response');
    for (const task of held) task();
    assert.equal(running.abort.signal.aborted, true);
  });

  it('starts a compaction turn, which takes no input, on an idle thread', () => {
    const { control, afterResponse, caller } = rig();
    const thread = idleThread();
    control.compact(thread, caller(recordingChannel(1)), afterResponse);
    assert.equal(thread.activeTurn?.notSteerable, 'compact');
  });
});

describe('ThreadControl.review', () => {
  it('starts a review turn that takes no input, answered with its label, and subscribes the caller', () => {
    const { control, subscribed, held, afterResponse, caller } = rig();
    const thread = idleThread();
    const turn = control.review(thread, { type: 'uncommittedChanges' }, caller(recordingChannel(5)), afterResponse);
    assert.equal(thread.activeTurn?.turnId, turn.id);
    assert.equal(thread.activeTurn.notSteerable, 'review');
    assert.equal(turn.items[0]?.type, 'userMessage');
    assert.deepEqual(subscribed, [5]);
    assert.equal(held.length, 1, 'the review runs after the response');
  });

  it('starts nothing and subscribes no one when the thread cannot run a turn', () => {
    const { control, subscribed, held, afterResponse, caller } = rig(() => true);
    const thread = idleThread();
    assert.throws(
      () => control.review(thread, { type: 'uncommittedChanges' }, caller(recordingChannel(5)), afterResponse),
      ProviderConfigError,
    );
    assert.equal(thread.activeTurn, null);
    assert.deepEqual(subscribed, []);
    assert.deepEqual(held, []);
  });
});

describe('ThreadControl.runShellCommand', () => {
  it('subscribes the caller and runs the command only after the response', () => {
    const { control, subscribed, held, afterResponse, caller } = rig();
    const thread = idleThread();
    control.runShellCommand(thread, 'echo hi', null, caller(recordingChannel(6)), afterResponse);
    assert.deepEqual(subscribed, [6]);
    assert.equal(held.length, 1);
    assert.equal(thread.activeTurn, null, 'no turn before the response');
  });

  it('refuses, subscribing no one, when the thread cannot run a turn', () => {
    const { control, subscribed, held, afterResponse, caller } = rig(() => true);
    assert.throws(
      () => control.runShellCommand(idleThread(), 'echo hi', 1_000, caller(recordingChannel(6)), afterResponse),
      ProviderConfigError,
    );
    assert.deepEqual(subscribed, []);
    assert.deepEqual(held, []);
  });
});

describe('ThreadControl.injectItems and approveDeniedAction', () => {
  const identity = { originator: 'test', userAgent: 'test' };
  const deniedEvent = { status: 'denied', action: { type: 'command', command: 'rm -rf build' } };

  it('a running turn takes injected items at its next request; no one is subscribed', async () => {
    const { control, subscribed } = rig();
    const thread = idleThread();
    thread.activeTurn = newActiveTurn('turn-1').active;
    const item = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'context' }] };
    await control.injectItems(thread, [item], identity);
    assert.deepEqual(thread.activeTurn.pendingHistory, [item]);
    assert.deepEqual(thread.history, []);
    assert.deepEqual(subscribed, []);
  });

  it('refuses injected items when the thread cannot run a turn', async () => {
    const { control } = rig(() => true);
    const thread = idleThread();
    thread.activeTurn = newActiveTurn('turn-1').active;
    await assert.rejects(control.injectItems(thread, [], identity), ProviderConfigError);
    assert.deepEqual(thread.activeTurn.pendingHistory, []);
  });

  it('a denied action becomes a developer message naming it', async () => {
    const { control } = rig();
    const thread = idleThread();
    thread.activeTurn = newActiveTurn('turn-1').active;
    await control.approveDeniedAction(thread, deniedEvent, identity);
    const [message] = thread.activeTurn.pendingHistory;
    assert.equal(message?.type, 'message');
    assert.equal(message.role, 'developer');
    assert.match(JSON.stringify(message.content), /rm -rf build/);
  });

  it('any other status changes nothing, not even asking for the thread’s turn dependencies', async () => {
    const { control } = rig(() => true);
    const thread = idleThread();
    thread.activeTurn = newActiveTurn('turn-1').active;
    await control.approveDeniedAction(thread, { ...deniedEvent, status: 'approved' }, identity);
    assert.deepEqual(thread.activeTurn.pendingHistory, []);
  });
});

describe('ThreadControl.setGoal and clearGoal', () => {
  async function goalsRig(t: { after: (done: () => Promise<void>) => void }) {
    const goalsHome = await mkdtemp(join(tmpdir(), 'thread-control-goals-'));
    t.after(() => rm(goalsHome, { recursive: true, force: true }));
    const thread = idleThread();
    const client = recordingChannel(2);
    thread.subscribe(client);
    return { thread, client, ...rig(undefined, { loaded: [thread], goalsHome }) };
  }
  const identity = { originator: 'test', userAgent: 'test' };

  it('announces a loaded thread’s new goal and continues it after the response', async (t) => {
    const { control, thread, client, held, afterResponse } = await goalsRig(t);
    const goal = await control.setGoal(thread.id, { objective: 'ship it' }, identity, afterResponse);
    assert.equal(goal.status, 'active');
    assert.deepEqual(client.sent, [{ method: 'thread/goal/updated', params: { threadId: thread.id, turnId: null, goal } }]);
    assert.equal(held.length, 1, 'the continuation waits for the response');
  });

  it('changes a stored thread’s goal without announcing or continuing anything', async (t) => {
    const { control, client, held, afterResponse } = await goalsRig(t);
    const goal = await control.setGoal('thread-stored', { objective: 'later' }, identity, afterResponse);
    assert.equal(goal.objective, 'later');
    assert.deepEqual(client.sent, []);
    assert.deepEqual(held, []);
  });

  it('clears a goal once, announcing it to the loaded thread', async (t) => {
    const { control, thread, client, afterResponse } = await goalsRig(t);
    await control.setGoal(thread.id, { objective: 'ship it' }, identity, afterResponse);
    client.sent.length = 0;
    assert.equal(await control.clearGoal(thread.id), true);
    assert.equal(await control.clearGoal(thread.id), false);
    assert.deepEqual(client.sent, [{ method: 'thread/goal/cleared', params: { threadId: thread.id } }]);
  });
});

function refusalOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return refusal(error);
  }
  assert.fail('expected a refusal');
}
