import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import {
  sseReply,
  startFakeModelServer,
  textTurnFrames,
  toolCallFrames,
  type FakeModelServer,
  type RecordedRequest,
  type SseReply,
} from '../helpers/fake-model-server.js';
import { RecordingWsProxy } from '../helpers/recording-ws-proxy.js';
import { loadReferenceSchema } from '../helpers/reference-schema.js';
import { exitCodeOf, PROJECT_ROOT, spawnCli, waitForListening, waitForStderr, type SpawnedCli } from '../helpers/server.js';
import { stdioServerToml } from '../helpers/mcp-fixture.js';
import { makeTempFile, makeTempHome } from '../helpers/temp-home.js';
import { TmuxTerminal } from '../helpers/tmux-terminal.js';
import { SUMMARIZATION_PROMPT } from '../../src/runtime/compaction/summary-prompt.js';

/**
 * The real Codex terminal UI (the pinned `@openai/codex` 0.169.0, `codex --remote`) driven in tmux against our
 * built server, whose model is the scripted fake. A recording websocket proxy sits between the two: every
 * message our server sends is validated against the reference schema, and a failure shows the frames both ways
 * next to the last screen. docs/protocol.md#what-clients-call-at-start-up describes what the UI sends and needs.
 */

const CODEX = join(PROJECT_ROOT, 'node_modules', '.bin', 'codex');
/** The composer's placeholder: the UI takes a prompt (one sent before its start-up finished waits for it). */
const COMPOSER_READY = 'Ask Codex to do anything';
/** The composer's prompt marker (also in front of each user message in the history). */
const PROMPT_MARK = '\u203a';

const GREETING_PROMPT = 'Hello from the e2e test';
const GREETING_CHUNKS = ['The fake model ', 'streams this ', 'answer to the terminal.'];
const FOLLOW_UP_PROMPT = 'One more question after the resume';
const FOLLOW_UP_ANSWER = 'The resumed thread answers too.';
const APPROVAL_PROMPT = 'Please run the e2e command';
const APPROVAL_COMMAND = 'echo e2e-approved-output';
const APPROVAL_CALL_ID = 'call_e2e_approval';
const APPROVAL_REASON = 'the e2e test wants to run this';
const APPROVED_ANSWER = 'The approved command has finished.';
/** What the fake model answers to `/compact`'s summary request. */
const COMPACTION_SUMMARY = 'The user greeted the agent; nothing else is pending.';
const SHELL_OUTPUT = 'e2e-shell-output';
const REVIEW_TITLE = '[P1] The e2e finding';
const REVIEW_EXPLANATION = 'The e2e review found one problem.';
/** The start of the UI's own title request (a side turn on an ephemeral thread after the first prompt). */
const TITLE_REQUEST = 'Generate a concise, single-line task title';

/** The text of a Responses-API input item (a message's text parts, or a tool output). */
function inputText(item: unknown): string {
  const record = (item ?? {}) as { content?: unknown; output?: unknown };
  if (typeof record.output === 'string') return record.output;
  if (!Array.isArray(record.content)) return '';
  return record.content.map((part) => String((part as { text?: unknown }).text ?? '')).join('');
}

/**
 * The fake model's script, by what each request carries: the UI's title request, the two scenario prompts, and
 * the follow-up request with the approved command's output. Anything else is answered with a text that names
 * it, so an unexpected request shows on screen instead of passing for an answer.
 */
