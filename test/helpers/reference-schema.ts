import { AssertionError } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** The reference version every message is checked against; the pinned `@openai/codex` devDependency must match. */
export const REFERENCE_CODEX_VERSION = '0.169.0';

/**
 * Client methods whose response type is not named after their params type (`FooParams` → `FooResponse`), or which
 * have no params type at all. Taken from the reference's `client_request_definitions!` table.
 */
export const IRREGULAR_RESPONSE_SCHEMAS: Readonly<Record<string, string>> = {
  'config/value/write': 'ConfigWriteResponse',
  'config/batchWrite': 'ConfigWriteResponse',
  'accountSession/list': 'AccountSessionsResponse',
  'config/mcpServer/reload': 'McpServerRefreshResponse',
  'configRequirements/read': 'ConfigRequirementsReadResponse',
  'account/logout': 'LogoutAccountResponse',
  'account/securitySetup/read': 'GetAccountSecuritySetupResponse',
  'account/workspaceMessages/read': 'GetWorkspaceMessagesResponse',
  'account/gatewayOAuth/cancel': 'GatewayOAuthCancelResponse',
  'remoteControl/status/read': 'RemoteControlStatusReadResponse',
  'memory/reset': 'MemoryResetResponse',
  'rollout/compress': 'RolloutCompressResponse',
  'windowsSandbox/readiness': 'WindowsSandboxReadinessResponse',
  'externalAgentConfig/import/readHistories': 'ExternalAgentConfigImportHistoriesReadResponse',
};

/** Client methods the reference generates no response schema for (their results are checked as envelopes only). */
export const METHODS_WITHOUT_RESPONSE_SCHEMA: ReadonlySet<string> = new Set<string>();

const MAX_I64 = 2 ** 63;
const MAX_U64 = 2 ** 64;
/** Inclusive ranges of the Rust integer formats schemars writes (`uint` is a 64-bit `usize`). */
const INTEGER_FORMATS: Readonly<Record<string, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32_768, 32_767],
  int32: [-2_147_483_648, 2_147_483_647],
  int64: [-MAX_I64, MAX_I64 - 1],
  uint8: [0, 255],
  uint16: [0, 65_535],
  uint32: [0, 4_294_967_295],
  uint64: [0, MAX_U64 - 1],
  uint: [0, MAX_U64 - 1],
};
const FLOAT_FORMATS: Readonly<Record<string, (value: number) => boolean>> = {
  double: (value) => Number.isFinite(value),
  float: (value) => Number.isFinite(value) && Math.abs(value) <= 3.4028234663852886e38,
};

/** Validators for what our server sends, built from the reference's generated JSON Schema. Each throws an AssertionError. */
export interface ReferenceSchema {
  readonly version: string;
  /** Every `format` value used in the generated files (each has a checker, or loading fails). */
  readonly formats: readonly string[];
  readonly clientRequestMethods: readonly string[];
  readonly serverRequestMethods: readonly string[];
  readonly serverNotificationMethods: readonly string[];
  /** The generated file (e.g. `v2/ThreadStartResponse.json`) describing the result of a client method, if any. */
  responseSchemaFor(method: string): string | undefined;
  /** `*Response.json` files no client or server request maps to: a sign of an irregular name we missed. */
  readonly unmatchedResponseSchemas: readonly string[];
  /**
   * `{method, params, emittedAtMs}` (and our `threadSeq` extension): emittedAtMs must be an integer; params must
   * match the method's branch.
   */
  validateServerNotification(message: unknown): void;
  /** `{id, method, params}` with an integer id (the reference draws server request ids from a counter). */
  validateServerRequest(message: unknown): void;
  /** `{id, result}` answering a client request of `method`; no `jsonrpc` member. */
  validateResponse(message: unknown, method: string): void;
  /** `{error: {code, message, data?}, id}`; no `jsonrpc` member. */
  validateErrorResponse(message: unknown): void;
  /** Classifies by shape and dispatches; `requestMethodOf` names the client request a response answers. */
  validateServerMessage(message: unknown, requestMethodOf: (id: string | number) => string | undefined): void;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

let loading: Promise<ReferenceSchema> | undefined;

/**
 * Generates (or reuses this machine's cached copy of) the reference JSON Schema from the pinned devDependency and
 * builds validators; memoized per process. Rejects when the schema cannot be generated, so callers fail, not skip.
 */
export function loadReferenceSchema(): Promise<ReferenceSchema> {
  loading ??= readGeneratedFiles().then((files) => buildReferenceSchema(files));
  return loading;
}

// ---------------------------------------------------------------------------------------------------------------
// Generation and the cross-process cache.

/** All generated documents in one file, written last: its presence marks a complete generation. */
const MARKER = 'combined.complete.json';
const BUNDLE = /^codex_app_server_protocol(\.v2)?\.schemas\.json$/;

function projectRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', '.bin', 'codex'))) return dir;
    if (dirname(dir) === dir) throw new Error('reference schema: node_modules/.bin/codex not found above test/helpers');
  }
}

