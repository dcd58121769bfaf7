import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import { RequestIdSchema } from './common.js';
import { JsonRpcErrorBodySchema } from './errors.js';
import { ClientNotifications, ClientRequests, ServerNotifications, ServerRequests } from './registry.js';
import type { NotificationDefinition, RequestDefinition } from './registry-types.js';

/** A JSON value as the generator builds it. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A JSON object; every schema the generator emits is one (or `true`, the schema that accepts anything). */
export interface JsonObject {
  [key: string]: Json;
}

/**
 * Everything the protocol's JSON Schema documents are made of, before serialisation. Object keys keep zod's
 * declaration order here (the TypeScript emitter wants fields in declaration order); the files sort them.
 */
export interface ProtocolSchemaModel {
  /** Every named schema by name: `.meta({ id })` types, the four unions and the JSON-RPC envelopes. */
  readonly definitions: ReadonlyMap<string, JsonObject>;
  /** The four message unions, in the reference's file order. */
  readonly unions: readonly string[];
  /** Envelope documents (`JSONRPC*`): top-level files, in the full bundle only. */
  readonly envelopes: readonly string[];
  /** Named types that get a top-level file of their own besides the unions and envelopes (`RequestId`). */
  readonly topLevelTypes: readonly string[];
  /** Params, results and notification payloads that carry an id: one file each under `v2/`, sorted. */
  readonly messageTypes: readonly string[];
}

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const DEFINITIONS_PREFIX = '#/definitions/';

/** The integer range each reference `format` implies; zod's own bounds that equal these are dropped. */
const INTEGER_FORMAT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  uint: [0, Number.MAX_SAFE_INTEGER],
};

/**
 * The JSON-RPC envelopes exist on the wire but not as zod schemas (the connection classifies messages by
 * shape, see envelope.ts), so they are described here for the schema only. `trace` is left out: we accept and
 * ignore it.
 */
const ENVELOPE_SCHEMAS: ReadonlyArray<readonly [string, z.ZodType]> = [
  [
    'JSONRPCRequest',
    z
      .object({ id: RequestIdSchema, method: z.string(), params: z.unknown().optional() })
      .describe('A request that expects a response.'),
  ],
  [
    'JSONRPCNotification',
    z
      .object({ method: z.string(), params: z.unknown().optional() })
      .describe('A notification which does not expect a response.'),
  ],
  [
    'JSONRPCResponse',
    z.object({ id: RequestIdSchema, result: z.unknown() }).describe('A successful (non-error) response to a request.'),
  ],
  [
    'JSONRPCError',
    z
      .object({ error: JsonRpcErrorBodySchema, id: RequestIdSchema })
      .describe('A response to a request that indicates an error occurred.'),
  ],
];

/** What every server notification carries besides `method` and `params` (see OutboundMessage in envelope.ts). */
const EMITTED_AT_MS: JsonObject = {
  description: 'Unix timestamp (in milliseconds) when app-server emitted this notification.',
  format: 'int64',
  type: 'integer',
};

interface UnionSpec {
  readonly name: string;
  readonly description?: string;
  readonly kind: 'Request' | 'Notification';
  readonly members: Readonly<Record<string, RequestDefinition | NotificationDefinition>>;
  readonly extraProperties?: JsonObject;
}

const UNIONS: readonly UnionSpec[] = [
  {
    name: 'ClientRequest',
    description: 'Request from the client to the server.',
    kind: 'Request',
    members: ClientRequests,
  },
  { name: 'ClientNotification', kind: 'Notification', members: ClientNotifications },
  {
    name: 'ServerNotification',
    description: 'Notification sent from the server to the client.',
    kind: 'Notification',
    members: ServerNotifications,
    extraProperties: { emittedAtMs: EMITTED_AT_MS },
  },
  {
    name: 'ServerRequest',
    description: 'Request initiated from the server and sent to the client.',
    kind: 'Request',
    members: ServerRequests,
  },
];

/**
 * Builds the schema model from the registry. Throws when two different schemas claim the same id, or a
 * registry id collides with a union or envelope name: the generated files would silently disagree otherwise.
 */
