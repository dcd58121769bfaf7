import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type RecordedRequest, type SseReply, sseReply, startFakeModelServer, textTurnFrames } from '../helpers/fake-model-server.js';
import { startReferenceServer } from '../helpers/reference-server.js';
import { isNotification, RpcTestClient } from '../helpers/rpc-client.js';
import { startTestServer } from '../helpers/server.js';
import { PARENT_PROMPT as PARENT, spawningParentScript } from '../helpers/sub-agent-script.js';
import { leftBehind } from '../helpers/temp-home.js';
import { mockProviderConfig } from '../helpers/thread-server.js';

/*
 * Agent roles on this server and on the pinned reference, with the same roles configured and the same scripted
 * parent: a role that fixes the model and effort (and adds developer instructions) against a spawn asking for
 * others, a role that fixes only the effort, a role found in CODEX_HOME/agents, built-in and blank roles, an unknown
 * role, a role whose file is missing and a role for a forked child. The answers the parent's model reads, the collab items, what each child's
 * model request carries and how the children are listed must match.
 */

const MODEL = 'sub-agent-custom-model';

/** The spawns the parent makes, one per step; the children are told apart by their task. */
const SPAWNS: readonly Record<string, unknown>[] = [
  { message: 'CHILD reviewer', agent_type: 'reviewer', model: 'gpt-5.6-luna', reasoning_effort: 'low' },
  { message: 'CHILD effort', agent_type: 'effortonly', model: 'gpt-5.6-luna' },
  { message: 'CHILD unknown', agent_type: 'nope' },
  // Configured, but its config_file does not exist: left out, so unknown too.
  { message: 'CHILD ghost', agent_type: 'ghost' },
  { message: 'CHILD forked', agent_type: 'reviewer', fork_context: true },
  { message: 'CHILD tester', agent_type: 'tester' },
  { message: 'CHILD explorer', agent_type: 'explorer' },
  { message: 'CHILD blank', agent_type: '  ' },
];
const SPAWNED_TASKS = ['CHILD reviewer', 'CHILD effort', 'CHILD tester', 'CHILD explorer', 'CHILD blank'];

const ROLES_CONFIG = [
  '[agents.reviewer]',
  'description = "Reviews the change."',
  'config_file = "roles/reviewer.toml"',
  'nickname_candidates = ["Alpha"]',
  '[agents.effortonly]',
  'description = "Thinks harder."',
  'config_file = "roles/effort.toml"',
  '[agents.ghost]',
  'description = "Its file is missing."',
  'config_file = "roles/missing.toml"',
].join('\n');

const ROLE_FILES: Readonly<Record<string, string>> = {
  'roles/reviewer.toml': 'model = "gpt-5.6-terra"\nmodel_reasoning_effort = "high"\ndeveloper_instructions = "REVIEWER RULES"\n',
  'roles/effort.toml': 'model_reasoning_effort = "high"\n',
  'agents/tester.toml': 'name = "tester"\ndescription = "Runs the tests."\nnickname_candidates = ["Tess"]\ndeveloper_instructions = "TESTER RULES"\n',
};

async function writeRoleFiles(home: string): Promise<void> {
  for (const [path, text] of Object.entries(ROLE_FILES)) {
    await mkdir(join(home, path, '..'), { recursive: true });
    await writeFile(join(home, path), text);
  }
}

interface Observed {
  readonly outputs: string[];
  readonly items: string[];
  readonly children: string[];
  readonly listed: string[];
  readonly offersAgentType: boolean;
}

/** What one child's model request says about its settings: model, effort, the role's developer instructions. */
function childRequestLine(request: RecordedRequest): string {
  const body = request.body as { model: string; reasoning?: { effort?: string }; input: Array<Record<string, unknown>> };
  const task = SPAWNED_TASKS.find((name) => JSON.stringify(body.input).includes(name)) ?? '?';
  const developerParts = body.input
    .filter((item) => item.role === 'developer' && Array.isArray(item.content))
    .flatMap((item) => (item.content as Array<{ text?: string }>).map((part) => part.text ?? ''));
  const rules = developerParts.filter((part) => part.endsWith('RULES'));
  return `${task}: ${body.model} effort=${body.reasoning?.effort ?? '-'} rules=${JSON.stringify(rules)}`;
}

