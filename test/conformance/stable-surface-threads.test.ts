import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../helpers/fake-model-server.js';
import type { ServerMessage } from '../helpers/rpc-client.js';
import { startBothSides } from '../helpers/side-by-side.js';
import type { Side } from '../helpers/side-by-side.js';
import { startTextTurn, startThread, turnCompleted } from '../helpers/thread-server.js';

const UNKNOWN = '00000000-0000-0000-0000-000000000000';
const TIMESTAMP_FIELDS = new Set(['createdAt', 'updatedAt', 'recencyAt', 'sectionEnteredAt']);

/**
 * A side's answer with what differs between the sides by nature named: ids it made (threads, sections,
 * attachments) as `<name>`, its home and cwd, and the clock (timestamps as `<time>`). Thread objects are reduced to
 * the fields these methods change.
 */
function comparable(side: Side, message: unknown, names: Map<string, string>): unknown {
  const { id: _id, ...rest } = message as ServerMessage;
  let text = JSON.stringify(rest).replaceAll(side.codexHome, '<home>').replaceAll(side.cwd, '<cwd>');
  for (const [id, name] of names) text = text.replaceAll(id, `<${name}>`);
  // Ids each side makes on its own (attachments, turns, read receipts).
  text = text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<iso-time>');
  text = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  return JSON.parse(text, (key, value: unknown) => {
    if (key === 'readState' || key === 'readStates') return undefined;
    if (key === 'data' && Array.isArray(value) && value.every((entry) => typeof entry === 'object' && entry !== null && 'sessionId' in entry)) {
      return value.map((entry: Record<string, unknown>) => reduced(entry));
    }
    if (TIMESTAMP_FIELDS.has(key) && typeof value === 'number') return '<time>';
    if (key === 'thread' && typeof value === 'object' && value !== null) return reduced(value as Record<string, unknown>);
    return value;
  });
}

/** A thread object reduced to what these methods change (the rest is pinned by the thread/* tests). */
function reduced(thread: Record<string, unknown>): Record<string, unknown> {
  const { id, gitInfo, daybreakEnabled, section, sectionEnteredAt, status, preview } = thread;
  return { id, gitInfo, daybreakEnabled, section, sectionEnteredAt, status, preview };
}

interface Script {
  /** Sends a request on both sides and asserts the same answer; `params` gets each side's names resolved. */
  same(method: string, params: Record<string, unknown>): Promise<unknown>;
  /** Remembers an id a side made under a name both sides share. */
  name(side: Side, id: string, name: string): void;
  id(side: Side, name: string): string;
  names(side: Side): Map<string, string>;
  readonly sides: readonly [Side, Side];
}

function script(sides: [Side, Side]): Script {
  const names = new Map<Side, Map<string, string>>(sides.map((side) => [side, new Map()]));
  const resolve = (side: Side, value: unknown): unknown =>
    JSON.parse(JSON.stringify(value), (_key, v: unknown) => {
      if (typeof v === 'string' && v.startsWith('<') && v.endsWith('>')) {
        const wanted = v.slice(1, -1);
        for (const [id, name] of names.get(side)!) if (name === wanted) return id;
      }
      return v;
    });
  return {
    sides,
    name: (side, id, name) => names.get(side)!.set(id, name),
    id: (side, name) => [...names.get(side)!].find(([, n]) => n === name)![0],
    names: (side) => names.get(side)!,
    async same(method, params) {
      const answers = [];
      for (const side of sides) {
        answers.push(comparable(side, await side.client.request(method, resolve(side, params)), names.get(side)!));
      }
      assert.deepEqual(answers[0], answers[1], `${method} ${JSON.stringify(params)}`);
      return answers[0];
    },
  };
}

/** Starts a thread with one finished turn on each side, named `name`. */
async function threadWithTurn(run: Script, name: string): Promise<void> {
  for (const side of run.sides) {
    const threadId = await startThread(side.client, { cwd: side.cwd });
    await turnCompleted(side.client, await startTextTurn(side.client, threadId, `hello from ${name}`));
    run.name(side, threadId, name);
  }
}

/** The params of the `method` notifications each side has received, comparable. */
function notified(run: Script, method: string): unknown[][] {
  return run.sides.map((side) =>
    side.client.received.filter((m) => m.method === method).map((m) => comparable(side, { params: m.params }, run.names(side))),
  );
}