function scriptedReply(request: RecordedRequest): SseReply {
  const input = ((request.body ?? {}) as { input?: unknown[] }).input ?? [];
  const last = input.at(-1) as { type?: string; call_id?: string } | undefined;
  const text = inputText(last);
  if (last?.type === 'function_call_output' && last.call_id === APPROVAL_CALL_ID) {
    return sseReply(textTurnFrames(text.includes('e2e-approved-output') ? [APPROVED_ANSWER] : [`unexpected tool output: ${text}`]));
  }
  if (text.startsWith(TITLE_REQUEST)) return sseReply(textTurnFrames(['Run the e2e test']));
  if (text === SUMMARIZATION_PROMPT) return sseReply(textTurnFrames([COMPACTION_SUMMARY]));
  if (text.startsWith('Review the uncommitted changes')) return sseReply(textTurnFrames([reviewAnswer(request)]));
  if (text === GREETING_PROMPT) return sseReply(textTurnFrames(GREETING_CHUNKS));
  if (text === FOLLOW_UP_PROMPT) return sseReply(textTurnFrames([FOLLOW_UP_ANSWER]));
  if (text === APPROVAL_PROMPT) {
    return sseReply(
      toolCallFrames({
        name: 'exec_command',
        callId: APPROVAL_CALL_ID,
        arguments: { cmd: APPROVAL_COMMAND, sandbox_permissions: 'require_escalated', justification: APPROVAL_REASON },
      }),
    );
  }
  return sseReply(textTurnFrames([`fake model: unexpected request ending with ${JSON.stringify(text.slice(0, 80))}`]));
}

/** The reviewer's JSON answer: one finding on a file of the working directory the review request names. */
function reviewAnswer(request: RecordedRequest): string {
  const input = ((request.body ?? {}) as { input?: unknown[] }).input ?? [];
  const cwd = /<cwd>([^<]*)<\/cwd>/.exec(input.map(inputText).join('\n'))?.[1] ?? '/tmp';
  return JSON.stringify({
    findings: [
      {
        title: REVIEW_TITLE,
        body: 'The e2e finding explains itself.',
        confidence_score: 0.9,
        priority: 1,
        code_location: { absolute_file_path: join(cwd, 'changed.txt'), line_range: { start: 1, end: 1 } },
      },
    ],
    overall_correctness: 'patch is incorrect',
    overall_explanation: REVIEW_EXPLANATION,
    overall_confidence_score: 0.8,
  });
}

/** The model is asked once per request; more than this many in one test is a failure of its own (a 500). */
const MAX_MODEL_REQUESTS = 16;

async function startScriptedModel(t: TestContext): Promise<FakeModelServer> {
  const fake = await startFakeModelServer(t);
  fake.enqueue(...Array.from({ length: MAX_MODEL_REQUESTS }, () => ({ kind: 'dynamic' as const, reply: scriptedReply })));
  return fake;
}

/** config.toml of our server: the fake model, and approvals on request (what makes the UI show its dialog). */
function serverConfig(fake: FakeModelServer, extra = ''): string {
  return [
    'model = "mock-model"',
    'model_provider = "mock"',
    'approval_policy = "on-request"',
    '[model_providers.mock]',
    'name = "mock"',
    `base_url = "${fake.baseUrl}"`,
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    // Tables of their own (an MCP server), after the provider's.
    extra,
    '',
  ].join('\n');
}

interface OurServer {
  readonly cli: SpawnedCli;
  /** The recording proxy in front of the server: the URL the UI connects to. */
  readonly proxy: RecordingWsProxy;
}

/** The built server on ws://127.0.0.1:0 with the given CODEX_HOME, behind a recording proxy. */
async function startOurServer(t: TestContext, codexHome: string, workDir: string, extraArgs: string[] = []): Promise<OurServer> {
  const cli = spawnCli(t, ['--listen', 'ws://127.0.0.1:0', ...extraArgs], { CODEX_HOME: codexHome, LOG_LEVEL: 'info' }, { cwd: workDir });
  const url = await waitForListening(cli);
  return { cli, proxy: await RecordingWsProxy.start(t, url) };
}

interface Scenario {
  readonly codexHome: string;
  readonly workDir: string;
  readonly server: OurServer;
}

/** A scripted model, our server's CODEX_HOME (with `configExtra` on top) and working directory, and the server on them. */
async function startScenario(t: TestContext, serverArgs: string[] = [], configExtra = ''): Promise<Scenario> {
  const fake = await startScriptedModel(t);
  const codexHome = await makeTempHome(t, serverConfig(fake, configExtra));
  const workDir = await makeWorkDir(t, 'e2e-server-cwd-');
  return { codexHome, workDir, server: await startOurServer(t, codexHome, workDir, serverArgs) };
}