export function buildProtocolSchemaModel(): ProtocolSchemaModel {
  const definitions = new Map<string, JsonObject>();
  const messageTypes = new Set<string>();

  /** Converts a zod schema, records its named subschemas, and returns the root (a `$ref` if it is named). */
  const convert = (schema: z.ZodType): JsonObject => {
    const converted = convertSchema(schema);
    for (const [id, body] of Object.entries(converted.definitions)) addDefinition(definitions, id, body);
    return converted.root;
  };
  const addMessageType = (root: JsonObject): void => {
    const id = refName(root);
    if (id !== undefined) messageTypes.add(id);
  };

  const reserved = [...UNIONS.map((u) => u.name), ...ENVELOPE_SCHEMAS.map(([name]) => name), 'JSONRPCMessage'];
  for (const union of UNIONS) {
    const branches: JsonObject[] = [];
    for (const definition of Object.values(union.members)) {
      const params = convert(definition.params);
      addMessageType(params);
      if ('result' in definition) addMessageType(convert(definition.result));
      branches.push(unionBranch(union.kind, definition.method, params, isOptional(definition.params)));
    }
    const body: JsonObject = {};
    if (union.description !== undefined) body.description = union.description;
    // An empty `oneOf` is not a valid draft-07 schema; `not: {}` matches nothing, which is what an empty union means.
    if (branches.length > 0) body.oneOf = branches;
    else body.not = {};
    if (union.extraProperties) body.properties = union.extraProperties;
    addDefinition(definitions, union.name, body, reserved);
  }

  for (const [name, schema] of ENVELOPE_SCHEMAS) addDefinition(definitions, name, convert(schema), reserved);
  const message: JsonObject = {
    anyOf: ENVELOPE_SCHEMAS.map(([name]) => ({ $ref: DEFINITIONS_PREFIX + name })),
    description: 'Refers to any valid JSON-RPC object that can be decoded off the wire, or encoded to be sent.',
  };
  addDefinition(definitions, 'JSONRPCMessage', message, reserved);
  convert(RequestIdSchema);
  convert(JsonRpcErrorBodySchema);

  return {
    definitions,
    unions: UNIONS.map((u) => u.name),
    envelopes: ['JSONRPCMessage', ...ENVELOPE_SCHEMAS.map(([name]) => name), 'JSONRPCErrorError'],
    topLevelTypes: ['RequestId'],
    messageTypes: [...messageTypes].sort(),
  };
}

/**
 * Builds the whole `schema/` tree in memory: relative path → JSON document, in path order. Same layout and
 * titles as the reference's `generate-json-schema` (draft-07, one self-contained file per message type, the
 * four unions, the envelopes, and two bundles), except that every message type lives under `v2/`.
 */
export function buildJsonSchemaFiles(): Map<string, unknown> {
  const model = buildProtocolSchemaModel();
  const files = new Map<string, unknown>();
  for (const name of [...model.unions, ...model.envelopes, ...model.topLevelTypes]) {
    files.set(`${name}.json`, standaloneDocument(model, name));
  }
  for (const name of model.messageTypes) files.set(`v2/${name}.json`, standaloneDocument(model, name));

  const envelopes = new Set(model.envelopes);
  files.set('codex_app_server_protocol.schemas.json', bundle(model, 'CodexAppServerProtocol', () => true));
  const v2Bundle = bundle(model, 'CodexAppServerProtocolV2', (name) => !envelopes.has(name));
  files.set('codex_app_server_protocol.v2.schemas.json', v2Bundle);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The exact bytes a schema file holds: 2-space JSON and a trailing newline. The drift test compares these. */
export function formatJsonFile(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Writes every generated file under `outDir` (creating directories) and returns the written paths. */
export async function writeJsonSchemaFiles(outDir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [relativePath, document] of buildJsonSchemaFiles()) {
    const path = join(outDir, relativePath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, formatJsonFile(document));
    written.push(path);
  }
  return written;
}

/** Names of the definitions `schema` needs, transitively, in sorted order (itself only if it is recursive). */
function referencedDefinitions(schema: Json, definitions: ReadonlyMap<string, JsonObject>): string[] {
  const found = new Set<string>();
  const pending = [...directReferences(schema)];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (found.has(name)) continue;
    const body = definitions.get(name);
    if (!body) throw new Error(`JSON Schema refers to unknown definition ${name}`);
    found.add(name);
    pending.push(...directReferences(body));
  }
  return [...found].sort();
}

/** The definition name a `{ $ref: '#/definitions/X' }` schema points to. */
export function refName(schema: Json | undefined): string | undefined {
  if (!isObject(schema) || typeof schema.$ref !== 'string') return undefined;
  return schema.$ref.startsWith(DEFINITIONS_PREFIX) ? schema.$ref.slice(DEFINITIONS_PREFIX.length) : undefined;
}

