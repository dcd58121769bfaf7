import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { parseRollout } from '../../../src/persistence/rollout-reader.js';
import { turnsFromRollout } from '../../../src/runtime/rollout/rollout-turns.js';
import { inflatedRollout } from '../../helpers/inflated-rollout.js';
import { REFERENCE_ROLLOUT, REFERENCE_THREAD } from '../../helpers/rollout-fixtures.js';
import { startThreadRig } from '../../helpers/thread-server.js';

/**
 * thread/read of a stored thread whose strings are long (the answers go out as the rollout's raw bytes) answers,
 * over a real websocket, the turns that decoding the whole rollout gives; non-canonical escapes take the usual way.
 */
describe('thread/read of a stored thread with long strings', () => {
  const cases = [
    { kind: 'canonical', escape: '', times: 1 },
    { kind: 'escaped slash', escape: '\\/', times: 1 },
  ];
  for (const { kind, escape, times } of cases) {
    it(`answers the decoded turns (${kind} strings)`, async (t) => {
      const rig = await startThreadRig(t);
      const bytes = inflatedRollout(await readFile(REFERENCE_ROLLOUT, 'utf8'), escape, false, times);
      const day = join(rig.server.codexHome, 'sessions', '2026', '11', '22');
      await mkdir(day, { recursive: true });
      await writeFile(join(day, basename(REFERENCE_ROLLOUT)), bytes);

      const expected = JSON.parse(JSON.stringify(turnsFromRollout(parseRollout(bytes, 'expected').lines))) as unknown;
      const result = await rig.client.call('thread/read', { threadId: REFERENCE_THREAD, includeTurns: true });
      assert.equal(result.thread.turns.length, 2);
      assert.ok(JSON.stringify(result.thread.turns).length > 40_000, 'the strings are long');
      assert.deepEqual(result.thread.turns, expected);
    });
  }

  it('streams answers of several MiB in fragments and answers the decoded turns', async (t) => {
    const rig = await startThreadRig(t);
    // Each answer of the fixture made 3 MiB long (ASCII with a few escapes and non-ASCII characters).
    const long = `${'lorem ipsum '.repeat(256 * 1024)}"é"\n😀`;
    const text = (await readFile(REFERENCE_ROLLOUT, 'utf8'))
      .split('\n')
      .map((line) => {
        if (!line.includes('"AgentMessage"')) return line;
        const value = JSON.parse(line) as { payload: { item: { content: { text: string }[] } } };
        for (const part of value.payload.item.content) part.text = `${part.text} ${long}`;
        return JSON.stringify(value);
      })
      .join('\n');
    const day = join(rig.server.codexHome, 'sessions', '2026', '11', '22');
    await mkdir(day, { recursive: true });
    await writeFile(join(day, basename(REFERENCE_ROLLOUT)), text);

    const expected = JSON.parse(JSON.stringify(turnsFromRollout(parseRollout(Buffer.from(text), 'expected').lines))) as unknown;
    const result = await rig.client.call('thread/read', { threadId: REFERENCE_THREAD, includeTurns: true });
    assert.ok(JSON.stringify(result.thread.turns).length > 6_000_000, 'the answers are long');
    assert.deepEqual(result.thread.turns, expected);
  });
});
