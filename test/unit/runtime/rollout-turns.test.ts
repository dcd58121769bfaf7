import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRollout } from '../../../src/persistence/rollout-reader.js';
import type { RolloutLine } from '../../../src/persistence/rollout-schema.js';
import { TurnSchema } from '../../../src/protocol/v2/turn.js';
import type { Turn } from '../../../src/protocol/v2/turn.js';
import { turnsFromRollout } from '../../../src/runtime/rollout/rollout-turns.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/rollouts/', import.meta.url));

/** `<dir>/<name>.jsonl` beside the turns the reference reported for it, `<dir>-turns/<name>.json`. */
function pinnedFixtures(dir: string): { name: string; rollout: string; turns: string }[] {
  return readdirSync(join(FIXTURES, dir))
    .filter((file) => file.endsWith('.jsonl'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.jsonl'.length);
      return { name, rollout: join(FIXTURES, dir, file), turns: join(FIXTURES, `${dir}-turns`, `${name}.json`) };
    });
}

async function expectedTurns(path: string): Promise<Turn[]> {
  return JSON.parse(await readFile(path, 'utf8')) as Turn[];
}

async function turnsOf(path: string): Promise<Turn[]> {
  return turnsFromRollout((await readRollout(path)).lines);
}

const REFERENCE = pinnedFixtures('reference-0.169.0');
const EDITED = pinnedFixtures('edited-0.169.0');
const byName = (name: string): string => {
  const fixture = [...REFERENCE, ...EDITED].find((candidate) => candidate.name.includes(name));
  assert.ok(fixture, name);
  return fixture.rollout;
};

describe('turnsFromRollout', () => {
  describe('rollouts written by the reference 0.169.0 read back as the reference reports them', () => {
    assert.equal(REFERENCE.length, 6);
    for (const fixture of REFERENCE) {
      it(fixture.name, async () => {
        assert.deepEqual(await turnsOf(fixture.rollout), await expectedTurns(fixture.turns));
      });
    }
  });

  describe('hand-edited rollouts read back as the reference reports them', () => {
    assert.equal(EDITED.length, 7);
    for (const fixture of EDITED) {
      it(fixture.name, async () => {
        assert.deepEqual(await turnsOf(fixture.rollout), await expectedTurns(fixture.turns));
      });
    }
  });

  it('the pinned reference answers are valid Turn[] for our wire schema', async () => {
    for (const fixture of [...REFERENCE, ...EDITED]) {
      const parsed = TurnSchema.array().safeParse(await expectedTurns(fixture.turns));
      assert.ok(parsed.success, `${fixture.name}: ${parsed.error?.message}`);
    }
  });

  it('keeps the reasoning item between the user message and the answer', async () => {
    const [turn] = await turnsOf(byName('01a22681-da12'));
    assert.deepEqual(
      turn?.items.map((item) => item.type),
      ['userMessage', 'reasoning', 'agentMessage'],
    );
    const reasoning = turn?.items[1];
    assert.equal(reasoning?.type, 'reasoning');
    if (reasoning?.type === 'reasoning') {
      assert.deepEqual(reasoning.summary, ['Thinking about the answer', 'Second summary part']);
      assert.deepEqual(reasoning.content, ['raw reasoning text']);
    }
  });

  it('reports an interrupted turn without an error, and keeps only the items it completed', async () => {
    const [interrupted, next] = await turnsOf(byName('01a22681-e41d'));
    assert.equal(interrupted?.status, 'interrupted');
    assert.equal(interrupted?.error, null);
    assert.equal(interrupted?.durationMs, 514);
    assert.deepEqual(
      interrupted?.items.map((item) => item.type),
      ['userMessage'],
    );
    assert.equal(next?.status, 'completed');
  });

  it('reports a failed turn with the error task_complete carried', async () => {
    const [failed] = await turnsOf(byName('01a22681-efc9'));
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error?.codexErrorInfo, 'other');
    assert.match(failed?.error?.message ?? '', /fake model refuses this request/);
  });

  it('reports a turn that never ended as interrupted, with no completion time', async () => {
    const [turn] = await turnsOf(byName('unfinished-turn'));
    assert.equal(turn?.status, 'interrupted');
    assert.equal(turn?.completedAt, null);
    assert.equal(turn?.durationMs, null);
    assert.equal(turn?.items.length, 1);
  });

  it('finds no turns in a rollout that has only its session_meta', async () => {
    const [meta] = (await readRollout(byName('01a22681-da12'))).lines;
    assert.ok(meta);
    assert.deepEqual(turnsFromRollout([meta]), []);
    assert.deepEqual(turnsFromRollout([]), []);
  });

  it('ignores item_completed in a rollout without history_mode, like the reference', async () => {
    const lines = (await readRollout(byName('01a20274-0250'))).lines.map((line): RolloutLine => {
      if (line.type !== 'session_meta') return line;
      const { history_mode: _dropped, ...payload } = line.payload;
      return { ...line, payload };
    });
    const turns = turnsFromRollout(lines);
    assert.equal(turns.length, 2);
    assert.deepEqual(
      turns.map((turn) => turn.items.length),
      [0, 0],
    );
  });
});