function standaloneDocument(model: ProtocolSchemaModel, name: string): Json {
  const body = requireDefinition(model, name);
  const document: JsonObject = { $schema: DRAFT_07, ...body, title: name };
  const needed = referencedDefinitions(body, model.definitions);
  if (needed.length > 0) {
    document.definitions = Object.fromEntries(needed.map((ref) => [ref, requireDefinition(model, ref)]));
  }
  return sortKeys(document);
}

/**
 * A bundle holds every definition flat, so every `#/definitions/X` resolves inside it. Like the reference's
 * bundles, documents that have a file of their own keep their `$schema` and `title`.
 */
function bundle(model: ProtocolSchemaModel, title: string, include: (name: string) => boolean): Json {
  const withFile = new Set([...model.unions, ...model.envelopes, ...model.topLevelTypes, ...model.messageTypes]);
  const definitions: JsonObject = {};
  for (const name of [...model.definitions.keys()].sort()) {
    if (!include(name)) continue;
    const body = requireDefinition(model, name);
    definitions[name] = withFile.has(name) ? { $schema: DRAFT_07, ...body, title: name } : body;
  }
  return sortKeys({ $schema: DRAFT_07, definitions, title, type: 'object' });
}

function requireDefinition(model: ProtocolSchemaModel, name: string): JsonObject {
  const body = model.definitions.get(name);
  if (!body) throw new Error(`no JSON Schema definition named ${name}`);
  return body;
}

/**
 * One branch of a message union, shaped and titled like the reference's: `method` is a one-value enum titled
 * `<Method>RequestMethod`, the branch `<Method>Request`, where `<Method>` is the method string with its first
 * letter upper-cased and snake_case segments camel-cased (`thread/loaded/list` → `Thread/loaded/listRequest`).
 * Params that may be omitted and carry no fields are written as the reference writes unit params: `null` for
 * requests, no `params` at all for notifications.
 */
function unionBranch(kind: UnionSpec['kind'], method: string, params: JsonObject, optional: boolean): JsonObject {
  const title = methodTitle(method) + kind;
  const properties: JsonObject = { method: { enum: [method], title: `${title}Method`, type: 'string' } };
  const required = ['method'];
  if (kind === 'Request') {
    properties.id = { $ref: `${DEFINITIONS_PREFIX}RequestId` };
    required.push('id');
  }
  const isUnit = optional && refName(params) === undefined && isEmptyObjectSchema(params);
  if (!isUnit) {
    properties.params = params;
    if (!optional) required.push('params');
  } else if (kind === 'Request') {
    properties.params = { type: 'null' };
  }
  return { properties, required, title, type: 'object' };
}