async function stopOurServer(server: OurServer): Promise<void> {
  server.cli.child.kill('SIGTERM');
  assert.equal(await exitCodeOf(server.cli), 0, `our server did not stop cleanly: ${server.cli.stderr()}`);
}

/** A working directory for our server (threads run there) and one for the UI, removed after the test. */
async function makeWorkDir(t: TestContext, prefix: string): Promise<string> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), prefix)));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The UI's own CODEX_HOME, separate from the server's, without the start-up update check. */
function clientHome(t: TestContext): Promise<string> {
  return makeTempHome(t, 'check_for_update_on_startup = false\n');
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join('\n');
}

/** Starts `codex --remote <proxy> …args` in tmux; failures show the frames and our server's log. */
async function openUi(
  t: TestContext,
  server: () => OurServer,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<TmuxTerminal> {
  return TmuxTerminal.start(t, {
    command: [CODEX, '--remote', server().proxy.url, ...(options.args ?? [])],
    cwd: await makeWorkDir(t, 'e2e-ui-cwd-'),
    env: { CODEX_HOME: await clientHome(t), ...options.env },
    diagnostics: () =>
      [server().proxy.transcript(), '--- our server stderr (last 30 lines) ---', lastLines(server().cli.stderr(), 30)].join('\n'),
  });
}

/** The last line that starts with the prompt marker: the composer while it holds text. */
function composerLine(screen: string): string | undefined {
  return screen
    .split('\n')
    .filter((line) => line.startsWith(PROMPT_MARK))
    .at(-1)
    ?.trimEnd();
}

/** The UI took the prompt but holds it until its start-up (thread/start) has finished. */
const WAITING_FOR_STARTUP = 'Waiting for startup';

/**
 * Types a prompt and submits it. The text must show in the composer before Enter (typing arrives as a burst
 * the UI treats like a paste). A prompt submitted during start-up waits, shown as "Waiting for startup"; but an
 * Enter can also be swallowed while the UI starts, so Enter is pressed again when the text stays in the
 * composer without that note.
 */
async function submitPrompt(ui: TmuxTerminal, text: string): Promise<void> {
  const typed = `${PROMPT_MARK} ${text}`;
  await ui.type(text);
  await ui.waitUntil((screen) => composerLine(screen) === typed, `"${text}" in the composer`);
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    await ui.press('Enter');
    try {
      await ui.waitUntil((screen) => composerLine(screen) !== typed, `"${text}" to leave the composer`, 1_500);
      return;
    } catch {
      const screen = await ui.screen();
      if (screen.includes(WAITING_FOR_STARTUP)) {
        await ui.waitUntil((current) => composerLine(current) !== typed, `"${text}" to leave the composer after start-up`);
        return;
      }
    }
  }
  throw new Error(await ui.describe(`the prompt "${text}" stayed in the composer after 4 presses of Enter`));
}

/** Waits for the composer, sends the greeting and waits for its streamed answer. */
async function greet(ui: TmuxTerminal): Promise<void> {
  await ui.waitFor(COMPOSER_READY, 'the composer after start-up');
  await submitPrompt(ui, GREETING_PROMPT);
  await ui.waitFor(GREETING_CHUNKS.join(''), 'the streamed answer');
}

/** Every message our server sent through the proxy matches the reference schema (and there were some). */
async function assertServerFramesValid(proxy: RecordingWsProxy): Promise<void> {
  const { validated, violations } = await proxy.checkServerFrames();
  assert.ok(validated > 0, `no server message went through the proxy\n${proxy.transcript()}`);
  assert.deepEqual(violations, [], `${violations.length} of ${validated} server messages break the reference schema\n${violations.join('\n')}`);
}