async function observe(client: RpcTestClient, fake: { requests: readonly RecordedRequest[] }, outputs: string[], cwd: string): Promise<Observed> {
  const threadId = (await client.call('thread/start', { cwd })).thread.id;
  await client.request('turn/start', { threadId, input: [{ type: 'text', text: PARENT }] });
  await client.notification('turn/completed', (params) => params.threadId === threadId, 60_000);
  const ids = outputs.flatMap((output) => (output.startsWith('{') ? [(JSON.parse(output) as { agent_id: string }).agent_id] : []));
  // Every child has run its turn (and so has a rollout to be listed by).
  for (const id of ids) await client.notification('turn/completed', (params) => params.threadId === id, 30_000);
  const listed = (await client.call('thread/list', { sourceKinds: ['subAgent'] })).data;
  const named = (value: string) => ids.reduce((text, id, index) => text.replaceAll(id, `<${index}>`), value.replaceAll(threadId, '<parent>'));
  const items = client.received.flatMap((message) => {
    if (!isNotification(message, 'item/started') && !isNotification(message, 'item/completed')) return [];
    const { item } = message.params;
    if (message.params.threadId !== threadId || item.type !== 'collabAgentToolCall') return [];
    const states = Object.entries(item.agentsStates).map(([id, state]) => `${id}:${state?.status}`);
    return [named(`${message.method} ${item.tool} ${item.status} model=${item.model} effort=${item.reasoningEffort} ${states.join(',')}`)];
  });
  const first = fake.requests[0]?.body as { tools: Array<{ name?: string; tools?: Array<{ name: string; parameters: { properties: object } }> }> };
  const spawnTool = first.tools.find((tool) => tool.name === 'multi_agent_v1')?.tools?.find((tool) => tool.name === 'spawn_agent');
  return {
    // A nickname the role does not choose is drawn at random (from each server's own list).
    outputs: outputs.map((output) => named(output).replace(/"nickname":"(?!Alpha"|Tess")[^"]+"/, '"nickname":"<name>"')),
    items,
    children: fake.requests
      .filter((request) => !JSON.stringify((request.body as { input: unknown }).input).includes(PARENT))
      .map(childRequestLine)
      .sort(),
    listed: listed
      .map((thread) => {
        const spawn = (thread.source as { subAgent: { thread_spawn: { agent_role: string | null } } }).subAgent.thread_spawn;
        return `${thread.preview}: role=${thread.agentRole} source_role=${spawn.agent_role} ${thread.model} effort=${thread.reasoningEffort}`;
      })
      .sort(),
    offersAgentType: spawnTool !== undefined && 'agent_type' in spawnTool.parameters.properties,
  };
}

describe('agent roles beside the reference', () => {
  it('the same answers, items, child settings and listings for configured, built-in and refused roles', { timeout: 180_000 }, async (t) => {
    const cwd = await mkdtemp(join(tmpdir(), 'agent-roles-cwd-'));
    t.after(() => rm(cwd, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));

    const referenceScript = spawningParentScript(SPAWNS);
    const referenceFake = await startFakeModelServer(t, referenceScript.replies);
    const home = await mkdtemp(join(tmpdir(), 'agent-roles-home-'));
    t.after(() => rm(home, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    await writeFile(join(home, 'config.toml'), mockProviderConfig(referenceFake.baseUrl, ROLES_CONFIG).replace('mock-model', MODEL));
    await writeRoleFiles(home);
    const referenceClient = await startReferenceServer(t, home, cwd);
    const reference = await observe(referenceClient, referenceFake, referenceScript.outputs, cwd);

    const ourScript = spawningParentScript(SPAWNS);
    const ourFake = await startFakeModelServer(t, ourScript.replies);
    const server = await startTestServer(t, {}, mockProviderConfig(ourFake.baseUrl, ROLES_CONFIG).replace('mock-model', MODEL));
    await writeRoleFiles(server.codexHome);
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true }, 'reference-reader');
    const ours = await observe(client, ourFake, ourScript.outputs, cwd);

    assert.equal(reference.offersAgentType, true, 'the reference offers agent_type once roles are configured');
    assert.deepEqual(ours.outputs, reference.outputs, 'what the parent model reads');
    assert.deepEqual(ours.items, reference.items, "the parent's collab items");
    assert.deepEqual(ours.children, reference.children, "the children's model requests");
    assert.deepEqual(ours.listed, reference.listed, 'the children as thread/list shows them');
    assert.equal(ours.offersAgentType, reference.offersAgentType);
  });
});
