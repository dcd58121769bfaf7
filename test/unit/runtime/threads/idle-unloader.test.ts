import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import test, { type TestContext } from 'node:test';
import { DEFAULT_UNLOAD_DELAY_MS, IdleUnloader, unloadDelayFromConfig } from '../../../../src/runtime/threads/idle-unloader.js';
import { newActiveTurn, type LoadedThread } from '../../../../src/runtime/threads/loaded-thread.js';
import { ephemeralThread } from '../../../helpers/in-process-turn.js';
import { RecordingChannel } from '../../../helpers/recording-channel.js';

/*
 * When a thread nobody watches is unloaded, on a mocked clock: the delay is proven by moving time to just before it
 * (nothing happens) and onto it (the unload), with no real waiting.
 */

const DELAY_MS = 60_000;

interface Rig {
  readonly unloader: IdleUnloader;
  readonly thread: LoadedThread;
  readonly client: RecordingChannel;
  /** The threads unloaded so far, in order. */
  readonly unloaded: LoadedThread[];
  /** Whether the unloader should take the thread for the loaded one (false: it was reloaded meanwhile). */
  loaded: boolean;
}

function rig(t: TestContext): Rig {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const client = new RecordingChannel();
  const thread = ephemeralThread(tmpdir(), client);
  thread.subscribe(client);
  const unloaded: LoadedThread[] = [];
  const state: Rig = {
    unloader: new IdleUnloader({
      delayMs: DELAY_MS,
      isLoaded: () => state.loaded,
      unload: async (gone) => {
        unloaded.push(gone);
      },
      onError: (error) => assert.fail(String(error)),
    }),
    thread,
    client,
    unloaded,
    loaded: true,
  };
  t.after(() => state.unloader.close());
  return state;
}

/** The last subscriber leaves now, and the unloader is told, as the thread manager does. */
function leave({ thread, client, unloader }: Rig): void {
  thread.unsubscribe(client.connectionId, Date.now());
  unloader.watch(thread);
}

/** Nothing happens until the delay has passed from now, and the unload comes right then. */
function unloadsExactlyAfterTheDelay(t: TestContext, r: Rig): void {
  t.mock.timers.tick(DELAY_MS - 1);
  assert.deepEqual(r.unloaded, [], 'not a moment before the delay');
  t.mock.timers.tick(1);
  assert.deepEqual(r.unloaded, [r.thread]);
}

test('unloads a thread the delay after its last subscriber left, and not a moment before', (t) => {
  const r = rig(t);
  leave(r);
  unloadsExactlyAfterTheDelay(t, r);
});

test('keeps a thread whose subscriber came back, however long after', (t) => {
  const r = rig(t);
  leave(r);
  t.mock.timers.tick(DELAY_MS / 2);
  r.thread.subscribe(r.client);
  t.mock.timers.tick(DELAY_MS * 10);
  assert.deepEqual(r.unloaded, []);
});

test('a subscriber that comes and goes again restarts the clock', (t) => {
  const r = rig(t);
  leave(r);
  t.mock.timers.tick(DELAY_MS / 2);
  r.thread.subscribe(r.client);
  leave(r);
  unloadsExactlyAfterTheDelay(t, r);
});

test('keeps a thread while its turn runs, and counts the delay from the end of the turn', async (t) => {
  const r = rig(t);
  const { active, finished } = newActiveTurn('turn-1');
  r.thread.activeTurn = active;
  leave(r);
  t.mock.timers.tick(DELAY_MS * 2);
  assert.deepEqual(r.unloaded, [], 'a running turn keeps its thread');

  // The turn ends as a turn does: the thread's update time moves, then the turn's `done` resolves.
  r.thread.updatedAtMs = Date.now();
  r.thread.activeTurn = null;
  finished();
  // The unloader hears of the end first: it waited on `done` before this test did.
  await active.done;
  unloadsExactlyAfterTheDelay(t, r);
});

test('does nothing once closed', (t) => {
  const r = rig(t);
  leave(r);
  r.unloader.close();
  t.mock.timers.tick(DELAY_MS * 2);
  assert.deepEqual(r.unloaded, []);
});

test('leaves alone a thread that was unloaded and loaded again meanwhile', (t) => {
  const r = rig(t);
  leave(r);
  r.loaded = false;
  t.mock.timers.tick(DELAY_MS * 2);
  assert.deepEqual(r.unloaded, []);
});

test('takes the delay from thread_unload_delay_secs, else the reference default of 30 minutes', () => {
  assert.equal(unloadDelayFromConfig({ thread_unload_delay_secs: 2 }), 2000);
  assert.equal(unloadDelayFromConfig({ thread_unload_delay_secs: 0 }), 0);
  assert.equal(unloadDelayFromConfig({}), DEFAULT_UNLOAD_DELAY_MS);
  assert.equal(DEFAULT_UNLOAD_DELAY_MS, 30 * 60 * 1000);
  assert.equal(unloadDelayFromConfig({ thread_unload_delay_secs: -1 }), DEFAULT_UNLOAD_DELAY_MS);
  assert.equal(unloadDelayFromConfig({ thread_unload_delay_secs: 1.5 }), DEFAULT_UNLOAD_DELAY_MS);
});
