import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import * as z from 'zod';
import { convertSchema } from '../../src/protocol/json-schema.js';
import * as itemsAgents from '../../src/protocol/v2/items-agents.js';
import * as itemsMessages from '../../src/protocol/v2/items-messages.js';
import * as itemsResponseItem from '../../src/protocol/v2/items-response-item.js';
import * as itemsTools from '../../src/protocol/v2/items-tools.js';
import * as items from '../../src/protocol/v2/items.js';
import * as policies from '../../src/protocol/v2/policies.js';
import * as threadMethods from '../../src/protocol/v2/thread-methods.js';
import * as threadNotifications from '../../src/protocol/v2/thread-notifications.js';
import * as thread from '../../src/protocol/v2/thread.js';
import * as turnMethods from '../../src/protocol/v2/turn-methods.js';
import * as turn from '../../src/protocol/v2/turn.js';
import * as userInput from '../../src/protocol/v2/user-input.js';
import { loadReferenceSchema } from '../helpers/reference-schema.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Direction = 'input' | 'output';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const V2_BUNDLE = 'codex_app_server_protocol.v2.schemas.json';
const MODULES = [
  policies,
  userInput,
  itemsMessages,
  itemsTools,
  itemsAgents,
  itemsResponseItem,
  items,
  turn,
  thread,
  threadMethods,
  turnMethods,
  threadNotifications,
];

/** Params types of the Tier-1 client methods: everything they reach is input (compared strictly). */
const PARAMS_TYPES = [
  'ThreadStartParams',
  'ThreadResumeParams',
  'ThreadForkParams',
  'ThreadListParams',
  'ThreadReadParams',
  'ThreadTurnsListParams',
  'ThreadArchiveParams',
  'ThreadUnarchiveParams',
  'ThreadSetNameParams',
  'ThreadUnsubscribeParams',
  'TurnStartParams',
  'TurnSteerParams',
  'TurnInterruptParams',
];

const EXPERIMENTAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ThreadStartParams: threadMethods.THREAD_START_EXPERIMENTAL_FIELDS,
  ThreadResumeParams: threadMethods.THREAD_RESUME_EXPERIMENTAL_FIELDS,
  ThreadForkParams: threadMethods.THREAD_FORK_EXPERIMENTAL_FIELDS,
  ThreadListParams: threadMethods.THREAD_LIST_EXPERIMENTAL_FIELDS,
  TurnStartParams: turnMethods.TURN_START_EXPERIMENTAL_FIELDS,
  TurnSteerParams: turnMethods.TURN_STEER_EXPERIMENTAL_FIELDS,
};

/**
 * Deliberate differences from the reference, each with its reason. The comparison must find exactly these:
 * a new difference fails, and so does one of these disappearing.
 */
const KNOWN_DEVIATIONS = [
  // The reference ends CodexErrorInfo with an open `{"type": ["string", "object"]}` fallback; we emit only the
  // known variants and clients never send this type, so our schema stays closed.
  'CodexErrorInfo: alternative type:object|string of the reference is missing from ours',
  // Our reconnect-and-replay extension (docs/reliability.md#reconnect-and-replay), optional on both sides;
  // experimental, so gated like the reference's own experimental fields.
  'ThreadResumeParams.afterSeq: declared by us, unknown to the reference',
  'ThreadResumeResponse.replay: declared by us, unknown to the reference',
];

/** Experimental params fields of ours beyond the reference (see KNOWN_DEVIATIONS). */
const EXPERIMENTAL_EXTENSIONS: Readonly<Record<string, readonly string[]>> = { ThreadResumeParams: ['afterSeq'] };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every exported zod schema of the Tier-1 modules that carries a `.meta({ id })`, by id. */
function exportedNamedSchemas(): Map<string, z.ZodType> {
  const named = new Map<string, z.ZodType>();
  for (const module of MODULES) {
    for (const value of Object.values(module)) {
      if (!(value instanceof z.ZodType)) continue;
      const id = z.globalRegistry.get(value)?.id;
      if (typeof id !== 'string') continue;
      assert.ok(!named.has(id) || named.get(id) === value, `two exported schemas claim the id ${id}`);
      named.set(id, value);
    }
  }
  return named;
}

/** Converts schemas with the generator's own converter (src/protocol/json-schema.ts); returns every definition. */
function convert(schemas: ReadonlyMap<string, z.ZodType>): Map<string, JsonObject> {
  const wrapper = z.object(Object.fromEntries([...schemas].map(([id, schema]) => [`_${id}`, schema])));
  const { root, definitions: converted } = convertSchema(wrapper);
  const definitions = new Map<string, JsonObject>(Object.entries(converted));
  // A schema converted on its own (no id) sits in the wrapper's properties.
  for (const [key, body] of Object.entries(isObject(root.properties) ? root.properties : {})) {
    const id = key.slice(1);
    if (!definitions.has(id) && isObject(body)) definitions.set(id, body);
  }
  return definitions;
}

// ---------------------------------------------------------------------------------------------------------------
// Structural comparison of two draft-07 schemas: property names, required lists, enum values, nullability,
// named references, and integer formats. Annotations (descriptions, defaults, titles, bounds) are ignored.

const ANNOTATIONS = new Set(['description', 'default', 'title', '$schema', 'minimum', 'maximum', 'minLength', 'propertyNames']);

interface Shape {
  readonly nullable: boolean;
  readonly node: JsonObject | 'any';
}

