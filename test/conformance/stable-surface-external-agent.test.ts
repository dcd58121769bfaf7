import assert from 'node:assert/strict';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { parse as parseToml } from 'smol-toml';
import { startServerWithHome, writeClaudeFixture } from '../helpers/claude-config-fixture.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { RpcTestClient } from '../helpers/rpc-client.js';
import type { ServerMessage } from '../helpers/rpc-client.js';
import type { ParamsOf } from '../helpers/protocol-types.js';
import { resultOf } from '../helpers/rpc-results.js';

import { leftBehind } from '../helpers/temp-home.js';

let oursClient: RpcTestClient | undefined;

interface Side {
  readonly client: RpcTestClient;
  readonly root: string;
  readonly repo: string;
  readonly repo2: string;
  readonly home: string;
  readonly codexHome: string;
}

async function fixtureRoot(t: TestContext, prefix: string) {
  const root = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  t.after(() => rm(root, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  return { root, ...(await writeClaudeFixture(root)) };
}

/** Our server and the reference, each with its own copy of the Claude Code fixture as HOME. */
async function startPair(t: TestContext): Promise<{ ours: Side; reference: Side }> {
  const oursFixture = await fixtureRoot(t, 'claude-ours-');
  const ours = await startServerWithHome(t, oursFixture.home, oursFixture.codexHome);
  oursClient = ours;

  const referenceFixture = await fixtureRoot(t, 'claude-reference-');
  const reference = await startReferenceServer(t, referenceFixture.codexHome, referenceFixture.root, {
    HOME: referenceFixture.home,
  });
  t.after(() => reference.close());
  return { ours: { client: ours, ...oursFixture }, reference: { client: reference, ...referenceFixture } };
}

/** A message without its id, with the side's fixture root written as `<root>`. */
function normalized(message: ServerMessage | undefined, side: Side): unknown {
  const { id: _id, emittedAtMs: _at, ...rest } = (message ?? {}) as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest).replaceAll(side.root, '<root>'));
}

async function sameAnswer(pair: { ours: Side; reference: Side }, method: string, params: (side: Side) => unknown) {
  const ours = normalized(await pair.ours.client.request(method, params(pair.ours)), pair.ours);
  const reference = normalized(await pair.reference.client.request(method, params(pair.reference)), pair.reference);
  assert.deepEqual(ours, reference, method);
  return ours as { result: { items: Array<Record<string, unknown>> } };
}

interface Results {
  params?: { itemTypeResults?: Array<{ successes: Array<{ source?: string }> }> };
}

/**
 * The reference reports one type's successes in no stable order (skills came in directory order, not sorted,
 * observed on 0.169.0), so they are compared sorted by source.
 */
function sortedSuccesses(message: unknown): unknown {
  for (const result of (message as Results).params?.itemTypeResults ?? []) {
    result.successes.sort((a, b) => String(a.source).localeCompare(String(b.source)));
  }
  return message;
}

/** Imports what detection found and returns the progress and completion notifications, the import id as `<id>`. */
async function runImport(side: Side, items: ParamsOf<'externalAgentConfig/import'>['migrationItems']) {
  const answer = await side.client.callRaw('externalAgentConfig/import', { migrationItems: items, providerId: 'claude' });
  assert.equal(answer.error, undefined, JSON.stringify(answer.error));
  const { importId } = resultOf(answer);
  assert.match(importId, /^[0-9a-f-]{36}$/);
  await side.client.notification('externalAgentConfig/import/completed', (params) => params.importId === importId);
  const answerIndex = side.client.received.indexOf(answer);
  const notifications = side.client.received
    .filter(
      (m) =>
        String(m.method ?? '').startsWith('externalAgentConfig/import/') &&
        typeof m.params === 'object' &&
        m.params !== null &&
        'importId' in m.params &&
        m.params.importId === importId,
    )
    .map((m) => {
      // The reference sometimes sends progress before its answer (observed); ours always answers first.
      if (side.client === oursClient) assert.ok(side.client.received.indexOf(m) > answerIndex, 'notifications follow the answer');
      return sortedSuccesses(JSON.parse(JSON.stringify(normalized(m, side)).replaceAll(importId, '<id>')));
    });
  return [notifications, importId] as const;
}

async function importedFiles(side: Side) {
  const read = (path: string) => readFile(join(side.root, path), 'utf8');
  const commandSkill = await read('.agents/skills/source-command-hello/SKILL.md');
  return {
    config: parseToml(await read('codex/config.toml')),
    repoConfig: parseToml(await read('repo/.codex/config.toml')),
    hooks: JSON.parse(await read('codex/hooks.json')) as unknown,
    agentsMd: await read('codex/AGENTS.md'),
    repoAgentsMd: await read('repo/AGENTS.md'),
    subagent: parseToml(await read('codex/agents/tester.toml')),
    skill: await read('.agents/skills/my-skill/SKILL.md'),
    commandSkillName: /^name: "source-command-hello"$/m.test(commandSkill),
    commandSkillKeepsTemplate: commandSkill.includes('Say hello to the user.'),
  };
}