describe('thread metadata methods answer as the reference 0.169.0 does', () => {
  it('thread/metadata/update patches Git metadata and the Daybreak choice, and refuses as the reference does', async (t) => {
    const run = script(await startBothSides(t, () => [sseReply(textTurnFrames(['hi'])), sseReply(textTurnFrames(['hi']))]));
    await threadWithTurn(run, 'a');
    await run.same('thread/metadata/update', { threadId: '<a>' });
    await run.same('thread/metadata/update', { threadId: '<a>', gitInfo: { sha: 'abc123', branch: 'main', originUrl: 'https://example.com/r.git' } });
    await run.same('thread/metadata/update', { threadId: '<a>', gitInfo: { sha: null } });
    await run.same('thread/metadata/update', { threadId: '<a>', gitInfo: { branch: '' } });
    await run.same('thread/metadata/update', { threadId: '<a>', gitInfo: {} });
    await run.same('thread/metadata/update', { threadId: '<a>', gitInfo: null });
    await run.same('thread/metadata/update', { threadId: '<a>', daybreakEnabled: true });
    await run.same('thread/metadata/update', { threadId: '<a>', projectId: '' });
    await run.same('thread/metadata/update', { threadId: '<a>', projectId: 'nope' });
    await run.same('thread/metadata/update', { threadId: UNKNOWN, gitInfo: { sha: 'a' } });
    await run.same('thread/metadata/update', { threadId: 'bad', gitInfo: { sha: 'a' } });
    await run.same('thread/metadata/update', {});
    await run.same('thread/read', { threadId: '<a>' });
    await run.same('thread/archive', { threadId: '<a>' });
    await run.same('thread/metadata/update', { threadId: '<a>', gitInfo: { originUrl: null } });
    await run.same('thread/unarchive', { threadId: '<a>' });
    await run.same('thread/list', {});
  });

  it('thread/attachment/* and thread/attachmentOwner/list keep attachments and announce changes', async (t) => {
    const run = script(await startBothSides(t, () => [sseReply(textTurnFrames(['hi'])), sseReply(textTurnFrames(['hi']))]));
    await threadWithTurn(run, 'a');
    for (const side of run.sides) run.name(side, await startThread(side.client, { cwd: side.cwd }), 'fresh');
    await run.same('thread/attachment/add', { threadId: '<a>', attachmentType: 'file', identityKey: 'k1', payload: { a: 1 } });
    await run.same('thread/attachment/add', { threadId: '<a>', attachmentType: 'file', identityKey: 'k1', payload: { a: 2 } });
    await run.same('thread/attachment/add', { threadId: '<a>', attachmentType: 'pr', identityKey: 'k2', payload: 'text' });
    await run.same('thread/attachment/add', { threadId: '<fresh>', attachmentType: 'file', identityKey: 'k1', payload: 1 });
    await run.same('thread/attachment/add', { threadId: '<a>', attachmentType: '', identityKey: 'k3', payload: null });
    await run.same('thread/attachment/add', { threadId: '<a>', attachmentType: 'x', identityKey: '', payload: null });
    await run.same('thread/attachment/add', { threadId: UNKNOWN, attachmentType: 'file', identityKey: 'k1', payload: 1 });
    await run.same('thread/attachment/add', { threadId: 'bad', attachmentType: 'file', identityKey: 'k1', payload: 1 });
    await run.same('thread/attachment/list', { threadId: '<a>' });
    await run.same('thread/attachment/list', { threadId: '<a>', cursor: 'garbage' });
    await run.same('thread/attachment/list', { threadId: UNKNOWN });
    await run.same('thread/attachment/list', { threadId: 'bad' });
    await run.same('thread/attachmentOwner/list', { attachmentType: 'file', identityKey: 'k1' });
    await run.same('thread/attachmentOwner/list', { attachmentType: 'file', identityKey: 'none' });
    await run.same('thread/attachmentOwner/list', { attachmentType: 'file', identityKey: 'k1', cursor: 'garbage' });
    await run.same('thread/attachment/remove', { threadId: '<a>', attachmentType: 'file', identityKey: 'k1' });
    await run.same('thread/attachment/remove', { threadId: '<a>', attachmentType: 'file', identityKey: 'k1' });
    await run.same('thread/attachment/remove', { threadId: UNKNOWN, attachmentType: 'file', identityKey: 'k1' });
    await run.same('thread/attachment/list', { threadId: '<a>' });
    await run.same('thread/archive', { threadId: '<a>' });
    await run.same('thread/attachmentOwner/list', { attachmentType: 'pr', identityKey: 'k2' });
    await run.same('thread/attachmentOwner/list', { attachmentType: 'pr', identityKey: 'k2', archived: false });
    await run.same('thread/delete', { threadId: '<a>' });
    await run.same('thread/attachmentOwner/list', { attachmentType: 'pr', identityKey: 'k2' });
    const [ours, reference] = notified(run, 'thread/attachment/updated');
    assert.equal(ours!.length, 3);
    assert.deepEqual(ours, reference);
  });

  it('thread/section/move orders threads in sections, shows them on the thread and announces each move', async (t) => {
    const run = script(await startBothSides(t, () => [sseReply(textTurnFrames(['hi'])), sseReply(textTurnFrames(['hi']))]));
    await threadWithTurn(run, 'a');
    await threadWithTurn(run, 'b');
    for (const side of run.sides) {
      const created = (await side.client.request('threadSection/create', { name: 'Work' }))['result'] as { section: { id: string } };
      run.name(side, created.section.id, 'section');
    }
    await run.same('thread/section/move', { threadId: '<a>', sectionId: '<section>' });
    await run.same('thread/section/move', { threadId: '<b>', sectionId: '<section>' });
    await run.same('thread/list', { sectionId: '<section>', sortKey: 'section_position' });
    await run.same('thread/section/move', { threadId: '<b>', sectionId: '<section>', beforeThreadId: '<a>' });
    await run.same('thread/list', { sectionId: '<section>', sortKey: 'section_position' });
    await run.same('thread/section/move', { threadId: '<a>', sectionId: 'nope' });
    await run.same('thread/section/move', { threadId: '<a>', sectionId: '<section>', beforeThreadId: UNKNOWN });
    await run.same('thread/section/move', { threadId: '<a>', sectionId: '<section>', beforeThreadId: '<a>' });
    await run.same('thread/section/move', { threadId: UNKNOWN, sectionId: '<section>' });
    for (const side of run.sides) run.name(side, await startThread(side.client, { cwd: side.cwd, ephemeral: true }), 'ephemeral');
    await run.same('thread/section/move', { threadId: '<ephemeral>', sectionId: '<section>' });
    await run.same('thread/metadata/update', { threadId: '<ephemeral>', gitInfo: { sha: 'x' } });
    await run.same('thread/attachment/add', { threadId: '<ephemeral>', attachmentType: 'a', identityKey: 'b', payload: 1 });
    await run.same('thread/read', { threadId: '<a>' });
    await run.same('thread/section/move', { threadId: '<a>', sectionId: '01984de2-8f74-7c91-a3b2-5c5e937cf318' });
    await run.same('thread/read', { threadId: '<a>' });
    await run.same('thread/section/move', { threadId: '<a>', sectionId: null });
    await run.same('thread/read', { threadId: '<a>' });
    await run.same('threadSection/delete', { sectionId: '<section>' });
    await run.same('thread/read', { threadId: '<b>' });
    const [ours, reference] = notified(run, 'thread/section/changed');
    assert.equal(ours!.length, 5);
    assert.deepEqual(ours, reference);
  });

  it('thread/inject_items refuses as the reference does', async (t) => {
    const run = script(await startBothSides(t, () => [sseReply(textTurnFrames(['hi'])), sseReply(textTurnFrames(['hi']))]));
    for (const side of run.sides) run.name(side, await startThread(side.client, { cwd: side.cwd }), 'fresh');
    const user = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] };
    await run.same('thread/inject_items', { threadId: '<fresh>', items: [] });
    await run.same('thread/inject_items', { threadId: '<fresh>', items: [{ bogus: 1 }] });
    await run.same('thread/inject_items', { threadId: '<fresh>', items: [{ type: 'message', role: 'user' }] });
    await run.same('thread/inject_items', { threadId: '<fresh>', items: 'x' });
    await run.same('thread/inject_items', { threadId: UNKNOWN, items: [user] });
    await run.same('thread/inject_items', { threadId: 'bad', items: [user] });
    await run.same('thread/inject_items', { threadId: '<fresh>', items: [user, { type: 'something_new' }] });
  });

  it('thread/inject_items announces nothing, whatever the items', async (t) => {
    const run = script(await startBothSides(t, () => [sseReply(textTurnFrames(['hi']))]));
    await threadWithTurn(run, 'a');
    const marks = run.sides.map((side) => side.client.received.length);
    const assistant = { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'summary' }] };
    const developer = { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'context' }] };
    await run.same('thread/inject_items', { threadId: '<a>', items: [assistant, developer] });
    // A marker request: everything sent before its answer has arrived.
    await run.same('thread/loaded/list', {});
    const after = run.sides.map((side, index) =>
      side.client.received.slice(marks[index]).filter((m) => typeof m.method === 'string').map((m) => m.method),
    );
    assert.deepEqual(after[0], after[1]);
    assert.deepEqual(after[0], []);
  });

  it('thread/approveGuardianDeniedAction decodes the event as strictly as the reference does', async (t) => {
    const run = script(await startBothSides(t, () => [sseReply(textTurnFrames(['hi']))]));
    await threadWithTurn(run, 'a');
    const method = 'thread/approveGuardianDeniedAction';
    const action = { type: 'command', source: 'shell', command: 'rm -rf build', cwd: '/tmp' };
    const denied = { id: 'review-1', turn_id: 't1', status: 'denied', risk_level: 'high', rationale: 'risky', action };
    for (const event of [
      {},
      null,
      'text',
      { id: 'r1' },
      { id: 'r1', status: 'denied' },
      { ...denied, status: 'bogus' },
      { ...denied, action: { type: 'bogus' } },
      { ...denied, action: { type: 'command' } },
      { ...denied, risk_level: 'x' },
      { ...denied, id: 5 },
    ]) {
      await run.same(method, { threadId: '<a>', event });
    }
    await run.same(method, { threadId: 'bad', event: denied });
    await run.same(method, { threadId: UNKNOWN, event: denied });
    await run.same(method, { threadId: UNKNOWN, event: {} });
    await run.same(method, { threadId: '<a>', event: { ...denied, status: 'approved' } });
    await run.same(method, { threadId: '<a>', event: denied });
  });
});