function shapeOf(raw: Json | undefined): Shape {
  if (raw === true || raw === undefined) return { nullable: true, node: 'any' };
  if (!isObject(raw)) throw new Error(`unexpected schema ${JSON.stringify(raw)}`);
  let node: JsonObject = Object.fromEntries(Object.entries(raw).filter(([key]) => !ANNOTATIONS.has(key)));
  if ('const' in node) {
    const { const: value, ...rest } = node;
    node = { ...rest, enum: [value ?? null] };
  }
  if (Object.keys(node).length === 0) return { nullable: true, node: 'any' };
  if (Array.isArray(node.allOf) && node.allOf.length === 1 && Object.keys(node).length === 1) {
    return shapeOf(node.allOf[0]);
  }
  let nullable = false;
  if (Array.isArray(node.type) && node.type.includes('null')) {
    const types = node.type.filter((type) => type !== 'null');
    nullable = true;
    node = { ...node, type: types.length === 1 ? (types[0] as Json) : types };
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const alternatives = node[key];
    if (!Array.isArray(alternatives)) continue;
    const isNull = (s: Json): boolean => isObject(s) && s.type === 'null' && Object.keys(s).length === 1;
    if (!alternatives.some(isNull)) continue;
    nullable = true;
    const rest = alternatives.filter((s) => !isNull(s));
    const { [key]: _removed, ...others } = node;
    if (rest.length === 1 && Object.keys(others).length === 0) return { nullable, node: shapeOf(rest[0]).node };
    node = { ...others, [key]: rest };
  }
  return { nullable, node };
}

function refOf(node: JsonObject): string | undefined {
  return typeof node.$ref === 'string' ? node.$ref.split('/').pop() : undefined;
}

/** A node's alternatives: the branches of a union, or the node itself. Enum values are pooled. */
function alternativesOf(node: JsonObject): { values: Set<Json>; branches: Map<string, JsonObject> } {
  const values = new Set<Json>();
  const branches = new Map<string, JsonObject>();
  const isObjectNode = node.type === 'object' || isObject(node.properties);
  let list = (isObjectNode ? [node] : (node.oneOf ?? node.anyOf ?? [node])) as Json[];
  if (isObjectNode && Array.isArray(node.oneOf)) {
    // Fields shared by every variant (ThreadItem's lifecycle times) belong to each variant.
    const { oneOf, properties, required, ...rest } = node;
    list = oneOf.map((variant) => {
      const own = isObject(variant) ? variant : {};
      return {
        ...rest,
        ...own,
        properties: { ...(isObject(properties) ? properties : {}), ...(isObject(own.properties) ? own.properties : {}) },
        required: [...(Array.isArray(required) ? required : []), ...(Array.isArray(own.required) ? own.required : [])],
      };
    });
  }
  for (const [index, branch] of list.entries()) {
    const shape = shapeOf(branch);
    if (shape.node === 'any') {
      branches.set('any', {});
      continue;
    }
    const current = shape.node;
    if (Array.isArray(current.enum) && refOf(current) === undefined) {
      for (const value of current.enum) values.add(value);
      continue;
    }
    branches.set(branchKey(current, index), current);
  }
  return { values, branches };
}

function branchKey(node: JsonObject, index: number): string {
  const ref = refOf(node);
  if (ref !== undefined) return `$ref:${ref}`;
  const properties = isObject(node.properties) ? node.properties : {};
  const tag = isObject(properties.type) ? properties.type : undefined;
  const tagValue = tag?.const ?? (Array.isArray(tag?.enum) && tag.enum.length === 1 ? tag.enum[0] : undefined);
  if (typeof tagValue === 'string') return `type=${tagValue}`;
  const required = Array.isArray(node.required) ? node.required : [];
  if (node.additionalProperties === false && required.length === 1) return `{${String(required[0])}}`;
  if (node.type !== undefined) return `type:${[node.type].flat().sort().join('|')}`;
  return `#${index}`;
}

/** Properties of an object node, with those of its `anyOf` presence-alternatives (`{url} | {fileId}`) merged in. */
function flattenObject(node: JsonObject): { properties: JsonObject; required: Set<string> } {
  const properties: JsonObject = { ...(isObject(node.properties) ? node.properties : {}) };
  for (const alternative of Array.isArray(node.anyOf) ? node.anyOf : []) {
    if (isObject(alternative) && isObject(alternative.properties)) Object.assign(properties, alternative.properties);
  }
  const required = new Set((Array.isArray(node.required) ? node.required : []).map(String));
  return { properties, required };
}

