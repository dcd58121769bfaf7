import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { buildJsonSchemaFiles } from '../../src/protocol/json-schema.js';
import {
  ClientNotifications,
  ClientRequests,
  ServerNotifications,
  ServerRequests,
} from '../../src/protocol/registry.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FULL_BUNDLE = 'codex_app_server_protocol.schemas.json';
const V2_BUNDLE = 'codex_app_server_protocol.v2.schemas.json';
const UNIONS = ['ClientRequest', 'ClientNotification', 'ServerNotification', 'ServerRequest'] as const;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: Json | undefined, what: string): JsonObject {
  assert.ok(isObject(value), `${what} is not a JSON object`);
  return value;
}

/**
 * Runs the pinned reference binary's `generate-json-schema --experimental` into a temp dir with a private
 * CODEX_HOME (as test/helpers/reference-schema.ts does; that helper exposes validators, not the bundles'
 * definitions, which is what this test compares) and returns both bundles' definitions merged: the v2 bundle
 * is flat, the full one adds the JSON-RPC envelopes at its top level and nests the v2 types under `v2`.
 */
async function generateReferenceDefinitions(workDir: string): Promise<Map<string, JsonObject>> {
  const outDir = join(workDir, 'out');
  const home = join(workDir, 'home');
  const launcher = await realpath(join(PROJECT_ROOT, 'node_modules', '.bin', 'codex'));
  const args = [launcher, 'app-server', 'generate-json-schema', '--experimental', '--out', outDir];
  await promisify(execFile)(process.execPath, args, {
    env: { ...process.env, CODEX_HOME: home },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const read = async (name: string): Promise<JsonObject> =>
    asObject(JSON.parse(await readFile(join(outDir, name), 'utf8')) as Json, name);
  const definitions = new Map<string, JsonObject>();
  for (const bundle of [V2_BUNDLE, FULL_BUNDLE]) {
    for (const [name, schema] of Object.entries(asObject((await read(bundle)).definitions, `${bundle} definitions`))) {
      if (bundle === FULL_BUNDLE && name === 'v2') continue;
      if (!definitions.has(name)) definitions.set(name, asObject(schema, `${bundle} ${name}`));
    }
  }
  return definitions;
}

/** `method` → branch of a `oneOf` union over `{ method: { enum: [method] }, … }`. */
function branchesByMethod(union: JsonObject): Map<string, JsonObject> {
  const branches = new Map<string, JsonObject>();
  for (const branch of Array.isArray(union.oneOf) ? union.oneOf : []) {
    const properties = asObject(asObject(branch, 'union branch').properties, 'branch properties');
    const method = asObject(properties.method, 'branch method').enum;
    assert.ok(Array.isArray(method) && typeof method[0] === 'string', 'branch method is not a one-value enum');
    branches.set(method[0], branch as JsonObject);
  }
  return branches;
}

function refName(schema: Json | undefined): string | undefined {
  if (!isObject(schema)) return undefined;
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop();
  const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.allOf) ? schema.allOf : [];
  return alternatives.map(refName).find((name) => name !== undefined);
}

/**
 * The values of a string enum, written flat (`enum: [...]`) or, as the reference does when variants carry their
 * own descriptions, as a `oneOf` of one-value enums.
 */
function enumValues(definition: JsonObject): unknown[] {
  if (Array.isArray(definition.enum)) return definition.enum;
  if (!Array.isArray(definition.oneOf)) return [];
  return definition.oneOf.flatMap((branch) => (isObject(branch) && Array.isArray(branch.enum) ? branch.enum : []));
}

/**
 * Optional fields we add beyond the reference, each documented in docs/reliability.md#reconnect-and-replay. A client of
 * the reference never sends or reads them; the reference's schema allows extra members everywhere.
 */
const OUR_EXTENSION_FIELDS: ReadonlySet<string> = new Set(['ThreadResumeParams.afterSeq', 'ThreadResumeResponse.replay']);

/** What our definition claims that the reference's contradicts: fields, required fields, enum values. */
function compareDefinition(name: string, ours: JsonObject, theirs: JsonObject): string[] {
  const problems: string[] = [];
  const ourProperties = isObject(ours.properties) ? ours.properties : {};
  // A struct with a flattened tagged enum (serde `#[serde(flatten)]`, e.g. HookMetadata's `handlerType`) keeps its
  // common fields in `properties` and each variant's fields in a `oneOf` branch: all of them are the reference's.
  const branchProperties = (Array.isArray(theirs.oneOf) ? theirs.oneOf : []).flatMap((branch) =>
    isObject(branch) && isObject(branch.properties) ? Object.entries(branch.properties) : [],
  );
  const theirProperties = {
    ...Object.fromEntries(branchProperties),
    ...(isObject(theirs.properties) ? theirs.properties : {}),
  };
  const theirRequired = Array.isArray(theirs.required) ? theirs.required : [];
  for (const field of Object.keys(ourProperties)) {
    if (!(field in theirProperties) && !OUR_EXTENSION_FIELDS.has(`${name}.${field}`)) {
      problems.push(`${name}.${field}: declared by us, unknown to the reference`);
    }
  }
  for (const field of theirRequired) {
    if (typeof field === 'string' && !(field in ourProperties)) {
      problems.push(`${name}.${field}: required by the reference, missing from ours`);
    }
  }
  if (Array.isArray(ours.enum)) {
    const theirValues = enumValues(theirs);
    for (const value of ours.enum) {
      if (!theirValues.includes(value)) {
        problems.push(`${name}: enum value ${JSON.stringify(value)} unknown to the reference`);
      }
    }
  }
  return problems;
}

describe('generated JSON Schema against the reference (codex 0.169.0, --experimental)', () => {
  let workDir = '';
  let reference = new Map<string, JsonObject>();
  const ours = buildJsonSchemaFiles();
  const ourBundle = asObject(ours.get(FULL_BUNDLE) as Json, FULL_BUNDLE);
  const ourDefinitions = asObject(ourBundle.definitions, `${FULL_BUNDLE} definitions`);

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'schema-vs-reference-'));
    reference = await generateReferenceDefinitions(workDir);
  });
  after(() => rm(workDir, { recursive: true, force: true }));

  it('names every definition of ours as the reference does', () => {
    const unknown = Object.keys(ourDefinitions).filter((name) => !reference.has(name));
    assert.deepEqual(unknown, [], `definitions the reference does not have: ${unknown.join(', ')}`);
  });

  it('declares only fields the reference knows and every field it requires', () => {
    const problems = Object.entries(ourDefinitions).flatMap(([name, schema]) => {
      const theirs = reference.get(name);
      return theirs ? compareDefinition(name, asObject(schema, name), theirs) : [];
    });
    assert.deepEqual(problems, [], `field mismatches with the reference:\n  ${problems.join('\n  ')}`);
  });

  it('registers only methods the reference has, with the same params type', () => {
    const registries = {
      ClientRequest: ClientRequests,
      ClientNotification: ClientNotifications,
      ServerNotification: ServerNotifications,
      ServerRequest: ServerRequests,
    } as const;
    const problems: string[] = [];
    for (const union of UNIONS) {
      const theirs = branchesByMethod(reference.get(union) ?? {});
      const ourBranches = branchesByMethod(asObject(ourDefinitions[union], union));
      for (const { method } of Object.values(registries[union])) {
        const their = theirs.get(method);
        if (!their) {
          problems.push(`${union} ${method}: not a method of the reference`);
          continue;
        }
        const our = ourBranches.get(method);
        const ourParams = refName(asObject(our?.properties, 'our branch').params);
        const theirParams = refName(asObject(their.properties, 'their branch').params);
        if (ourParams !== theirParams) {
          problems.push(`${union} ${method}: params ${ourParams}, reference ${theirParams}`);
        }
        if (our?.title !== their.title) {
          problems.push(`${union} ${method}: branch title ${String(our?.title)}, reference ${String(their.title)}`);
        }
      }
    }
    assert.deepEqual(problems, [], `method mismatches with the reference:\n  ${problems.join('\n  ')}`);
  });

  it('emits draft-07 documents whose references all resolve', () => {
    const ajv = new Ajv({ strict: false });
    const formats = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'uint', 'double', 'float'];
    for (const format of formats) ajv.addFormat(format, true);
    for (const [path, document] of ours) {
      assert.doesNotThrow(() => ajv.compile(document as object), `schema/${path} does not compile`);
    }
    const validate = ajv.compile(ours.get('ClientRequest.json') as object);
    assert.ok(validate({ id: 1, method: 'initialize', params: { clientInfo: { name: 'c', version: '1' } } }));
    assert.ok(!validate({ id: 1, method: 'no/such/method', params: {} }));
  });
});