describe('externalAgentConfig answers as the reference 0.169.0 does', () => {
  it('detect finds Claude Code configuration in the home and in repositories, then import brings it over', async (t) => {
    const pair = await startPair(t);
    const detected = await sameAnswer(pair, 'externalAgentConfig/detect', (side) => ({
      includeHome: true,
      cwds: [side.repo, join(side.root, 'missing')],
    }));
    assert.deepEqual(
      detected.result.items.map((item) => item['itemType']),
      ['CONFIG', 'MCP_SERVER_CONFIG', 'HOOKS', 'SKILLS', 'COMMANDS', 'SUBAGENTS', 'AGENTS_MD', 'MCP_SERVER_CONFIG', 'AGENTS_MD'],
    );
    await sameAnswer(pair, 'externalAgentConfig/detect', () => ({}));
    await sameAnswer(pair, 'externalAgentConfig/detect', (side) => ({ includeHome: false, cwds: [join(side.repo, '.claude')] }));

    const itemsFor = async (side: Side) =>
      (await side.client.call('externalAgentConfig/detect', { includeHome: true, cwds: [side.repo] })).items;
    const [ours, oursId] = await runImport(pair.ours, await itemsFor(pair.ours));
    const [reference, referenceId] = await runImport(pair.reference, await itemsFor(pair.reference));
    assert.deepEqual(ours, reference);

    const oursFiles = await importedFiles(pair.ours);
    assert.deepEqual(oursFiles, await importedFiles(pair.reference));
    assert.equal(oursFiles.commandSkillName, true);
    assert.equal(oursFiles.commandSkillKeepsTemplate, true);
    // Unlike the reference, our config writer keeps the user's comments.
    assert.match(await readFile(join(pair.ours.codexHome, 'config.toml'), 'utf8'), /# my settings/);

    // Everything imported: a second detection finds nothing left.
    const again = await sameAnswer(pair, 'externalAgentConfig/detect', (side) => ({ includeHome: true, cwds: [side.repo] }));
    assert.deepEqual(again.result.items, []);
    // The import is in the history under its import id, its successes flattened in the completed order.
    const history = async (side: Side, importId: string) => {
      const answer = normalized(await side.client.request('externalAgentConfig/import/readHistories', {}), side) as {
        result: { data: Array<{ importId: string; completedAtMs: number; successes: Array<{ source?: string }> }> };
      };
      assert.equal(answer.result.data.length, 1);
      const [record] = answer.result.data;
      assert.equal(record?.importId, importId);
      assert.equal(typeof record?.completedAtMs, 'number');
      return sortedSuccesses({ params: { itemTypeResults: [{ ...record, importId: '<id>', completedAtMs: 0 }] } });
    };
    assert.deepEqual(await history(pair.ours, oursId), await history(pair.reference, referenceId));
  });

  it("a repository's settings, hooks, skills, commands and subagents go into its .codex and .agents", async (t) => {
    const pair = await startPair(t);
    const detected = await sameAnswer(pair, 'externalAgentConfig/detect', (side) => ({ cwds: [side.repo2] }));
    assert.deepEqual(
      detected.result.items.map((item) => item['itemType']),
      ['CONFIG', 'HOOKS', 'SKILLS', 'COMMANDS', 'AGENTS_MD'],
    );
    const itemsFor = async (side: Side) => (await side.client.call('externalAgentConfig/detect', { cwds: [side.repo2] })).items;

    const [ours] = await runImport(pair.ours, await itemsFor(pair.ours));
    const [reference] = await runImport(pair.reference, await itemsFor(pair.reference));
    assert.deepEqual(ours, reference);
    const files = async (side: Side) => {
      const read = (path: string) => readFile(join(side.repo2, path), 'utf8');
      return {
        config: parseToml(await read('.codex/config.toml')),
        hooks: JSON.parse(await read('.codex/hooks.json')) as unknown,
        skill: await read('.agents/skills/rs/SKILL.md'),
        agentsMd: await read('AGENTS.md'),
        command: (await read('.agents/skills/source-command-c1/SKILL.md')).includes('Summarise the open issues.'),
      };
    };
    assert.deepEqual(await files(pair.ours), await files(pair.reference));
    assert.match(await readFile(join(pair.ours.repo2, '.codex/config.toml'), 'utf8'), /# repo settings/);
  });

  it('plugins without details fail, sessions are skipped, memory is refused', async (t) => {
    const pair = await startPair(t);
    const items: ParamsOf<'externalAgentConfig/import'>['migrationItems'] = [

      { itemType: 'PLUGINS', description: 'plugins', cwd: null },
      { itemType: 'SESSIONS', description: 'sessions' },
      { itemType: 'AGENTS_MD', description: 'nothing to import', cwd: null },
    ];
    await sameAnswer(pair, 'externalAgentConfig/import', () => ({
      migrationItems: [{ itemType: 'MEMORY', description: 'memory' }],
    }));
    // Without a CLAUDE.md the instructions item imports nothing and fails nothing.
    await rm(join(pair.ours.home, '.claude', 'CLAUDE.md'));
    await rm(join(pair.reference.home, '.claude', 'CLAUDE.md'));
    const [ours] = await runImport(pair.ours, items);
    const [reference] = await runImport(pair.reference, items);
    assert.deepEqual(ours, reference);
  });
});