function compareSchemas(path: string, ours: Json | undefined, theirs: Json | undefined, direction: Direction, problems: string[]): void {
  const a = shapeOf(ours);
  const b = shapeOf(theirs);
  // Input types must accept null exactly where the reference does; output may be narrower (never sends null).
  if (a.nullable !== b.nullable && !(direction === 'output' && b.nullable)) {
    problems.push(`${path}: nullable ${a.nullable} in ours, ${b.nullable} in the reference`);
  }
  if (a.node === 'any' || b.node === 'any') {
    if (a.node !== b.node) problems.push(`${path}: ${a.node === 'any' ? 'ours' : 'the reference'} accepts any JSON value`);
    return;
  }
  const [x, y] = [a.node, b.node];
  if (refOf(x) !== undefined || refOf(y) !== undefined) {
    if (refOf(x) !== refOf(y)) problems.push(`${path}: refers to ${refOf(x) ?? 'an inline type'}, reference to ${refOf(y) ?? 'an inline type'}`);
    return;
  }
  const ourAlternatives = alternativesOf(x);
  const theirAlternatives = alternativesOf(y);
  const missingValues = [...theirAlternatives.values].filter((value) => !ourAlternatives.values.has(value));
  const extraValues = [...ourAlternatives.values].filter((value) => !theirAlternatives.values.has(value));
  if (missingValues.length > 0) problems.push(`${path}: enum value(s) ${JSON.stringify(missingValues)} missing from ours`);
  if (extraValues.length > 0) problems.push(`${path}: enum value(s) ${JSON.stringify(extraValues)} unknown to the reference`);
  const single = ourAlternatives.branches.size === 1 && theirAlternatives.branches.size === 1;
  for (const [key, their] of theirAlternatives.branches) {
    const our = single ? [...ourAlternatives.branches.values()][0] : ourAlternatives.branches.get(key);
    if (!our) problems.push(`${path}: alternative ${key} of the reference is missing from ours`);
    else compareNode(single ? path : `${path}[${key}]`, our, their, direction, problems);
  }
  for (const key of ourAlternatives.branches.keys()) {
    if (!single && !theirAlternatives.branches.has(key)) problems.push(`${path}: alternative ${key} is unknown to the reference`);
  }
}

function compareNode(path: string, x: JsonObject, y: JsonObject, direction: Direction, problems: string[]): void {
  const typeOf = (node: JsonObject): string =>
    node.type !== undefined ? [node.type].flat().sort().join('|') : isObject(node.properties) ? 'object' : 'untyped';
  if (typeOf(x) !== typeOf(y)) {
    problems.push(`${path}: type ${typeOf(x)} in ours, ${typeOf(y)} in the reference`);
    return;
  }
  if (typeOf(x) === 'integer' && x.format !== y.format) {
    problems.push(`${path}: integer format ${String(x.format)} in ours, ${String(y.format)} in the reference`);
  }
  if (typeOf(x) === 'array') compareSchemas(`${path}[]`, x.items, y.items, direction, problems);
  if (typeOf(x) !== 'object') return;

  const ourObject = flattenObject(x);
  const theirObject = flattenObject(y);
  for (const field of Object.keys(ourObject.properties)) {
    if (!(field in theirObject.properties)) problems.push(`${path}.${field}: declared by us, unknown to the reference`);
  }
  for (const [field, their] of Object.entries(theirObject.properties)) {
    if (!(field in ourObject.properties)) {
      problems.push(`${path}.${field}: missing from ours`);
      continue;
    }
    if (theirObject.required.has(field) && !ourObject.required.has(field)) {
      problems.push(`${path}.${field}: required by the reference, optional in ours`);
    }
    if (direction === 'input' && ourObject.required.has(field) && !theirObject.required.has(field)) {
      problems.push(`${path}.${field}: optional in the reference's input, required in ours`);
    }
    compareSchemas(`${path}.${field}`, ourObject.properties[field], their, direction, problems);
  }
  const [ourExtra, theirExtra] = [x.additionalProperties, y.additionalProperties];
  if ((ourExtra === false) !== (theirExtra === false)) {
    problems.push(`${path}: unknown fields ${theirExtra === false ? 'refused' : 'accepted'} by the reference, not by ours`);
  } else if (isObject(theirExtra) || isObject(ourExtra)) {
    compareSchemas(`${path}{}`, ourExtra, theirExtra, direction, problems);
  }
}