async function readGeneratedFiles(): Promise<Map<string, JsonObject>> {
  const root = projectRoot();
  const pkg = JSON.parse(await readFile(join(root, 'node_modules', '@openai', 'codex', 'package.json'), 'utf8')) as {
    version?: string;
  };
  if (pkg.version !== REFERENCE_CODEX_VERSION) {
    throw new Error(`reference schema: @openai/codex is ${pkg.version}, expected ${REFERENCE_CODEX_VERSION}`);
  }
  const uid = process.getuid?.() ?? userInfo().username;
  const stable = join(tmpdir(), `codex-ref-schema-${REFERENCE_CODEX_VERSION}-${uid}`);
  const cached = await readCompleteDir(stable).catch(() => undefined);
  if (cached) return cached;

  const fresh = await mkdtemp(`${stable}.tmp-`);
  try {
    await generateInto(root, fresh);
    const files = await combineGenerated(fresh);
    await publish(fresh, stable);
    return files;
  } finally {
    await rm(fresh, { recursive: true, force: true }); // a no-op once renamed into place
  }
}

/**
 * The client methods of the reference's stable surface, in its schema's order: `generate-json-schema` without
 * `--experimental` (under a second, so not cached) into a temp dir, its `ClientRequest.json` read.
 */
export async function stableClientRequestMethods(): Promise<string[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'codex-ref-stable-schema-'));
  try {
    await generateInto(projectRoot(), outDir, { experimental: false });
    const union = JSON.parse(await readFile(join(outDir, 'ClientRequest.json'), 'utf8')) as JsonObject;
    return [...branchesByMethod(union, 'ClientRequest.json').keys()];
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

async function generateInto(root: string, outDir: string, surface = { experimental: true }): Promise<void> {
  const launcher = await realpath(join(root, 'node_modules', '.bin', 'codex'));
  const home = await mkdtemp(join(tmpdir(), 'codex-ref-schema-home-'));
  try {
    const experimental = surface.experimental ? ['--experimental'] : [];
    const args = [launcher, 'app-server', 'generate-json-schema', ...experimental, '--out', outDir];
    await promisify(execFile)(process.execPath, args, {
      env: { ...process.env, CODEX_HOME: home },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`reference schema: \`codex app-server generate-json-schema\` failed: ${stderr.slice(0, 2000)}`, {
      cause: error,
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** Reads every generated document (bundles aside) and writes them, combined, as the completion marker. */
async function combineGenerated(dir: string): Promise<Map<string, JsonObject>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json') && !BUNDLE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1).split('\\').join('/'))
    .sort();
  const docs = await Promise.all(names.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as JsonObject));
  const files = new Map(names.map((name, index) => [name, docs[index] as JsonObject]));
  for (const required of ['ServerNotification.json', 'ServerRequest.json', 'ClientRequest.json', 'JSONRPCError.json']) {
    if (!files.has(required)) throw new Error(`reference schema: the generator wrote no ${required}`);
  }
  await writeFile(join(dir, MARKER), JSON.stringify({ version: REFERENCE_CODEX_VERSION, files: Object.fromEntries(files) }));
  return files;
}

/** Reads a published cache dir (one combined file); undefined when it is absent, foreign, or damaged. */
async function readCompleteDir(dir: string): Promise<Map<string, JsonObject> | undefined> {
  const stats = await lstat(dir).catch(() => undefined);
  if (!stats?.isDirectory() || (process.getuid && stats.uid !== process.getuid())) return undefined;
  const marker = JSON.parse(await readFile(join(dir, MARKER), 'utf8')) as { version?: string; files?: Record<string, JsonObject> };
  if (marker.version !== REFERENCE_CODEX_VERSION || !isObject(marker.files)) return undefined;
  const files = new Map(Object.entries(marker.files));
  return files.has('ServerNotification.json') ? files : undefined;
}

/** Atomically installs a completed dir as the shared cache; a damaged cache is moved aside first. */
async function publish(fresh: string, stable: string): Promise<void> {
  try {
    await rename(fresh, stable);
  } catch {
    if (await readCompleteDir(stable).catch(() => undefined)) return; // another process won the race
    const aside = `${stable}.stale-${process.pid}-${Date.now()}`;
    await rename(stable, aside).catch(() => undefined);
    await rm(aside, { recursive: true, force: true });
    await rename(fresh, stable).catch(() => undefined); // best effort: this process already holds the files
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Validators.

const BASE_URI = `https://codex-reference.invalid/${REFERENCE_CODEX_VERSION}/`;

function fail(what: string, message: unknown, details: string[] = []): never {
  let text = JSON.stringify(message) ?? String(message);
  if (text.length > 1500) text = `${text.slice(0, 1500)}… (${text.length} chars)`;
  const lines = [`reference schema ${REFERENCE_CODEX_VERSION}: ${what}`, ...details.map((line) => `  ${line}`), `  message: ${text}`];
  throw new AssertionError({ message: lines.join('\n') });
}

/** One line per ajv error, paths relative to the whole message (`prefix` is where the validated value sits). */
function describeErrors(errors: readonly ErrorObject[] | null | undefined, prefix: string): string[] {
  const lines = (errors ?? []).map((error) => {
    const extra = error.keyword === 'required' || error.keyword === 'type' ? '' : ` ${JSON.stringify(error.params)}`;
    return `${prefix + error.instancePath || '(root)'} ${error.message ?? error.keyword}${extra}`;
  });
  const unique = [...new Set(lines)];
  return unique.length > 12 ? [...unique.slice(0, 12), `… ${unique.length - 12} more`] : unique;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies a schema fragment, pointing its local `#/…` refs at the registered document `docId`. */
function rebase(schema: Json, docId: string): Json {
  if (Array.isArray(schema)) return schema.map((item) => rebase(item, docId));
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#') ? docId + value : rebase(value, docId);
  }
  return copy;
}

/** Every `format` value in a document, skipping literal data (enum/const/default/examples). */
function collectFormats(schema: Json, into: Set<string>): void {
  if (Array.isArray(schema)) for (const item of schema) collectFormats(item, into);
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'format' && typeof value === 'string') into.add(value);
      else if (!['enum', 'const', 'default', 'examples'].includes(key)) collectFormats(value, into);
    }
  }
}

function createAjv(): Ajv {
  const refuse = (...args: unknown[]): never => {
    throw new Error(`reference schema: ajv: ${args.map(String).join(' ')}`);
  };
  // strict:false because schemars emits keywords ajv's strict mode rejects; an unknown format would only be a warning,
  // so warnings throw instead of letting a format go unchecked.
  const ajv = new Ajv({ strict: false, validateSchema: false, logger: { log: () => undefined, warn: refuse, error: refuse } });
  for (const [name, [min, max]] of Object.entries(INTEGER_FORMATS)) {
    ajv.addFormat(name, { type: 'number', validate: (value: number) => Number.isInteger(value) && value >= min && value <= max });
  }
  for (const [name, validate] of Object.entries(FLOAT_FORMATS)) ajv.addFormat(name, { type: 'number', validate });
  return ajv;
}

interface Branch {
  readonly file: string;
  readonly params: Json | undefined;
  readonly paramsName: string | undefined;
}

/** Branches of a `oneOf` over `{method: {enum: [name]}, params}`, by method name. */
function branchesByMethod(doc: JsonObject, file: string): Map<string, Branch> {
  const result = new Map<string, Branch>();
  for (const branch of (doc.oneOf ?? []) as JsonObject[]) {
    const properties = branch.properties as JsonObject;
    const method = ((properties.method as JsonObject).enum as string[])[0] as string;
    const params = properties.params;
    const ref = isObject(params) ? [params, ...((params.anyOf ?? []) as JsonObject[])].find((s) => typeof s.$ref === 'string') : undefined;
    result.set(method, { file, params, paramsName: ref ? String(ref.$ref).split('/').pop() : undefined });
  }
  return result;
}

function buildReferenceSchema(files: Map<string, JsonObject>): ReferenceSchema {
  const ajv = createAjv();
  const formats = new Set<string>();
  for (const doc of files.values()) collectFormats(doc, formats);
  const unknown = [...formats].filter((format) => !(format in INTEGER_FORMATS) && !(format in FLOAT_FORMATS));
  if (unknown.length > 0) throw new Error(`reference schema: no checker for format(s) ${unknown.join(', ')}`);

  const registered = new Set<string>();
  const compiled = new Map<string, ValidateFunction>();
  /** Compiles `schema` (a fragment of `file`) against that file's definitions, registered once as a defs-only root. */
  function validatorFor(file: string, key: string, schema: Json): ValidateFunction {
    const cacheKey = `${file}#${key}`;
    let validate = compiled.get(cacheKey);
    if (!validate) {
      const docId = BASE_URI + file;
      if (!registered.has(file)) {
        // Only definitions: a $ref into a registered root compiles that whole root (0.5 s for ServerNotification).
        ajv.addSchema({ $id: docId, definitions: files.get(file)?.definitions ?? {} });
        registered.add(file);
      }
      validate = ajv.compile(rebase(schema, docId) as JsonObject);
      compiled.set(cacheKey, validate);
    }
    return validate;
  }
  function wholeFile(file: string): ValidateFunction {
    const { definitions: _definitions, ...body } = files.get(file) ?? fail(`missing generated file ${file}`, null);
    return validatorFor(file, '', body);
  }
  const findFile = (name: string): string | undefined =>
    [`v2/${name}.json`, `v1/${name}.json`, `${name}.json`].find((file) => files.has(file));

  const notifications = branchesByMethod(files.get('ServerNotification.json') as JsonObject, 'ServerNotification.json');
  const serverRequests = branchesByMethod(files.get('ServerRequest.json') as JsonObject, 'ServerRequest.json');
  const clientRequests = branchesByMethod(files.get('ClientRequest.json') as JsonObject, 'ClientRequest.json');
  const responseFiles = new Map<string, string>();
  for (const [method, branch] of clientRequests) {
    const name = IRREGULAR_RESPONSE_SCHEMAS[method] ?? branch.paramsName?.replace(/Params$/, 'Response');
    const file = name?.endsWith('Response') ? findFile(name) : undefined;
    if (file) responseFiles.set(method, file);
  }
  const used = new Set([
    ...responseFiles.values(),
    ...[...serverRequests.values()].map((branch) => findFile(branch.paramsName?.replace(/Params$/, 'Response') ?? '')),
  ]);
  const unmatchedResponseSchemas = [...files.keys()].filter(
    (file) => /(^|\/)(?!JSONRPC)[^/]+Response\.json$/.test(file) && !used.has(file),
  );

  function check(validate: ValidateFunction, value: unknown, what: string, message: unknown, prefix = ''): void {
    if (!validate(value)) fail(what, message, describeErrors(validate.errors, prefix));
  }
  function checkKeys(message: Record<string, unknown>, allowed: readonly string[], what: string): void {
    if ('jsonrpc' in message) fail(`${what} must not carry a "jsonrpc" member (the reference omits it)`, message);
    const extra = Object.keys(message).filter((key) => !allowed.includes(key));
    if (extra.length > 0) fail(`${what} has unexpected top-level member(s) ${extra.join(', ')}`, message);
  }
  function checkBranch(branch: Branch, params: unknown, what: string, message: unknown): void {
    if (branch.params === undefined) return;
    check(validatorFor(branch.file, `params:${what}`, branch.params), params, `${what} params violate ${branch.paramsName ?? 'the schema'}`, message, '/params');
  }

  const schema: ReferenceSchema = {
    version: REFERENCE_CODEX_VERSION,
    formats: [...formats].sort(),
    clientRequestMethods: [...clientRequests.keys()],
    serverRequestMethods: [...serverRequests.keys()],
    serverNotificationMethods: [...notifications.keys()],
    responseSchemaFor: (method) => responseFiles.get(method),
    unmatchedResponseSchemas,

    validateServerNotification(message) {
      if (!isObject(message)) fail('a notification must be a JSON object', message);
      // `threadSeq` is our one extension of the envelope (docs/reliability.md#reconnect-and-replay). The reference's
      // schema puts no bound on extra members and its clients' serde structs ignore unknown ones; we still check its
      // form.
      checkKeys(message, ['method', 'params', 'emittedAtMs', 'threadSeq'], 'a notification');
      const { emittedAtMs, method, params } = message;
      if ('threadSeq' in message && (!Number.isSafeInteger(message.threadSeq) || (message.threadSeq as number) < 1)) {
        fail('threadSeq must be a positive integer', message);
      }
      if (!('emittedAtMs' in message)) fail('a server notification must carry a top-level emittedAtMs', message);
      if (!Number.isSafeInteger(emittedAtMs) || (emittedAtMs as number) < 0) {
        fail('emittedAtMs must be a non-negative integer Unix timestamp in ms', message);
      }
      if (typeof method !== 'string') fail('a notification needs a string method', message);
      const branch = notifications.get(method) ?? fail(`unknown server notification method "${method}"`, message);
      if (!('params' in message)) fail(`notification "${method}" must carry params`, message);
      checkBranch(branch, params, `notification "${method}"`, message);
    },

    validateServerRequest(message) {
      if (!isObject(message)) fail('a server request must be a JSON object', message);
      checkKeys(message, ['id', 'method', 'params', 'trace'], 'a server request');
      if (!Number.isSafeInteger(message.id)) {
        fail('a server request id must be an integer (docs/protocol.md#server-requests)', message);
      }
      check(wholeFile('JSONRPCRequest.json'), message, 'server request envelope violates JSONRPCRequest', message);
      const method = message.method as string;
      const branch = serverRequests.get(method) ?? fail(`unknown server request method "${method}"`, message);
      if (!('params' in message)) fail(`server request "${method}" must carry params`, message);
      checkBranch(branch, message.params, `server request "${method}"`, message);
    },

    validateResponse(message, method) {
      if (!isObject(message)) fail('a response must be a JSON object', message);
      checkKeys(message, ['id', 'result'], `the response to "${method}"`);
      check(wholeFile('JSONRPCResponse.json'), message, 'response envelope violates JSONRPCResponse', message);
      if (METHODS_WITHOUT_RESPONSE_SCHEMA.has(method)) return;
      if (!clientRequests.has(method)) fail(`a success response to "${method}", which is not a client method`, message);
      const file = responseFiles.get(method) ?? fail(`no response schema known for "${method}"`, message);
      check(wholeFile(file), message.result, `result of "${method}" violates ${file}`, message, '/result');
    },

    validateErrorResponse(message) {
      if (!isObject(message)) fail('an error response must be a JSON object', message);
      checkKeys(message, ['id', 'error'], 'an error response');
      check(wholeFile('JSONRPCError.json'), message, 'error response violates JSONRPCError', message);
      const extra = Object.keys(message.error as object).filter((key) => !['code', 'message', 'data'].includes(key));
      if (extra.length > 0) fail(`error object has unexpected member(s) ${extra.join(', ')}`, message);
    },

    validateServerMessage(message, requestMethodOf) {
      if (!isObject(message)) fail('a server message must be a JSON object', message);
      if ('method' in message) {
        if ('id' in message) schema.validateServerRequest(message);
        else schema.validateServerNotification(message);
      } else if ('id' in message && 'result' in message) {
        const id = message.id;
        const method = typeof id === 'string' || typeof id === 'number' ? requestMethodOf(id) : undefined;
        if (method === undefined) fail(`a response whose id ${JSON.stringify(id)} matches no request the client sent`, message);
        schema.validateResponse(message, method);
      } else if ('id' in message && 'error' in message) {
        schema.validateErrorResponse(message);
      } else {
        fail('not a request, notification, response or error (docs/protocol.md#messages-and-framing)', message);
      }
    },
  };
  return schema;
}
