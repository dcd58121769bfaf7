import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coreItemFromThreadItem, threadItemFromCoreItem } from '../../../src/runtime/rollout/core-dialect/core-items.js';
import type { ThreadItem } from '../../../src/protocol/v2/items.js';

const PARENT = '01a24e78-646b-7d61-b33c-7111c1489895';
const CHILD = '01a24e78-77b7-7a32-abba-6f8684589d2b';

describe('collab items in the core dialect', () => {
  it('a spawn is written as the reference writes it (observed) and read back unchanged', () => {
    const item: ThreadItem = {
      type: 'collabAgentToolCall',
      id: 'call_1',
      tool: 'spawnAgent',
      status: 'completed',
      senderThreadId: PARENT,
      receiverThreadIds: [CHILD],
      prompt: 'CHILD A task',
      model: 'some-model',
      reasoningEffort: 'medium',
      agentsStates: { [CHILD]: { status: 'pendingInit', message: null } },
      startedAtMs: 1,
      completedAtMs: 2,
    };
    const core = coreItemFromThreadItem(item);
    assert.deepEqual(core, {
      type: 'CollabAgentToolCall',
      id: 'call_1',
      tool: 'spawn_agent',
      status: 'completed',
      sender_thread_id: PARENT,
      receiver_thread_ids: [CHILD],
      prompt: 'CHILD A task',
      model: 'some-model',
      reasoning_effort: 'medium',
      agents_states: { [CHILD]: 'pending_init' },
    });
    assert.deepEqual(threadItemFromCoreItem(core, { startedAtMs: 1, completedAtMs: 2 }), item);
  });

  it('a wait keeps final messages, and a failed call its notFound agents', () => {
    const wait = {
      type: 'CollabAgentToolCall',
      id: 'call_2',
      tool: 'wait',
      status: 'failed',
      sender_thread_id: PARENT,
      receiver_thread_ids: [CHILD, PARENT],
      receiver_agents: [{ thread_id: CHILD, agent_nickname: 'Carver' }],
      agents_states: { [CHILD]: { completed: 'A result' }, [PARENT]: 'not_found' },
    };
    const item = threadItemFromCoreItem(wait, { startedAtMs: null, completedAtMs: null });
    assert.deepEqual(item, {
      type: 'collabAgentToolCall',
      id: 'call_2',
      tool: 'wait',
      status: 'failed',
      senderThreadId: PARENT,
      receiverThreadIds: [CHILD, PARENT],
      prompt: null,
      model: null,
      reasoningEffort: null,
      agentsStates: { [CHILD]: { status: 'completed', message: 'A result' }, [PARENT]: { status: 'notFound', message: null } },
      startedAtMs: null,
      completedAtMs: null,
    });
  });
});
