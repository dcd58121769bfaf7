import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { restartedServerClient } from '../../helpers/restarted-server.js';
import { resultOf, startTextTurn, startThread, startThreadRig, turnCompleted } from '../../helpers/thread-server.js';

type ThreadView = { id: string; gitInfo: unknown; daybreakEnabled: unknown; section: { id: string } | null };

describe('what clients set on threads', () => {
  it('Git metadata, sections and attachments outlive a restart; every connection hears moves and attachment changes', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['a'])), sseReply(textTurnFrames(['b']))] });
    const observer = await rig.connect('observer');
    const ids: string[] = [];
    for (const text of ['one', 'two']) {
      const threadId = await startThread(rig.client);
      await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, text));
      ids.push(threadId);
    }
    const [one, two] = ids as [string, string];
    await rig.client.call('thread/metadata/update', { threadId: one, gitInfo: { branch: 'feature', sha: 'abc' }, daybreakEnabled: false });
    const section = ((await rig.client.call('threadSection/create', { name: 'Review' }))['section'] as { id: string }).id;
    await rig.client.call('thread/section/move', { threadId: one, sectionId: section });
    await rig.client.call('thread/section/move', { threadId: two, sectionId: section, beforeThreadId: one });
    const added = await rig.client.call('thread/attachment/add', { threadId: two, attachmentType: 'pr', identityKey: 'repo#1', payload: { url: 'https://example.com/1' } });
    const attachment = added['attachment'] as { id: string };

    const moved = await observer.waitFor((m) => m.method === 'thread/section/changed' && (m.params as { threadId: string }).threadId === two);
    assert.deepEqual(moved.params, { threadId: two, sectionId: section });
    const updated = await observer.waitFor((m) => m.method === 'thread/attachment/updated');
    assert.deepEqual(updated.params, { threadId: two, attachmentType: 'pr', identityKey: 'repo#1', attachmentId: attachment.id, operation: 'created' });

    const client = await restartedServerClient(t, rig.server.codexHome);
    const read = (await client.call('thread/read', { threadId: one }))['thread'] as ThreadView;
    assert.deepEqual(read.gitInfo, { sha: 'abc', branch: 'feature', originUrl: null });
    assert.equal(read.daybreakEnabled, false);
    assert.equal(read.section?.id, section);
    const listed = await client.call('thread/list', { sectionId: section, sortKey: 'section_position' });
    assert.deepEqual((listed['data'] as ThreadView[]).map((thread) => thread.id), [two, one]);
    const unsectioned = await client.call('thread/list', { sectionId: null });
    assert.deepEqual(unsectioned['data'], []);
    const attachments = await client.call('thread/attachment/list', { threadId: two });
    assert.deepEqual((attachments['data'] as { id: string }[]).map((a) => a.id), [attachment.id]);
    const owners = await client.call('thread/attachmentOwner/list', { attachmentType: 'pr', identityKey: 'repo#1' });
    assert.deepEqual(owners['data'], [{ threadId: two, archived: false }]);

    // Out of the section: it shows no section, and the section lists only the other.
    await client.call('thread/section/move', { threadId: two, sectionId: null });
    const after = await client.call('thread/list', { sectionId: section, sortKey: 'section_position' });
    assert.deepEqual((after['data'] as ThreadView[]).map((thread) => thread.id), [one]);
    assert.equal(((await client.call('thread/read', { threadId: two }))['thread'] as ThreadView).section, null);
  });

  it('attachment lists page with the reference cursor form', async (t) => {
    const rig = await startThreadRig(t, { replies: [sseReply(textTurnFrames(['a']))] });
    const threadId = await startThread(rig.client);
    await turnCompleted(rig.client, await startTextTurn(rig.client, threadId, 'hello'));
    for (const key of ['k1', 'k2', 'k3']) {
      await rig.client.call('thread/attachment/add', { threadId, attachmentType: 'file', identityKey: key, payload: key });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await rig.client.call('thread/attachment/list', { threadId, limit: 2, cursor });
      seen.push(...(page['data'] as { identityKey: string }[]).map((a) => a.identityKey));
      cursor = page['nextCursor'] as string | null;
      if (cursor !== null) assert.match(cursor, new RegExp(`^${threadId}\\|\\d+\\|[0-9a-f-]{36}$`));
    } while (cursor !== null);
    assert.deepEqual(seen, ['k1', 'k2', 'k3']);
  });
});