function methodTitle(method: string): string {
  const camel = method.replace(/_([a-zA-Z0-9])/g, (_, letter: string) => letter.toUpperCase());
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

function isOptional(schema: z.ZodType): boolean {
  return schema._zod.optin === 'optional';
}

function isEmptyObjectSchema(schema: JsonObject): boolean {
  const keys = Object.keys(schema).filter((key) => key !== 'description');
  const properties = schema.properties;
  return (
    schema.type === 'object' &&
    // A strict empty object is how unit params (`UnitParamsSchema`) are declared.
    keys.every((key) => key === 'type' || key === 'properties' || (key === 'additionalProperties' && schema[key] === false)) &&
    (properties === undefined || (isObject(properties) && Object.keys(properties).length === 0))
  );
}

function addDefinition(
  definitions: Map<string, JsonObject>,
  name: string,
  body: JsonObject,
  reserved: readonly string[] = [],
): void {
  const existing = definitions.get(name);
  if (existing === undefined) {
    definitions.set(name, body);
    return;
  }
  if (reserved.includes(name) || JSON.stringify(existing) !== JSON.stringify(body)) {
    throw new Error(`two different JSON Schemas are named ${name}; schema ids must be unique`);
  }
}

/**
 * Runs zod's converter in the reference's dialect: draft-07, input types (so no `additionalProperties: false`
 * and defaulted fields are optional), integers described by `format` instead of zod's ±2^53 bounds.
 */
export function convertSchema(schema: z.ZodType): { root: JsonObject; definitions: Record<string, JsonObject> } {
  const output = z.toJSONSchema(schema, { target: 'draft-07', io: 'input', override: applyIntegerFormat }) as Json;
  if (!isObject(output)) throw new Error('zod produced a non-object JSON Schema');
  const { $schema: _schema, definitions: rawDefinitions, ...root } = output;
  const definitions: Record<string, JsonObject> = {};
  if (isObject(rawDefinitions)) {
    for (const [id, body] of Object.entries(rawDefinitions)) {
      const normalized = normalize(body);
      if (!isObject(normalized)) throw new Error(`definition ${id} is not an object schema`);
      definitions[id] = normalized;
    }
  }
  const normalizedRoot = normalize(root);
  return { root: isObject(normalizedRoot) ? normalizedRoot : {}, definitions };
}

function applyIntegerFormat(ctx: { jsonSchema: { [key: string]: unknown } }): void {
  const schema = ctx.jsonSchema;
  if (schema.type !== 'integer') return;
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const range = format === undefined ? undefined : INTEGER_FORMAT_RANGES[format];
  const implicitMinimum = [Number.MIN_SAFE_INTEGER, range?.[0]];
  const implicitMaximum = [Number.MAX_SAFE_INTEGER, range?.[1]];
  if (implicitMaximum.includes(schema.maximum as number)) delete schema.maximum;
  if (implicitMinimum.includes(schema.minimum as number)) delete schema.minimum;
  // The reference states `minimum: 0` for every unsigned format and no other bound.
  if (format?.startsWith('uint') && schema.minimum === undefined) schema.minimum = 0;
}

/** Keys whose value is a schema, a list of schemas, or a map of schemas (the rest is data, e.g. `enum`). */
const SCHEMA_KEYS = new Set([
  'items',
  'additionalProperties',
  'additionalItems',
  'not',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
]);
const SCHEMA_LIST_KEYS = new Set(['anyOf', 'oneOf', 'allOf']);
const SCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties', 'definitions']);

/**
 * Rewrites zod's draft-07 output into the reference's idioms: `T | null` as `type: [T, "null"]` for plain
 * types, `const` as a one-value `enum`, `{}` as `true`, no redundant `propertyNames: {type: string}`, and a lone
 * `allOf: [{$ref}]` as the `$ref` itself.
 */
function normalize(node: Json): Json {
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (SCHEMA_KEYS.has(key)) out[key] = normalizeChild(value);
    else if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value)) out[key] = value.map(normalizeChild);
    else if (SCHEMA_MAP_KEYS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, normalizeChild(child)]));
    } else out[key] = value;
  }
  if ('const' in out) {
    out.enum = [out.const ?? null];
    delete out.const;
  }
  const names = out.propertyNames;
  if (isObject(names) && names.type === 'string' && Object.keys(names).length === 1) delete out.propertyNames;
  const allOf = out.allOf;
  const onlyAllOf = Object.keys(out).length === 1;
  if (Array.isArray(allOf) && allOf.length === 1 && onlyAllOf && isObject(allOf[0])) return allOf[0];
  return mergeNullable(out);
}

function normalizeChild(node: Json): Json {
  const normalized = normalize(node);
  return isObject(normalized) && Object.keys(normalized).length === 0 ? true : normalized;
}

function mergeNullable(schema: JsonObject): JsonObject {
  const anyOf = schema.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return schema;
  const [first, second] = anyOf;
  const isNull = (s: Json | undefined): boolean => isObject(s) && s.type === 'null' && Object.keys(s).length === 1;
  const other = isNull(second) ? first : isNull(first) ? second : undefined;
  if (!isObject(other) || typeof other.type !== 'string') return schema;
  if (['$ref', 'anyOf', 'oneOf', 'allOf', 'enum'].some((key) => key in other)) return schema;
  const { anyOf: _anyOf, ...rest } = schema;
  return { ...rest, ...other, type: [other.type, 'null'] };
}

function directReferences(node: Json): string[] {
  const refs: string[] = [];
  const visit = (value: Json): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (isObject(value)) {
      const name = refName(value);
      if (name !== undefined) refs.push(name);
      for (const [key, child] of Object.entries(value)) if (key !== 'enum' && key !== 'default') visit(child);
    }
  };
  visit(node);
  return refs;
}

/** Sorts object keys recursively (as the reference's files are), and `required` lists; other arrays keep order. */
function sortKeys(node: Json): Json {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const key of Object.keys(node).sort()) {
    const value = node[key] as Json;
    if (key === 'required' && Array.isArray(value)) out[key] = [...(value as string[])].sort();
    else out[key] = key === 'enum' || key === 'default' ? value : sortKeys(value);
  }
  return out;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
