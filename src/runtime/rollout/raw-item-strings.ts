import type { EventMsg } from '../../persistence/rollout-schema.js';
import type { RawJsonStrings } from '../../util/raw-json-strings.js';

/**
 * Which long strings of a rollout may stay raw placeholders (util/raw-json-strings.ts) while turns are rebuilt:
 * only those the rebuild copies into a wire item untouched, checked against core-items.ts. The answer of an
 * AgentMessage (when it has one Text part: several are joined), the texts of a Reasoning, the text and image URL
 * of each UserMessage input, the text of a Plan, and `task_complete.last_agent_message` (never read). Every other
 * placeholder of the event is turned back into its string first, so code that looks at a value sees it as written.
 */
export function materializeEventPayload(payload: EventMsg, raw: RawJsonStrings): void {
  if (payload.type === 'item_completed') {
    const slots = passThroughSlots(payload['item']);
    raw.materialize(payload, (holder, key) => slots.get(holder)?.(key) === true);
  } else if (payload.type === 'task_complete') {
    raw.materialize(payload, (holder, key) => holder === payload && key === 'last_agent_message');
  } else raw.materialize(payload);
}

type KeyTest = (key: string | number) => boolean;

/** The objects of a core item whose string members (those the test accepts) are copied as they are. */
function passThroughSlots(item: unknown): Map<object, KeyTest> {
  const slots = new Map<object, KeyTest>();
  if (!isRecord(item)) return slots;
  const { type, content } = item;
  switch (type) {
    case 'AgentMessage':
      if (Array.isArray(content) && content.length === 1 && isRecord(content[0])) {
        slots.set(content[0], (key) => key === 'text');
      }
      break;
    case 'Reasoning':
      for (const list of [item['summary_text'], item['raw_content']]) {
        if (Array.isArray(list)) slots.set(list, () => true);
      }
      break;
    case 'UserMessage':
      if (!Array.isArray(content)) break;
      for (const input of content) {
        if (isRecord(input) && input['type'] === 'text') slots.set(input, (key) => key === 'text');
        else if (isRecord(input) && input['type'] === 'image') slots.set(input, (key) => key === 'image_url');
      }
      break;
    case 'Plan':
      slots.set(item, (key) => key === 'text');
      break;
  }
  return slots;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
