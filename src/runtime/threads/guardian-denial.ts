import type { ResponseItem } from '../../model/events.js';

/*
 * `thread/approveGuardianDeniedAction`: the user overrides an auto-review (Guardian) denial. The client sends back
 * the assessment event it was shown; a denied one becomes a developer message telling the model that exactly that
 * action is now allowed, once. Decoding is as strict as the reference's 0.169.0 [observed], whose error texts
 * follow the event's schema: present fields are checked in the order they come, then missing required ones in the
 * schema's order.
 */

/** A malformed event; the message follows `invalid Guardian denial event: `. */
export class GuardianEventError extends Error {}

const STATUSES = ['in_progress', 'approved', 'denied', 'timed_out', 'aborted'];
const RISK_LEVELS = ['low', 'medium', 'high', 'critical'];
const ACTION_TYPES = ['command', 'execve', 'write_stdin', 'apply_patch', 'network_access', 'mcp_tool_call', 'request_permissions'];
/** The fields each kind of action must carry, in schema order. */
const ACTION_FIELDS: Readonly<Record<string, readonly string[]>> = {
  command: ['source', 'command', 'cwd'],
  execve: ['source', 'program', 'argv', 'cwd'],
  write_stdin: [],
  apply_patch: ['cwd', 'files'],
  network_access: ['target', 'host', 'protocol', 'port'],
  mcp_tool_call: ['server', 'tool_name'],
  request_permissions: ['permissions'],
};

type Check = (value: unknown) => void;

const string: Check = (value) => {
  if (typeof value !== 'string') throw invalidType(value, 'a string');
};
const optional = (check: Check): Check => (value) => {
  if (value !== null) check(value);
};
const integer: Check = (value) => {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidType(value, 'i64');
};
const variant = (names: readonly string[]): Check => (value) => {
  string(value);
  if (!names.includes(value as string)) {
    throw new GuardianEventError(`unknown variant \`${String(value)}\`, expected one of ${names.map((n) => `\`${n}\``).join(', ')}`);
  }
};
const action: Check = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidType(value, 'internally tagged enum GuardianAssessmentAction');
  const record = value as Record<string, unknown>;
  if (!('type' in record)) throw new GuardianEventError('missing field `type`');
  variant(ACTION_TYPES)(record['type']);
  const missing = ACTION_FIELDS[record['type'] as string]!.find((field) => !(field in record));
  if (missing !== undefined) throw new GuardianEventError(`missing field \`${missing}\``);
};

/** The event's fields the reference knows, with their checks; `required` ones must be present. */
const FIELDS: Readonly<Record<string, { check: Check; required?: true }>> = {
  id: { check: string, required: true },
  target_item_id: { check: optional(string) },
  turn_id: { check: string },
  started_at_ms: { check: integer },
  completed_at_ms: { check: optional(integer) },
  status: { check: variant(STATUSES), required: true },
  risk_level: { check: optional(variant(RISK_LEVELS)) },
  user_authorization: { check: optional(string) },
  rationale: { check: optional(string) },
  decision_source: { check: optional(string) },
  action: { check: action, required: true },
};

export interface GuardianEvent {
  readonly status: string;
  readonly action: Readonly<Record<string, unknown>>;
}

/** The event, checked. */
export function decodeGuardianEvent(raw: unknown): GuardianEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidType(raw, 'struct GuardianAssessmentEvent');
  }
  const record = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) FIELDS[key]?.check(value);
  const missing = Object.entries(FIELDS).find(([key, field]) => field.required === true && !(key in record));
  if (missing !== undefined) throw new GuardianEventError(`missing field \`${missing[0]}\``);
  return { status: record['status'] as string, action: record['action'] as Record<string, unknown> };
}

/**
 * The developer message a denied event becomes (null for any other status: nothing to override). It names the
 * exact action so the model does not read it as a broader permission.
 */
export function approvalMessage(event: GuardianEvent): ResponseItem | null {
  if (event.status !== 'denied') return null;
  const approved = JSON.stringify({ action: event.action, outcome: 'allowed' }, null, 2);
  const text = [
    'The automatic approval reviewer denied the action below, and the user has now reviewed it and approved it themselves.',
    '',
    'You may perform exactly this action, with this payload, in the context where it was first requested.',
    'This approval covers this one action only: anything similar but different (another command, other arguments, other files or hosts) still needs its own approval.',
    '',
    'Approved action:',
    approved,
  ].join('\n');
  return { type: 'message', role: 'developer', content: [{ type: 'input_text', text }] };
}

/** The reference's wording of a value of the wrong type (as serde describes a JSON value). */
function invalidType(value: unknown, expected: string): GuardianEventError {
  let found: string;
  if (value === null) found = 'null';
  else if (typeof value === 'string') found = `string ${JSON.stringify(value)}`;
  else if (typeof value === 'number') found = 'number';
  else if (typeof value === 'boolean') found = `boolean \`${value}\``;
  else if (Array.isArray(value)) found = 'sequence';
  else found = 'map';
  return new GuardianEventError(`invalid type: ${found}, expected ${expected}`);
}