/** Quits with `/quit`, checks the UI exits with status 0, and returns the thread id it prints for resuming. */
async function quitUi(ui: TmuxTerminal): Promise<string> {
  await submitPrompt(ui, '/quit');
  const status = await ui.exitStatus();
  const screen = await ui.screen();
  assert.equal(status, 0, await ui.describe(`the UI exited with status ${status}`));
  const resume = /resume ([0-9a-f-]{36})/.exec(screen);
  assert.ok(resume, await ui.describe('the UI printed no `resume <thread id>` hint on exit'));
  return resume[1] as string;
}

/** The id of the UI's main thread: the non-ephemeral `thread/start` our server answered. */
function mainThreadId(proxy: RecordingWsProxy): string | undefined {
  const ids = proxy
    .messages('server→client')
    .map((message) => (message.result as { thread?: { id?: string; ephemeral?: boolean } } | undefined)?.thread)
    .filter((thread) => thread?.ephemeral === false)
    .map((thread) => thread?.id);
  return ids[0];
}

/** Each scenario takes 5-15 s; the bound catches a hang that every bounded wait somehow missed. */
const SCENARIO_TIMEOUT = { timeout: 90_000 };

describe('the Codex terminal UI 0.169.0 against our server', () => {
  // Compiling the reference schema's validators takes seconds: start it while the first UI starts up.
  before(() => {
    void loadReferenceSchema().catch(() => undefined); // a failure shows where the frames are checked
  });

  it('starts, takes a prompt and shows the streamed answer', SCENARIO_TIMEOUT, async (t) => {
    const { server } = await startScenario(t);
    const ui = await openUi(t, () => server);
    await greet(ui);

    const methods = server.proxy.clientMethods();
    for (const method of ['initialize', 'thread/start', 'turn/start']) {
      assert.ok(methods.includes(method), `the UI never called ${method}\n${server.proxy.transcript()}`);
    }
    const deltas = server.proxy.messages('server→client').filter((message) => message.method === 'item/agentMessage/delta');
    assert.ok(deltas.length >= GREETING_CHUNKS.length, `the answer was not streamed as deltas\n${server.proxy.transcript()}`);
    await assertServerFramesValid(server.proxy);
  });

  it('shows the approval dialog, runs the accepted command, and quits cleanly', SCENARIO_TIMEOUT, async (t) => {
    const { server } = await startScenario(t);
    const ui = await openUi(t, () => server);

    await ui.waitFor(COMPOSER_READY, 'the composer after start-up');
    await submitPrompt(ui, APPROVAL_PROMPT);
    const dialog = await ui.waitFor('Would you like to run the following command?', 'the approval dialog');
    assert.ok(dialog.includes(`$ ${APPROVAL_COMMAND}`), await ui.describe('the dialog does not show the command'));
    assert.ok(dialog.includes(`Reason: ${APPROVAL_REASON}`), await ui.describe('the dialog does not show the reason'));
    await ui.press('y');
    await ui.waitFor(APPROVED_ANSWER, 'the final answer after the approved command');
    await ui.waitFor(/\u2514 e2e-approved-output/, "the command's output under its `Ran` line");

    const decisions = server.proxy
      .messages('client→server')
      .filter((message) => !('method' in message) && 'result' in message)
      .map((message) => message.result);
    assert.deepEqual(decisions, [{ decision: 'accept' }], `the UI's answers to server requests\n${server.proxy.transcript()}`);

    const threadId = await quitUi(ui);
    assert.equal(threadId, mainThreadId(server.proxy), 'the UI names the thread our server started');
    const methods = server.proxy.clientMethods();
    assert.ok(methods.includes('thread/unsubscribe'), `the UI did not unsubscribe on quit\n${server.proxy.transcript()}`);
    assert.ok(
      server.proxy.frames.some((frame) => frame.kind === 'close' && frame.direction === 'client→server'),
      `the UI did not close its websocket\n${server.proxy.transcript()}`,
    );
    await assertServerFramesValid(server.proxy);
  });

  it('resumes a thread after our server restarted', SCENARIO_TIMEOUT, async (t) => {
    const scenario = await startScenario(t);
    const { codexHome, workDir } = scenario;
    let server = scenario.server;
    const first = await openUi(t, () => server);
    await greet(first);
    const threadId = await quitUi(first);
    await assertServerFramesValid(server.proxy);

    await stopOurServer(server);
    server = await startOurServer(t, codexHome, workDir);
    const resumed = await openUi(t, () => server, { args: ['resume', threadId] });
    const screen = await resumed.waitFor(GREETING_CHUNKS.join(''), 'the earlier answer in the resumed conversation');
    assert.ok(screen.includes(`${PROMPT_MARK} ${GREETING_PROMPT}`), await resumed.describe('the earlier prompt is not shown'));
    const resume = server.proxy.messages('client→server').find((message) => message.method === 'thread/resume');
    assert.equal((resume?.params as { threadId?: string } | undefined)?.threadId, threadId, server.proxy.transcript());
    await submitPrompt(resumed, FOLLOW_UP_PROMPT);
    await resumed.waitFor(FOLLOW_UP_ANSWER, 'the answer to a prompt on the resumed thread');
    await assertServerFramesValid(server.proxy);
  });

  it('switches the thread to "Ask for approval" with /permissions', SCENARIO_TIMEOUT, async (t) => {
    const { server } = await startScenario(t);
    const ui = await openUi(t, () => server);
    await ui.waitFor(COMPOSER_READY, 'the composer after start-up');
    await submitPrompt(ui, '/permissions');
    await ui.waitFor('Update Model Permissions', 'the permissions menu');
    // The menu shows "Loading permission profiles…" until the next key after our answer arrives, with the
    // current profile (Read Only, the last one) selected; Down then wraps to the first.
    const profileAnswers = () =>
      server.proxy.messages('server→client').filter((message) => String(message.id).startsWith('tui-permission-profiles'))
        .length;
    await ui.waitUntil(() => profileAnswers() === 1, 'our answer to permissionProfile/list');
    await ui.press('Down');
    // On a loaded machine the UI has been seen to drop the menu at that key (the home screen came back): open it
    // again, a bounded number of times; the profiles it loaded stay loaded.
    let menu = '';
    for (let attempt = 1; attempt <= 3 && menu === ''; attempt += 1) {
      menu = await ui.waitFor(/\u203a 1\. Ask for approval/, 'the first profile selected', 5_000).catch(() => '');
      if (menu !== '' || attempt === 3) break;
      if (!(await ui.screen()).includes('Update Model Permissions')) {
        await submitPrompt(ui, '/permissions');
        await ui.waitFor('Update Model Permissions', 'the permissions menu, opened again');
      }
      await ui.press('Down');
    }
    if (menu === '') menu = await ui.waitFor(/\u203a 1\. Ask for approval/, 'the first profile selected');
    assert.ok(menu.includes('Read Only (current)'), await ui.describe('read-only is not shown as the current profile'));
    await ui.press('Enter');
    await ui.waitFor('Permission selection requested: Ask for approval', 'the confirmation of the choice');

    const update = server.proxy.messages('client→server').find((message) => message.method === 'thread/settings/update');
    const params = update?.params as { permissions?: string; approvalPolicy?: string } | undefined;
    assert.deepEqual(
      params && { permissions: params.permissions, approvalPolicy: params.approvalPolicy },
      { permissions: ':workspace', approvalPolicy: 'on-request' },
      server.proxy.transcript(),
    );
    const updated = server.proxy.messages('server→client').find((message) => message.method === 'thread/settings/updated');
    const settings = (updated?.params as { threadSettings?: Record<string, unknown> } | undefined)?.threadSettings;
    assert.deepEqual(settings?.activePermissionProfile, { id: ':workspace', extends: null }, server.proxy.transcript());
    assert.equal((settings?.sandboxPolicy as { type?: string } | undefined)?.type, 'workspaceWrite');

    await submitPrompt(ui, '/permissions');
    await ui.waitFor('Update Model Permissions', 'the permissions menu again');
    // The UI keeps the profiles it loaded; a key makes sure the menu is drawn.
    await ui.press('Down');
    await ui.waitFor(/Ask for approval \(current\)/, 'the new profile shown as current');
    await ui.press('Escape');
    await assertServerFramesValid(server.proxy);
  });

  it('connects over a unix socket with --remote unix://PATH', SCENARIO_TIMEOUT, async (t) => {
    const fake = await startScriptedModel(t);
    const codexHome = await makeTempHome(t, serverConfig(fake));
    const workDir = await makeWorkDir(t, 'e2e-server-cwd-');
    const socket = join(await makeWorkDir(t, 'e2e-socket-'), 'app-server.sock');
    const cli = spawnCli(t, ['--listen', `unix://${socket}`], { CODEX_HOME: codexHome, LOG_LEVEL: 'info' }, { cwd: workDir });
    await waitForStderr(cli, /listening on a unix socket/);
    const ui = await TmuxTerminal.start(t, {
      command: [CODEX, '--remote', `unix://${socket}`],
      cwd: await makeWorkDir(t, 'e2e-ui-cwd-'),
      env: { CODEX_HOME: await clientHome(t) },
      diagnostics: () => ['--- our server stderr (last 30 lines) ---', lastLines(cli.stderr(), 30)].join('\n'),
    });
    await greet(ui);
    await quitUi(ui);
    cli.child.kill('SIGTERM');
    assert.equal(await exitCodeOf(cli), 0, `our server did not stop cleanly: ${cli.stderr()}`);
    assert.ok(!existsSync(socket), 'the socket is removed on shutdown');
  });

  it('connects with the capability token and shows 401 Unauthorized with a wrong one', SCENARIO_TIMEOUT, async (t) => {
    const token = randomBytes(24).toString('base64url');
    const tokenFile = await makeTempFile(t, 'ws-token', `${token}\n`);
    const { server } = await startScenario(t, ['--ws-auth', 'capability-token', '--ws-token-file', tokenFile]);
    const tokenArgs = ['--remote-auth-token-env', 'E2E_WS_TOKEN'];

    const authorized = await openUi(t, () => server, { args: tokenArgs, env: { E2E_WS_TOKEN: token } });
    await greet(authorized);
    assert.equal(server.proxy.upgrades[0]?.status, 101, server.proxy.transcript());

    const refused = await openUi(t, () => server, { args: tokenArgs, env: { E2E_WS_TOKEN: `${token}-wrong` } });
    await refused.waitFor('401 Unauthorized', 'the refused connection on screen');
    const status = await refused.exitStatus();
    assert.notEqual(status, 0, await refused.describe('the UI exited with status 0 after a refused connection'));
    const upgrade = server.proxy.upgrades.at(-1);
    assert.deepEqual(upgrade && { status: upgrade.status, body: upgrade.body }, { status: 401, body: 'invalid websocket bearer token' });
    await assertServerFramesValid(server.proxy);
  });

  it('compacts the conversation with /compact and keeps running', SCENARIO_TIMEOUT, async (t) => {
    const { server } = await startScenario(t);
    const ui = await openUi(t, () => server);
    await greet(ui);
    await submitPrompt(ui, '/compact');
    // The UI used to exit with status 1 when thread/compact/start was not supported: wait for the compaction
    // turn to complete, then check the UI is still there and takes a prompt.
    const compacted = () =>
      server.proxy
        .messages('server→client')
        .some((message) => message.method === 'item/completed' && (message.params as { item?: { type?: string } }).item?.type === 'contextCompaction');
    await ui.waitUntil(compacted, 'the contextCompaction item to complete');
    const answer = server.proxy
      .messages('server→client')
      .find((message) => 'result' in message && server.proxy.messages('client→server').some((sent) => sent.method === 'thread/compact/start' && sent.id === message.id));
    assert.deepEqual(answer?.result, {}, server.proxy.transcript());
    await submitPrompt(ui, FOLLOW_UP_PROMPT);
    await ui.waitFor(FOLLOW_UP_ANSWER, 'the answer to a prompt after the compaction');
    await quitUi(ui);
    await assertServerFramesValid(server.proxy);
  });

  it('runs a `!` shell command and shows what the user ran and its output', SCENARIO_TIMEOUT, async (t) => {
    const { server } = await startScenario(t);
    const ui = await openUi(t, () => server);
    await ui.waitFor(COMPOSER_READY, 'the composer after start-up');
    // A leading `!` switches the composer to shell mode: the line then starts with `!` instead of the prompt mark.
    const shellLine = `! echo ${SHELL_OUTPUT}`;
    await ui.type(`!echo ${SHELL_OUTPUT}`);
    await ui.waitUntil((screen) => screen.split('\n').some((line) => line.trimEnd() === shellLine), 'the shell-mode composer');
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await ui.press('Enter');
      const sent = await ui
        .waitUntil((screen) => !screen.split('\n').some((line) => line.trimEnd() === shellLine), 'the command to leave the composer', 1_500)
        .then(() => true, () => false);
      if (sent) break;
    }
    await ui.waitFor(`You ran echo ${SHELL_OUTPUT}`, 'the shell command in the history');
    await ui.waitFor(new RegExp(`\u2514 ${SHELL_OUTPUT}`), "the command's output under it");
    const shell = server.proxy.messages('client→server').find((message) => message.method === 'thread/shellCommand');
    assert.equal((shell?.params as { command?: string } | undefined)?.command, `echo ${SHELL_OUTPUT}`, server.proxy.transcript());
    await quitUi(ui);
    await assertServerFramesValid(server.proxy);
  });

  it('runs /review of uncommitted changes and shows the findings', SCENARIO_TIMEOUT, async (t) => {
    const { server } = await startScenario(t);
    const ui = await openUi(t, () => server);
    await ui.waitFor(COMPOSER_READY, 'the composer after start-up');
    await ui.type('/review');
    await ui.waitUntil((screen) => composerLine(screen) === `${PROMPT_MARK} /review`, '/review in the composer');
    // Enter opens the presets; the selected one is marked with the prompt mark.
    const chosen = (screen: string) =>
      screen.split('\n').some((line) => line.includes(PROMPT_MARK) && line.includes('Review uncommitted changes'));
    for (let attempt = 1; attempt <= 4 && !(await ui.screen()).includes('Review uncommitted changes'); attempt += 1) {
      await ui.press('Enter');
      await ui.waitFor('Review uncommitted changes', 'the review presets', 1_500).catch(() => undefined);
    }
    for (let step = 0; step < 4 && !chosen(await ui.screen()); step += 1) await ui.press('Down');
    await ui.waitUntil(chosen, 'the uncommitted-changes preset selected');
    await ui.press('Enter');
    await ui.waitFor('Code review started', 'the start of the review');
    await ui.waitFor(REVIEW_TITLE, 'the finding on screen');
    await ui.waitFor(REVIEW_EXPLANATION, 'the review explanation');
    const review = server.proxy.messages('client→server').find((message) => message.method === 'review/start');
    assert.deepEqual((review?.params as { target?: unknown } | undefined)?.target, { type: 'uncommittedChanges' }, server.proxy.transcript());
    await quitUi(ui);
    await assertServerFramesValid(server.proxy);
  });
  it('lists the configured MCP server and its tools with /mcp', SCENARIO_TIMEOUT, async (t) => {
    const { server } = await startScenario(t, [], stdioServerToml('e2efx'));
    const ui = await openUi(t, () => server);
    await ui.waitFor(COMPOSER_READY, 'the composer after start-up');
    await submitPrompt(ui, '/mcp');
    await ui.waitFor(/e2efx: connected \(11 tools\)/, 'the MCP server and its tool count in /mcp');
    await submitPrompt(ui, '/mcp verbose');
    const screen = await ui.waitFor(
      '• Tools: ask, ask_url, client_capabilities, crash, echo, fail, grow, picture, read_echo, read_file, slow',
      'the MCP server\'s tools in /mcp verbose',
    );
    assert.ok(screen.includes('• Resources: readme (fixture://readme)'), await ui.describe('the resources are not listed'));
    assert.ok(server.proxy.clientMethods().includes('mcpServerStatus/list'), server.proxy.transcript());
    await assertServerFramesValid(server.proxy);
  });
});
