import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { reasoningTurnFrames, sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import type { RecordedRequest } from '../../helpers/fake-model-server.js';
import { resultOf, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

type Message = { type: string; role?: string; content?: { text: string }[] };

function inputOf(request: RecordedRequest | undefined): Message[] {
  return (request?.body as { input: Message[] }).input;
}

function textsOf(message: Message | undefined): string[] {
  return (message?.content ?? []).map((part) => part.text);
}

async function workspace(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'model-request-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function turn(rig: Awaited<ReturnType<typeof startThreadRig>>, params: Record<string, unknown>): Promise<void> {
  const result = resultOf(await rig.client.request('turn/start', { input: [{ type: 'text', text: 'go' }], ...params }));
  await turnCompleted(rig.client, (result.turn as { id: string }).id);
}

describe('what the model is sent', () => {
  it('takes base instructions from model_instructions_file and puts developer_instructions first in the second developer message', async (t) => {
    const dir = await workspace(t);
    const file = join(dir, 'instructions.md');
    await writeFile(file, 'BASE FROM FILE');
    const rig = await startThreadRig(t, {
      replies: [sseReply(textTurnFrames(['ok']))],
      configExtra: `model_instructions_file = "${file}"\ndeveloper_instructions = "DEV FROM CONFIG"`,
    });
    const threadId = await startThread(rig.client, { cwd: dir });
    await turn(rig, { threadId });
    const [request] = await rig.fake.waitForRequests(1);
    const input = inputOf(request);
    assert.deepEqual(textsOf(input[0]), ['BASE FROM FILE']);
    assert.equal(input[1]?.role, 'developer');
    assert.equal(textsOf(input[1])[0], 'DEV FROM CONFIG');
    assert.match(textsOf(input[1]).at(-1) ?? '', /^<permissions instructions>/);
  });

  it('lets thread/start replace both, and uses our own instructions otherwise', async (t) => {
    const dir = await workspace(t);
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['a'])), sseReply(textTurnFrames(['b']))] });
    const custom = await startThread(rig.client, { cwd: dir, baseInstructions: 'BASE X', developerInstructions: 'DEV Y' });
    await turn(rig, { threadId: custom });
    const plain = await startThread(rig.client, { cwd: dir });
    await turn(rig, { threadId: plain });
    const [first, second] = await rig.fake.waitForRequests(2);
    assert.deepEqual(textsOf(inputOf(first)[0]), ['BASE X']);
    assert.equal(textsOf(inputOf(first)[1])[0], 'DEV Y');
    const ours = textsOf(inputOf(second)[0])[0] ?? '';
    // `mock-model` is not in the catalogue: no apply_patch, so the instructions say how to edit through the shell.
    assert.match(ours, /^You are Codex, a coding agent\./);
    assert.match(ours, /no dedicated editing tool/);
    assert.doesNotMatch(ours, /apply_patch/);
  });

  it('re-reads AGENTS.md when a turn moves the thread to another cwd', async (t) => {
    const dir = await workspace(t);
    const sub = join(dir, 'sub');
    await mkdir(sub);
    await writeFile(join(sub, 'AGENTS.md'), 'SUB doc\n');
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['a'])), sseReply(textTurnFrames(['b']))] });
    const threadId = await startThread(rig.client, { cwd: dir });
    // thread/start reports the files the instructions come from: none in this cwd, the sub directory's there.
    const there = await rig.client.call('thread/start', { cwd: sub });
    assert.deepEqual(there.instructionSources, [join(sub, 'AGENTS.md')]);
    await turn(rig, { threadId });
    await turn(rig, { threadId, cwd: sub });
    const [first, second] = await rig.fake.waitForRequests(2);
    const firstInput = inputOf(first);
    const secondInput = inputOf(second);
    // No AGENTS.md in the first cwd: the opening user message holds just the environment context.
    assert.equal(textsOf(firstInput[2]).length, 1);
    assert.match(textsOf(firstInput[2])[0] ?? '', /^<environment_context>/);
    // The second request repeats the first's input, then adds the new cwd's context before the user's message.
    assert.deepEqual(secondInput.slice(0, firstInput.length), firstInput);
    const added = secondInput[secondInput.length - 2];
    const [agents, environment] = textsOf(added);
    assert.equal(added?.role, 'user');
    assert.match(agents ?? '', new RegExp(`^# AGENTS.md instructions for ${sub}\\n\\n<INSTRUCTIONS>\\n[^]*SUB doc\\n\\n</INSTRUCTIONS>$`));
    assert.match(environment ?? '', new RegExp(`<cwd>${sub}</cwd>`));
  });

  it('identifies the installation, window and turn in headers and client_metadata', async (t) => {
    const dir = await workspace(t);
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['a']))] });
    const threadId = await startThread(rig.client, { cwd: dir, sandbox: 'read-only' });
    await turn(rig, { threadId });
    const [request] = await rig.fake.waitForRequests(1);
    const installationId = await readFile(join(rig.server.codexHome, 'installation_id'), 'utf8');
    assert.match(installationId, /^[0-9a-f-]{36}$/);
    assert.equal(request?.headers['x-codex-window-id'], `${threadId}:0`);
    assert.equal(request?.headers['x-codex-beta-features'], 'remote_compaction_v2');
    const metadata = JSON.parse(String(request?.headers['x-codex-turn-metadata'])) as Record<string, unknown>;
    assert.equal(metadata.installation_id, installationId);
    assert.equal(metadata.thread_id, threadId);
    assert.equal(metadata.sandbox, 'seccomp');
    assert.equal(metadata.sandbox_mode, 'read-only');
    assert.equal(metadata.model, 'mock-model');
    assert.equal('reasoning_effort' in metadata, false);
    // Outside a git repository there is no workspace to describe.
    assert.equal('workspaces' in metadata, false);
    const clientMetadata = (request?.body as { client_metadata: Record<string, string> }).client_metadata;
    assert.equal(clientMetadata['x-codex-installation-id'], installationId);
    assert.equal(clientMetadata['x-codex-turn-metadata'], request?.headers['x-codex-turn-metadata']);
    assert.equal(clientMetadata.turn_id, clientMetadata.root_turn_id);
  });

  it('keeps reasoning items with their encrypted content in the rollout and replays them in later turns', async (t) => {
    const dir = await workspace(t);
    const rig = await startThreadRig(t, { replies: [sseReply(reasoningTurnFrames()), sseReply(textTurnFrames(['b']))] });
    const threadId = await startThread(rig.client, { cwd: dir });
    await turn(rig, { threadId });
    await turn(rig, { threadId });
    const [first, second] = await rig.fake.waitForRequests(2);
    assert.deepEqual((first?.body as { include: string[] }).include, ['reasoning.encrypted_content']);
    const replayed = inputOf(second).filter((item) => item.type === 'reasoning') as Array<Record<string, unknown>>;
    assert.deepEqual(replayed.map((item) => [item.id, item.encrypted_content]), [['rs_1', 'opaque']]);
    const read = await rig.client.call('thread/read', { threadId });
    const lines = (await readFile((read.thread as { path: string }).path, 'utf8')).trim().split('\n');
    const persisted = lines
      .map((line) => JSON.parse(line) as { type: string; payload: Record<string, unknown> })
      .filter((line) => line.type === 'response_item' && line.payload.type === 'reasoning');
    assert.deepEqual(persisted.map((line) => line.payload.encrypted_content), ['opaque']);
  });
});
