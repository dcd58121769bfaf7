import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RecordedRequest } from '../../helpers/fake-model-server.js';
import { PARENT_PROMPT as PARENT, spawningParentScript } from '../../helpers/sub-agent-script.js';
import { startThread, startThreadRig } from '../../helpers/thread-server.js';

/*
 * Agent roles as this server offers them (docs/sub-agents.md#agent-roles): spawn_agent's `agent_type` parameter
 * and its list of roles, the names a role's agents go by, and the roles left out. What the reference does with the
 * same roles is compared in test/conformance/agent-roles-beside-reference.test.ts.
 */


interface SpawnTool {
  readonly name: string;
  readonly parameters: { readonly properties: Record<string, { readonly description?: string }> };
}

function spawnTool(request: RecordedRequest | undefined): SpawnTool {
  const tools = (request?.body as { tools: Array<{ name?: string; tools?: SpawnTool[] }> }).tools;
  const tool = tools.find((entry) => entry.name === 'multi_agent_v1')?.tools?.find((entry) => entry.name === 'spawn_agent');
  assert.ok(tool, 'spawn_agent is offered');
  return tool;
}

async function runParent(rig: Awaited<ReturnType<typeof startThreadRig>>): Promise<string> {
  const threadId = await startThread(rig.client);
  await rig.client.request('turn/start', { threadId, input: [{ type: 'text', text: PARENT }] });
  await rig.client.notification('turn/completed', (params) => params.threadId === threadId, 30_000);
  return threadId;
}

describe('agent roles', () => {
  it('without configured roles: no agent_type parameter, yet a built-in role can be named', { timeout: 60_000 }, async (t) => {
    const { replies, outputs } = spawningParentScript([{ message: 'CHILD worker', agent_type: 'worker' }]);
    const rig = await startThreadRig(t, { replies });
    await runParent(rig);
    assert.equal('agent_type' in spawnTool(rig.fake.requests[0]).parameters.properties, false);
    const spawned = JSON.parse(outputs[0] as string) as { agent_id: string };
    const child = (await rig.client.call('thread/read', { threadId: spawned.agent_id })).thread;
    assert.equal(child.agentRole, 'worker');
    assert.deepEqual(child.source, {
      subAgent: {
        thread_spawn: { parent_thread_id: child.parentThreadId, depth: 1, agent_path: null, agent_nickname: child.agentNickname, agent_role: 'worker' },
      },
    });
  });

  it('lists configured roles by name, then the built-in ones they leave, each with what it fixes', { timeout: 60_000 }, async (t) => {
    const { replies, outputs } = spawningParentScript([
      { message: 'CHILD zeta one', agent_type: 'zeta' },
      { message: 'CHILD zeta two', agent_type: 'zeta' },
      { message: 'CHILD broken', agent_type: 'broken' },
    ]);
    const configExtra = [
      '[agents]',
      'max_threads = 6',
      '[agents.zeta]',
      'description = "Last by name."',
      'config_file = "roles/zeta.toml"',
      'nickname_candidates = ["Zed", "Zoe"]',
      '[agents.explorer]',
      'description = "Our own explorer."',
      '[agents.broken]',
      'description = "Its settings are not valid."',
      'config_file = "roles/broken.toml"',
      '[agents.undescribed]',
      'config_file = "roles/zeta.toml"',
    ].join('\n');
    const rig = await startThreadRig(t, { replies, configExtra });
    const home = rig.server.codexHome;
    await mkdir(join(home, 'roles'), { recursive: true });
    await writeFile(join(home, 'roles', 'zeta.toml'), 'model = "gpt-5.6-terra"\nmodel_reasoning_effort = "high"\n');
    await writeFile(join(home, 'roles', 'broken.toml'), 'model_reasoning_effort = 5\n');
    await mkdir(join(home, 'agents'), { recursive: true });
    await writeFile(join(home, 'agents', 'alpha.toml'), 'name = "alpha"\ndescription = "First by name."\nmodel_reasoning_effort = "low"\n');
    await runParent(rig);

    const description = spawnTool(rig.fake.requests[0]).parameters.properties['agent_type']?.description ?? '';
    const headings = [...description.matchAll(/^### (.+)$/gm)].map((match) => match[1]);
    // Configured roles by name (explorer replaces the built-in one), then the built-ins left; none without a
    // description or with invalid settings.
    assert.deepEqual(headings, ['alpha', 'explorer', 'zeta', 'default', 'worker']);
    assert.match(description, /### alpha\nFirst by name\.\nAlways runs with reasoning effort `low`;/);
    assert.match(description, /### explorer\nOur own explorer\.\n###/);
    assert.match(description, /### zeta\nLast by name\.\nAlways runs with model `gpt-5\.6-terra` and reasoning effort `high`;/);

    const nicknames = outputs.slice(0, 2).map((output) => (JSON.parse(output) as { nickname: string }).nickname);
    assert.deepEqual([...nicknames].sort(), ['Zed', 'Zoe'], "a role's agents go by its own names, each a different one");
    assert.equal(outputs[2], "unknown agent_type 'broken'");
  });
});
