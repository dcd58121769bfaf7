import type { TestContext } from 'node:test';
import type { Broadcaster } from '../../src/runtime/clients/broadcast.js';
import type { UserInput } from '../../src/protocol/v2/user-input.js';
import { LoadedThread, type ActiveTurn } from '../../src/runtime/threads/loaded-thread.js';
import { resolveThreadSettings, type SessionOverrides } from '../../src/runtime/threads/thread-settings.js';
import type { TurnDependencies } from '../../src/runtime/turns/turn-dependencies.js';
import { startTurn } from '../../src/runtime/turns/turn-runner.js';
import { uuidv7 } from '../../src/util/ids.js';
import { createSilentLogger } from '../../src/util/logger.js';
import { within } from './fake-model-server.js';
import { RecordingChannel } from './recording-channel.js';
import { ScriptedModel, type ScriptedReply } from './scripted-model.js';
import { makeTempHome } from './temp-home.js';

/*
 * The turn loop without a server: an ephemeral loaded thread (no rollout), one subscribed in-process client, and the
 * scripted model, wired through the same TurnDependencies the thread manager builds. A turn runs in milliseconds and
 * the test reads what the thread emitted and what the model was asked.
 */

export interface InProcessThread {
  readonly thread: LoadedThread;
  readonly client: RecordingChannel;
  readonly model: ScriptedModel;
  /** The thread's CODEX_HOME and cwd, a temporary directory. */
  readonly home: string;
  /** What every turn runs with; a test may replace members (tools, hooks) before starting one. */
  dependencies: TurnDependencies;
  /**
   * Starts a turn with a text message; `ended` resolves once it has fully ended (turn/completed sent) and what the
   * client received matches the reference schema.
   */
  start(text: string): { readonly turnId: string; readonly ended: Promise<void> };
  /** Starts a turn and waits for it to end; resolves with its turn/completed params. */
  run(text: string): Promise<Record<string, unknown>>;
  /** Sends input into the running turn, as turn/steer does. */
  steer(text: string): void;
  /** Interrupts the running turn, as turn/interrupt does. */
  interrupt(): void;
}

export interface InProcessThreadOptions {
  readonly replies?: readonly ScriptedReply[];
  /** The thread's settings beyond the defaults (cwd: the temporary home). */
  readonly settings?: SessionOverrides;
}

/** A user message of one text part, as turn/start and turn/steer parse it. */
export function textInput(text: string): UserInput[] {
  return [{ type: 'text', text, text_elements: [] }];
}

export async function inProcessThread(t: TestContext, options: InProcessThreadOptions = {}): Promise<InProcessThread> {
  const home = await makeTempHome(t);
  const client = new RecordingChannel();
  const model = new ScriptedModel(options.replies);
  const thread = ephemeralThread(home, client, options.settings);
  thread.subscribe(client);
  // Whatever a test leaves running (a paused model, a tool waiting) ends with the test.
  t.after(() => thread.activeTurn?.abort.abort(new Error('test over')));

  const harness: InProcessThread = {
    thread,
    client,
    model,
    home,
    dependencies: {
      modelClient: model,
      identity: { originator: 'codex_unit_test', userAgent: 'codex_unit_test/0.0.0' },
      env: {},
      codexHome: home,
      log: createSilentLogger(),
      onPersisted: () => {},
      modelContextWindow: 272_000,
      autoCompactTokenLimit: null,
      remoteCompaction: false,
      onTurnEnded: async () => {},
      onTurnFinished: () => {},
      tools: [],
    },
    start(text) {
      if (thread.activeTurn !== null) throw new Error('a turn is already running');
      const turn = startTurn(thread, { input: textInput(text), clientUserMessageId: null }, harness.dependencies, (task) => task());
      const active = runningTurn(thread);
      // Once the turn is over, everything the client got is checked against the reference schema.
      const ended = within(active.done, `the end of turn ${turn.id}`).then(() => client.assertMatchesReference());
      return { turnId: turn.id, ended };
    },
    async run(text) {
      const { turnId, ended } = harness.start(text);
      await ended;
      return client.nextNotification('turn/completed', (params) => (params['turn'] as { id: string }).id === turnId);
    },
    steer(text) {
      runningTurn(thread).pendingSteers.push({ input: textInput(text), clientUserMessageId: null });
    },
    interrupt() {
      thread.activeTurn?.abort.abort(new Error('turn interrupted'));
    },
  };
  return harness;
}

/**
 * A loaded thread held only in memory (no rollout), working in `cwd`, whose status changes go to `everyone`. It has
 * no subscriber yet.
 */
export function ephemeralThread(cwd: string, everyone: Broadcaster, settings: SessionOverrides = {}): LoadedThread {
  const now = Date.now();
  return new LoadedThread({
    id: uuidv7(),
    createdAtMs: now,
    updatedAtMs: now,
    ephemeral: true,
    originator: 'codex_unit_test',
    cliVersion: '0.0.0',
    forkedFromId: null,
    baseInstructions: 'You are a scripted test agent.',
    settings: resolveThreadSettings({}, { cwd, ...settings }, cwd),
    rolloutPath: null,
    writer: null,
    name: null,
    preview: '',
    history: [],
    turns: [],
    tokenUsage: null,
    everyone,
  });
}

/** The thread's running turn; throws when there is none. */
function runningTurn(thread: LoadedThread): ActiveTurn {
  const active = thread.activeTurn;
  if (active === null) throw new Error('no turn is running');
  return active;
}