/** Names of the reference definitions `roots` reach (themselves included). */
function reachable(roots: readonly string[], definitions: ReadonlyMap<string, JsonObject>): Set<string> {
  const found = new Set<string>();
  const pending = [...roots];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (found.has(name)) continue;
    found.add(name);
    for (const match of JSON.stringify(definitions.get(name) ?? {}).matchAll(/#\/definitions\/(\w+)/g)) {
      pending.push(match[1] as string);
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// The reference's schema, generated by the pinned binary (as schema-vs-reference.test.ts does).

async function generateReferenceDefinitions(workDir: string, experimental: boolean): Promise<Map<string, JsonObject>> {
  const outDir = join(workDir, experimental ? 'experimental' : 'stable');
  const home = `${outDir}-home`; // a private CODEX_HOME per run: the two generations run concurrently
  const launcher = await realpath(join(PROJECT_ROOT, 'node_modules', '.bin', 'codex'));
  const args = [launcher, 'app-server', 'generate-json-schema', ...(experimental ? ['--experimental'] : []), '--out', outDir];
  await promisify(execFile)(process.execPath, args, {
    env: { ...process.env, CODEX_HOME: home },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const bundle = JSON.parse(await readFile(join(outDir, V2_BUNDLE), 'utf8')) as JsonObject;
  const definitions = isObject(bundle.definitions) ? bundle.definitions : {};
  return new Map(Object.entries(definitions).filter((entry): entry is [string, JsonObject] => isObject(entry[1])));
}

function referenceValidators(definitions: ReadonlyMap<string, JsonObject>): (name: string) => ValidateFunction {
  const ajv = new Ajv({ strict: false, validateSchema: false });
  for (const format of ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'uint']) {
    ajv.addFormat(format, { type: 'number', validate: (value: number) => Number.isInteger(value) && (!format.startsWith('u') || value >= 0) });
  }
  for (const format of ['double', 'float']) ajv.addFormat(format, { type: 'number', validate: Number.isFinite });
  ajv.addSchema({ $id: 'reference', definitions: Object.fromEntries(definitions) });
  const cache = new Map<string, ValidateFunction>();
  return (name) => {
    let validate = cache.get(name);
    if (!validate) {
      assert.ok(definitions.has(name), `the reference has no definition ${name}`);
      validate = ajv.compile({ $ref: `reference#/definitions/${name}` });
      cache.set(name, validate);
    }
    return validate;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Samples: what the server will emit (shaped like the reference's observed output, docs/protocol.md#turns) and what
// clients send.

const THREAD_ID = '01a201e9-f37d-7043-b072-f9816175e7be';
const TURN_ID = '01a201ea-0c11-7d52-9d0e-4c6a1f0b9a21';
const NOW_MS = 1_763_800_000_000;
const NOW_S = 1_763_800_000;
const CWD = '/work/project';

const sandboxPolicy = {
  type: 'workspaceWrite',
  writableRoots: [],
  networkAccess: false,
  excludeTmpdirEnvVar: false,
  excludeSlashTmp: false,
} as const satisfies policies.SandboxPolicy;

/** A Thread as thread/start returns it (status idle, no turns). */
const threadSample = {
  id: THREAD_ID,
  environments: [{ environmentId: 'local', cwd: CWD, runtimeWorkspaceRoots: [CWD] }],
  extra: null,
  sessionId: THREAD_ID,
  forkedFromId: null,
  attachedToThreadId: null,
  parentThreadId: null,
  preview: '',
  ephemeral: false,
  section: null,
  sectionEnteredAt: null,
  projectId: null,
  historyMode: 'paginated',
  modelProvider: 'openai',
  model: 'gpt-5.5',
  reasoningEffort: 'medium',
  createdAt: NOW_S,
  updatedAt: NOW_S,
  recencyAt: NOW_S,
  status: { type: 'idle' },
  path: `/home/user/.codex/sessions/2026/11/22/rollout-2026-11-22T08-00-00-${THREAD_ID}.jsonl`,
  cwd: CWD,
  cliVersion: '0.169.0',
  originator: 'codex_vscode',
  source: 'vscode',
  canAcceptDirectInput: true,
  threadSource: null,
  agentNickname: null,
  agentRole: null,
  gitInfo: { sha: null, branch: 'main', originUrl: null },
  name: null,
  daybreakEnabled: null,
  turns: [],
} as const satisfies thread.Thread;

const sessionSettings = {
  thread: threadSample,
  model: 'gpt-5.5',
  modelProvider: 'openai',
  serviceTier: null,
  disabledPluginIds: [],
  cwd: CWD,
  runtimeWorkspaceRoots: [CWD],
  instructionSources: [`${CWD}/AGENTS.md`],
  approvalPolicy: 'on-request',
  approvalsReviewer: 'user',
  sandbox: sandboxPolicy,
  activePermissionProfile: { id: ':workspace', extends: null },
  reasoningEffort: 'medium',
  multiAgentMode: 'explicitRequestOnly',
} as const satisfies threadMethods.ThreadStartResponse;

const times = { startedAtMs: NOW_MS, completedAtMs: NOW_MS + 900 };
const agentMessage = {
  type: 'agentMessage',
  id: 'msg_0a1b2c',
  text: 'Hello! How can I help?',
  phase: 'final_answer',
  moderation: null,
  memoryCitation: null,
  delivery: null,
  questions: null,
  ...times,
} as const satisfies items.ThreadItem;

/** A Turn as turn/completed carries it: a summary with the final agent message. */
const completedTurn = {
  id: TURN_ID,
  rootTurnId: TURN_ID,
  items: [agentMessage],
  itemsView: 'summary',
  status: 'completed',
  error: null,
  startedAt: NOW_S,
  completedAt: NOW_S + 2,
  durationMs: 1834,
} as const satisfies turn.Turn;

const startedTurn = { ...completedTurn, items: [], itemsView: 'notLoaded', status: 'inProgress', completedAt: null, durationMs: null } as const;

/** One item of every ThreadItem variant, as the server emits them. */
const itemSamples: readonly items.ThreadItem[] = [
  { type: 'userMessage', id: 'u1', clientId: null, content: [{ type: 'text', text: 'hi', text_elements: [] }], ...times },
  { type: 'hookPrompt', id: 'h1', fragments: [{ text: 'Remember the tests.', hookRunId: 'run-1' }] },
  agentMessage,
  { type: 'functionCallOutput', id: 'f1', name: 'lookup', namespace: null, output: [{ type: 'input_text', text: 'ok' }] },
  { type: 'plan', id: 'p1', text: '1. Read\n2. Write' },
  { type: 'reasoning', id: 'r1', summary: ['Thinking about it'], content: [], startedAtMs: NOW_MS, completedAtMs: null },
  {
    type: 'commandExecution',
    id: 'call_1',
    command: "/bin/bash -lc 'ls -la'",
    cwd: CWD,
    processId: null,
    source: 'agent',
    status: 'completed',
    commandActions: [{ type: 'listFiles', command: 'ls -la', path: null }],
    aggregatedOutput: 'total 0\n',
    exitCode: 0,
    durationMs: 12,
    pluginId: null,
    scriptPath: null,
    ...times,
  },
  {
    type: 'fileChange',
    id: 'call_2',
    changes: [{ path: `${CWD}/a.txt`, kind: { type: 'update', move_path: null }, diff: '@@ -1 +1 @@\n-a\n+b\n' }],
    status: 'completed',
  },
  {
    type: 'mcpToolCall',
    id: 'call_3',
    server: 'docs',
    tool: 'search',
    status: 'completed',
    arguments: { q: 'zod' },
    appContext: null,
    mcpAppUi: null,
    pluginId: null,
    readOnlyHint: true,
    result: { content: [{ type: 'text', text: 'found' }], structuredContent: null, _meta: null },
    error: null,
    durationMs: 40,
  },
  {
    type: 'dynamicToolCall',
    id: 'call_4',
    namespace: null,
    tool: 'open_ticket',
    arguments: {},
    status: 'failed',
    contentItems: [{ type: 'inputText', text: 'denied' }],
    success: false,
    durationMs: null,
  },
  {
    type: 'collabAgentToolCall',
    id: 'call_5',
    tool: 'spawnAgent',
    status: 'completed',
    senderThreadId: THREAD_ID,
    receiverThreadIds: [TURN_ID],
    prompt: 'Check the docs',
    model: null,
    reasoningEffort: null,
    agentsStates: { [TURN_ID]: { status: 'running', message: null } },
  },
  {
    type: 'subAgentActivity',
    id: 's1',
    kind: 'started',
    agentThreadId: TURN_ID,
    agentPath: '/root/docs',
    model: 'gpt-5.5',
    reasoningEffort: 'low',
  },
  { type: 'webSearch', id: 'ws1', query: 'zod 4', action: { type: 'search', query: 'zod 4', queries: null }, results: null },
  { type: 'imageView', id: 'iv1', path: `${CWD}/logo.png` },
  { type: 'sleep', id: 'z1', durationMs: 1000 },
  {
    type: 'imageGeneration',
    id: 'ig1',
    status: 'completed',
    revisedPrompt: null,
    failure: null,
    generationId: null,
    result: 'aGVsbG8=',
  },
  { type: 'enteredReviewMode', id: 'rv1', review: 'current changes' },
  { type: 'exitedReviewMode', id: 'rv2', review: 'Looks good.' },
  { type: 'contextCompaction', id: 'cc1' },
];

const tokenUsage = {
  totalTokens: 1200,
  inputTokens: 1000,
  cachedInputTokens: 200,
  cacheWriteInputTokens: 0,
  outputTokens: 200,
  reasoningOutputTokens: 50,
};

/** Every ThreadItem tag, checked both ways by the compiler against the inferred type. */
const ITEM_TYPES: Record<items.ThreadItemType, true> = {
  userMessage: true,
  hookPrompt: true,
  agentMessage: true,
  functionCallOutput: true,
  plan: true,
  reasoning: true,
  commandExecution: true,
  fileChange: true,
  mcpToolCall: true,
  dynamicToolCall: true,
  collabAgentToolCall: true,
  subAgentActivity: true,
  webSearch: true,
  imageView: true,
  sleep: true,
  imageGeneration: true,
  enteredReviewMode: true,
  exitedReviewMode: true,
  contextCompaction: true,
};

/** Server notifications: method → [our params schema, params]. */
const notificationSamples: ReadonlyArray<readonly [string, z.ZodType, unknown]> = [
  ['thread/started', threadNotifications.ThreadStartedNotificationSchema, { thread: threadSample }],
  [
    'thread/status/changed',
    threadNotifications.ThreadStatusChangedNotificationSchema,
    { threadId: THREAD_ID, status: { type: 'active', activeFlags: ['waitingOnApproval'] } },
  ],
  ['thread/archived', threadNotifications.ThreadArchivedNotificationSchema, { threadId: THREAD_ID }],
  ['thread/unarchived', threadNotifications.ThreadUnarchivedNotificationSchema, { threadId: THREAD_ID }],
  ['thread/closed', threadNotifications.ThreadClosedNotificationSchema, { threadId: THREAD_ID }],
  ['thread/name/updated', threadNotifications.ThreadNameUpdatedNotificationSchema, { threadId: THREAD_ID, threadName: 'Renamed' }],
  [
    'thread/tokenUsage/updated',
    threadNotifications.ThreadTokenUsageUpdatedNotificationSchema,
    { threadId: THREAD_ID, turnId: TURN_ID, tokenUsage: { total: tokenUsage, last: tokenUsage, modelContextWindow: 272000 } },
  ],
  [
    'thread/settings/updated',
    threadNotifications.ThreadSettingsUpdatedNotificationSchema,
    {
      threadId: THREAD_ID,
      threadSettings: {
        disabledPluginIds: [],
        cwd: CWD,
        environments: null,
        approvalPolicy: 'never',
        approvalsReviewer: 'user',
        sandboxPolicy: { type: 'readOnly', networkAccess: false },
        activePermissionProfile: null,
        model: 'gpt-5.5',
        modelProvider: 'openai',
        serviceTier: null,
        effort: 'high',
        summary: 'auto',
        collaborationMode: { mode: 'default', settings: { model: 'gpt-5.5', reasoning_effort: 'high', developer_instructions: null } },
        multiAgentMode: 'explicitRequestOnly',
        personality: null,
      },
    },
  ],
  ['turn/started', threadNotifications.TurnStartedNotificationSchema, { threadId: THREAD_ID, turn: startedTurn }],
  ['turn/completed', threadNotifications.TurnCompletedNotificationSchema, { threadId: THREAD_ID, turn: completedTurn }],
  ['turn/diff/updated', threadNotifications.TurnDiffUpdatedNotificationSchema, { threadId: THREAD_ID, turnId: TURN_ID, diff: '' }],
  [
    'turn/plan/updated',
    threadNotifications.TurnPlanUpdatedNotificationSchema,
    { threadId: THREAD_ID, turnId: TURN_ID, explanation: null, plan: [{ step: 'Read', status: 'inProgress' }] },
  ],
  [
    'item/started',
    threadNotifications.ItemStartedNotificationSchema,
    { item: { ...agentMessage, text: '', completedAtMs: null }, threadId: THREAD_ID, turnId: TURN_ID, startedAtMs: NOW_MS },
  ],
  [
    'item/completed',
    threadNotifications.ItemCompletedNotificationSchema,
    { item: agentMessage, threadId: THREAD_ID, turnId: TURN_ID, contentTokenCount: null, completedAtMs: NOW_MS + 900 },
  ],
  [
    'item/agentMessage/delta',
    threadNotifications.AgentMessageDeltaNotificationSchema,
    { threadId: THREAD_ID, turnId: TURN_ID, itemId: 'msg_0a1b2c', delta: 'Hel' },
  ],
  [
    'item/reasoning/summaryTextDelta',
    threadNotifications.ReasoningSummaryTextDeltaNotificationSchema,
    { threadId: THREAD_ID, turnId: TURN_ID, itemId: 'r1', delta: 'Think', summaryIndex: 0 },
  ],
  [
    'item/reasoning/summaryPartAdded',
    threadNotifications.ReasoningSummaryPartAddedNotificationSchema,
    { threadId: THREAD_ID, turnId: TURN_ID, itemId: 'r1', summaryIndex: 1 },
  ],
  [
    'item/reasoning/textDelta',
    threadNotifications.ReasoningTextDeltaNotificationSchema,
    { threadId: THREAD_ID, turnId: TURN_ID, itemId: 'r1', delta: 'raw', contentIndex: 0 },
  ],
  [
    'error',
    threadNotifications.ErrorNotificationSchema,
    {
      error: {
        message: 'stream disconnected before completion',
        codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } },
        additionalDetails: null,
        misalignment: null,
      },
      willRetry: true,
      threadId: THREAD_ID,
      turnId: TURN_ID,
    },
  ],
  ['warning', threadNotifications.WarningNotificationSchema, { threadId: null, message: 'Unknown model metadata' }],
  ['serverRequest/resolved', threadNotifications.ServerRequestResolvedNotificationSchema, { threadId: THREAD_ID, requestId: 0 }],
  [
    'deprecationNotice',
    threadNotifications.DeprecationNoticeNotificationSchema,
    { summary: 'Full-history hydration is deprecated', details: null },
  ],
];

/** Results of client requests: method → [our result schema, result]. */
const resultSamples: ReadonlyArray<readonly [string, z.ZodType, unknown]> = [
  ['thread/start', threadMethods.ThreadStartResponseSchema, sessionSettings],
  ['thread/fork', threadMethods.ThreadForkResponseSchema, { ...sessionSettings, thread: { ...threadSample, forkedFromId: TURN_ID } }],
  [
    'thread/resume',
    threadMethods.ThreadResumeResponseSchema,
    {
      ...sessionSettings,
      thread: { ...threadSample, turns: [completedTurn] },
      collaborationMode: null,
      initialTurnsPage: null,
      turnsBackwardsCursor: null,
      itemsBackwardsCursor: null,
    },
  ],
  [
    'thread/list',
    threadMethods.ThreadListResponseSchema,
    {
      data: [{ ...threadSample, status: { type: 'notLoaded' }, environments: null, canAcceptDirectInput: null }],
      readStates: { [THREAD_ID]: { firstUnread: { type: 'turn', turnId: TURN_ID }, revision: TURN_ID } },
      nextCursor: null,
      backwardsCursor: THREAD_ID,
    },
  ],
  ['thread/read', threadMethods.ThreadReadResponseSchema, { thread: threadSample, readState: null }],
  ['thread/turns/list', threadMethods.ThreadTurnsListResponseSchema, { data: [completedTurn], nextCursor: null, backwardsCursor: null }],
  ['thread/archive', threadMethods.ThreadArchiveResponseSchema, {}],
  ['thread/unarchive', threadMethods.ThreadUnarchiveResponseSchema, { thread: { ...threadSample, status: { type: 'notLoaded' } } }],
  ['thread/name/set', threadMethods.ThreadSetNameResponseSchema, {}],
  ['thread/unsubscribe', threadMethods.ThreadUnsubscribeResponseSchema, { status: 'unsubscribed' }],
  ['turn/start', turnMethods.TurnStartResponseSchema, { turn: { ...startedTurn, startedAt: null } }],
  ['turn/steer', turnMethods.TurnSteerResponseSchema, { turnId: TURN_ID }],
  ['turn/interrupt', turnMethods.TurnInterruptResponseSchema, {}],
];

/** The JSON text a value becomes on the wire. */
function wire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

describe('Tier-1 protocol schemas against the reference (codex 0.169.0)', () => {
  let workDir = '';
  let reference = new Map<string, JsonObject>();
  let stable = new Map<string, JsonObject>();
  let validator: (name: string) => ValidateFunction = () => assert.fail('reference not loaded');
  const named = exportedNamedSchemas();
  const ours = convert(named);

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'tier1-schemas-'));
    [reference, stable] = await Promise.all([
      generateReferenceDefinitions(workDir, true),
      generateReferenceDefinitions(workDir, false),
    ]);
    validator = referenceValidators(reference);
  });
  after(() => rm(workDir, { recursive: true, force: true }));

  /** Asserts that `value` parses with our schema and that the reference accepts both it and what we parsed. */
  function roundTrip(name: string, schema: z.ZodType, value: unknown): void {
    const parsed = schema.safeParse(value);
    assert.ok(parsed.success, `${name}: our schema rejects the sample: ${parsed.error?.message}`);
    for (const candidate of [value, parsed.data]) {
      const validate = validator(name);
      assert.ok(validate(wire(candidate)), `${name}: the reference rejects ${JSON.stringify(candidate)}: ${JSON.stringify(validate.errors)}`);
    }
  }

  function directionOf(): (name: string) => Direction {
    const inputs = reachable(PARAMS_TYPES, reference);
    return (name) => (inputs.has(name) ? 'input' : 'output');
  }

  it('exports the Tier-1 types under the reference names', () => {
    assert.ok(named.size >= 100, `only ${named.size} named schemas found`);
    const unknown = [...named.keys()].filter((id) => !reference.has(id));
    assert.deepEqual(unknown, [], `ids the reference does not have: ${unknown.join(', ')}`);
    const missing = [...reachable(PARAMS_TYPES, reference)].filter((id) => !ours.has(id));
    assert.deepEqual(missing, [], `types the Tier-1 params reach that we do not define: ${missing.join(', ')}`);
  });

  it('declares the fields, required fields, enum values and nullability the reference declares', () => {
    const direction = directionOf();
    const problems: string[] = [];
    for (const [id, schema] of ours) {
      const theirs = reference.get(id);
      if (theirs) compareSchemas(id, schema, theirs, direction(id), problems);
    }
    assert.deepEqual(problems, KNOWN_DEVIATIONS, `differences from the reference:\n  ${problems.join('\n  ')}`);
  });

  it('finds a missing field, a wrongly required field and a missing enum value', () => {
    const problems: string[] = [];
    const broken: ReadonlyArray<readonly [string, z.ZodType, Direction]> = [
      ['Thread', thread.ThreadSchema.omit({ cwd: true }), 'output'],
      ['TurnStatus', z.enum(['completed', 'interrupted', 'inProgress']), 'output'],
      ['ThreadReadParams', threadMethods.ThreadReadParamsSchema.required({ includeTurns: true }), 'input'],
    ];
    for (const [id, schema, direction] of broken) {
      // Converted under a name of its own: the real schema of that name is among the definitions too.
      const converted = convert(new Map([[`Broken${id}`, schema]])).get(`Broken${id}`);
      compareSchemas(id, converted, reference.get(id), direction, problems);
    }
    assert.deepEqual(problems, [
      'Thread.cwd: missing from ours',
      'TurnStatus: enum value(s) ["failed"] missing from ours',
      "ThreadReadParams.includeTurns: optional in the reference's input, required in ours",
    ]);
  });

  it('lists as experimental exactly the params fields missing from the stable schema', () => {
    const fieldsOf = (definitions: Map<string, JsonObject>, id: string): string[] => {
      const properties = definitions.get(id)?.properties;
      return isObject(properties) ? Object.keys(properties) : [];
    };
    for (const id of PARAMS_TYPES) {
      const expected = [
        ...fieldsOf(reference, id).filter((field) => !fieldsOf(stable, id).includes(field)),
        ...(EXPERIMENTAL_EXTENSIONS[id] ?? []),
      ];
      assert.deepEqual([...(EXPERIMENTAL_FIELDS[id] ?? [])].sort(), expected.sort(), `${id} experimental fields`);
    }
  });

  it('emits results the reference accepts for every Tier-1 method', async () => {
    const referenceSchema = await loadReferenceSchema();
    for (const [method, schema, result] of resultSamples) {
      const parsed = schema.safeParse(result);
      assert.ok(parsed.success, `${method}: our result schema rejects the sample: ${parsed.error?.message}`);
      referenceSchema.validateResponse({ id: 1, result: wire(result) }, method);
      referenceSchema.validateResponse({ id: 1, result: wire(parsed.data) }, method);
    }
  });

  it('emits notifications the reference accepts, including turn/completed with an agent message', async () => {
    const referenceSchema = await loadReferenceSchema();
    for (const [method, schema, params] of notificationSamples) {
      const parsed = schema.safeParse(params);
      assert.ok(parsed.success, `${method}: our params schema rejects the sample: ${parsed.error?.message}`);
      referenceSchema.validateServerNotification({ method, params: wire(parsed.data), emittedAtMs: NOW_MS });
    }
    const completed = threadNotifications.TurnCompletedNotificationSchema.parse({ threadId: THREAD_ID, turn: completedTurn });
    assert.equal(completed.turn.items[0]?.type, 'agentMessage');
    roundTrip('Turn', turn.TurnSchema, completedTurn);
  });

  it('round-trips an item of every ThreadItem variant', () => {
    const variants = (definition: JsonObject | undefined): string[] =>
      (Array.isArray(definition?.oneOf) ? definition.oneOf : []).map((branch) => {
        const tag = isObject(branch) && isObject(branch.properties) ? branch.properties.type : undefined;
        return String(isObject(tag) ? (tag.const ?? (Array.isArray(tag.enum) ? tag.enum[0] : undefined)) : undefined);
      });
    const sampled = itemSamples.map((sample) => sample.type);
    assert.deepEqual([...sampled].sort(), variants(reference.get('ThreadItem')).sort(), 'one sample per reference variant');
    assert.deepEqual([...sampled].sort(), variants(ours.get('ThreadItem')).sort(), 'one sample per variant of ours');
    assert.deepEqual([...sampled].sort(), Object.keys(ITEM_TYPES).sort(), 'one sample per variant of the type');
    for (const sample of itemSamples) roundTrip('ThreadItem', items.ThreadItemSchema, sample);
    const command = items.ThreadItemSchema.parse(itemSamples.find((sample) => sample.type === 'commandExecution'));
    assert.equal(command.type === 'commandExecution' ? command.exitCode : undefined, 0);
  });

  it("parses client params with the reference's defaults, and the reference accepts the parsed values", () => {
    const startParams = {
      cwd: CWD,
      approvalPolicy: { granular: { sandbox_approval: true, rules: true, mcp_elicitations: false } },
      sandbox: 'workspace-write',
      config: { model_reasoning_effort: 'high' },
      ephemeral: null,
      dynamicTools: [{ type: 'function', name: 'open_ticket', description: 'Opens a ticket', inputSchema: { type: 'object' } }],
    };
    roundTrip('ThreadStartParams', threadMethods.ThreadStartParamsSchema, startParams);
    const start = threadMethods.ThreadStartParamsSchema.parse(startParams);
    assert.deepEqual(start.approvalPolicy, {
      granular: { sandbox_approval: true, rules: true, skill_approval: false, request_permissions: false, mcp_elicitations: false },
    });

    const turnParams = {
      threadId: THREAD_ID,
      input: [
        { type: 'text', text: 'Fix the build' },
        { type: 'image', url: 'https://example.com/a.png' },
        { type: 'localImage', path: `${CWD}/b.png`, detail: 'high' },
        { type: 'mention', name: 'Docs', path: 'app://docs' },
      ],
      sandboxPolicy: { type: 'workspaceWrite', writableRoots: [CWD] },
      effort: 'high',
      summary: 'none',
      outputSchema: { type: 'object' },
    };
    roundTrip('TurnStartParams', turnMethods.TurnStartParamsSchema, turnParams);
    const parsed = turnMethods.TurnStartParamsSchema.parse(turnParams);
    assert.deepEqual(parsed.input[0], { type: 'text', text: 'Fix the build', text_elements: [] });
    assert.deepEqual(parsed.sandboxPolicy, { ...sandboxPolicy, writableRoots: [CWD] });

    roundTrip('ThreadResumeParams', threadMethods.ThreadResumeParamsSchema, {
      threadId: THREAD_ID,
      history: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
        { type: 'function_call', name: 'shell', arguments: '{}', call_id: 'call_1' },
        { type: 'function_call_output', call_id: 'call_1', output: 'done' },
      ],
      excludeTurns: true,
    });
    roundTrip('ThreadForkParams', threadMethods.ThreadForkParamsSchema, { threadId: THREAD_ID, lastTurnId: TURN_ID, ephemeral: true });
    roundTrip('ThreadListParams', threadMethods.ThreadListParamsSchema, { limit: 20, sortKey: 'updated_at', cwd: [CWD], sourceKinds: ['cli', 'vscode'], sectionId: null });
    roundTrip('TurnSteerParams', turnMethods.TurnSteerParamsSchema, { threadId: THREAD_ID, input: [{ type: 'text', text: 'also' }], expectedTurnId: TURN_ID });
    roundTrip('TurnInterruptParams', turnMethods.TurnInterruptParamsSchema, { threadId: THREAD_ID, turnId: TURN_ID });
  });

  it('rejects what the reference rejects', () => {
    const rejectedByBoth: ReadonlyArray<readonly [string, z.ZodType, unknown]> = [
      ['ThreadStartParams', threadMethods.ThreadStartParamsSchema, { sandbox: 'readOnly' }],
      ['ThreadStartParams', threadMethods.ThreadStartParamsSchema, { approvalPolicy: { granular: { rules: true } } }],
      ['TurnStartParams', turnMethods.TurnStartParamsSchema, { threadId: THREAD_ID }],
      ['TurnStartParams', turnMethods.TurnStartParamsSchema, { threadId: THREAD_ID, input: [{ type: 'image' }] }],
      ['TurnStartParams', turnMethods.TurnStartParamsSchema, { threadId: THREAD_ID, input: [], effort: '' }],
      ['TurnSteerParams', turnMethods.TurnSteerParamsSchema, { threadId: THREAD_ID, input: [] }],
      ['Thread', thread.ThreadSchema, { ...threadSample, cwd: undefined }],
      ['Turn', turn.TurnSchema, { ...completedTurn, status: 'bogus' }],
      ['ThreadItem', items.ThreadItemSchema, { type: 'agentMessage', id: 'x' }],
      ['ThreadItem', items.ThreadItemSchema, { type: 'imageGeneration', id: 'x', status: 'completed', revisedPrompt: null, failure: null, generationId: null }],
    ];
    for (const [name, schema, value] of rejectedByBoth) {
      assert.equal(schema.safeParse(value).success, false, `${name}: our schema accepts ${JSON.stringify(value)}`);
      assert.equal(validator(name)(wire(value)), false, `${name}: the reference accepts ${JSON.stringify(value)}`);
    }
  });
});
