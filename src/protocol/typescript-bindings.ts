import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { buildProtocolSchemaModel, refName } from './json-schema.js';
import type { Json, JsonObject, ProtocolSchemaModel } from './json-schema.js';

/**
 * TypeScript declarations for the wire protocol, emitted from the same JSON Schemas as `schema/` and laid out
 * like the reference's `generate-ts` output: one `export type X = …;` per file, `import type` between them
 * (extensionless, as the reference writes them), the four unions and `RequestId` at the top, every other type
 * under `v2/`, and an `index.ts` per directory.
 *
 * The emitter covers the JSON Schema subset our generator produces: objects with properties/required,
 * `additionalProperties` maps, `type` lists, string enums, `anyOf`/`oneOf`/`allOf`, arrays, `$ref`s and
 * descriptions. Anything else throws, so a new schema construct cannot be silently mistranslated.
 */

const HEADER = [
  '// GENERATED CODE! DO NOT MODIFY BY HAND!',
  '',
  '// This file was generated from the zod schemas in src/protocol (src/protocol/typescript-bindings.ts).',
].join('\n');
const INDEX_HEADER = '// GENERATED CODE! DO NOT MODIFY BY HAND!\n\n';

/** `true`/`{}` in a schema: any JSON value. Emitted as a file of its own only when something uses it. */
const JSON_VALUE = 'JsonValue';
const JSON_VALUE_PATH = 'serde_json/JsonValue';
const JSON_VALUE_DECLARATION =
  'export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Builds every bindings file in memory: relative path → file text, in path order. */
export function buildTypeScriptFiles(): Map<string, string> {
  const model = buildProtocolSchemaModel();
  const envelopes = new Set(model.envelopes);
  const rootNames = new Set([...model.unions, ...model.topLevelTypes]);
  const locations = new Map<string, string>([[JSON_VALUE, JSON_VALUE_PATH]]);
  for (const name of model.definitions.keys()) {
    if (envelopes.has(name)) continue;
    if (!IDENTIFIER.test(name)) throw new Error(`schema id ${JSON.stringify(name)} is not a TypeScript identifier`);
    locations.set(name, rootNames.has(name) ? name : `v2/${name}`);
  }

  const files = new Map<string, string>();
  let usesJsonValue = false;
  for (const [name, path] of locations) {
    if (name === JSON_VALUE) continue;
    const references = new Set<string>();
    const text = renderDeclaration(name, requireSchema(model, name), references);
    references.delete(name); // a recursive type needs no import of itself
    usesJsonValue ||= references.has(JSON_VALUE);
    files.set(`${path}.ts`, renderFile(path, text, references, locations));
  }
  if (usesJsonValue) files.set(`${JSON_VALUE_PATH}.ts`, `${HEADER}\n\n${JSON_VALUE_DECLARATION}\n`);

  const rootExports = [...locations].filter(([, path]) => files.has(`${path}.ts`) && !path.startsWith('v2/'));
  const v2Exports = [...locations].filter(([, path]) => path.startsWith('v2/'));
  files.set('index.ts', renderIndex(rootExports, '', ['export * as v2 from "./v2";']));
  files.set('v2/index.ts', renderIndex(v2Exports, 'v2', []));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Writes every bindings file under `outDir` (creating directories) and returns the written paths. */
export async function writeTypeScriptFiles(outDir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [relativePath, text] of buildTypeScriptFiles()) {
    const path = join(outDir, relativePath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    written.push(path);
  }
  return written;
}

function requireSchema(model: ProtocolSchemaModel, name: string): JsonObject {
  const schema = model.definitions.get(name);
  if (!schema) throw new Error(`no JSON Schema definition named ${name}`);
  return schema;
}

function renderFile(
  path: string,
  declaration: string,
  references: Set<string>,
  locations: Map<string, string>,
): string {
  const from = posix.dirname(path);
  const imports = [...references]
    .map((name) => {
      const target = locations.get(name);
      if (target === undefined) throw new Error(`${path} refers to ${name}, which has no bindings file`);
      const relative = posix.relative(from, target);
      return { name, specifier: relative.startsWith('.') ? relative : `./${relative}` };
    })
    .sort((a, b) => (a.specifier < b.specifier ? -1 : a.specifier > b.specifier ? 1 : 0))
    .map(({ name, specifier }) => `import type { ${name} } from "${specifier}";\n`);
  return `${HEADER}\n${imports.join('')}\n${declaration}\n`;
}

function renderIndex(entries: Array<[string, string]>, dir: string, extra: string[]): string {
  const lines = entries
    .map(([name, path]) => [name, `./${posix.relative(dir, path)}`] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, specifier]) => `export type { ${name} } from "${specifier}";`);
  return `${INDEX_HEADER}${[...lines, ...extra].join('\n')}\n`;
}

function renderDeclaration(name: string, schema: JsonObject, references: Set<string>): string {
  const doc = typeof schema.description === 'string' ? `${docComment(schema.description)}\n` : '';
  return `${doc}export type ${name} = ${renderType(schema, references)};`;
}

/** A JSDoc block; blank lines become ` *`, and a `*\/` inside the text cannot end the comment early. */
function docComment(text: string): string {
  const lines = text.replaceAll('*/', '*\\/').split('\n');
  return ['/**', ...lines.map((line) => (line.length > 0 ? ` * ${line}` : ' *')), ' */'].join('\n');
}

function renderType(schema: Json, references: Set<string>): string {
  if (schema === true) return jsonValue(references);
  if (schema === false) return 'never';
  if (!isObject(schema)) throw new Error(`unsupported JSON Schema: ${JSON.stringify(schema)}`);

  const ref = refName(schema);
  if (ref !== undefined) {
    references.add(ref);
    return ref;
  }
  if ('not' in schema) return 'never';
  if (Array.isArray(schema.allOf)) return intersection(schema.allOf.map((part) => renderType(part, references)));

  const alternatives = Array.isArray(schema.oneOf)
    ? schema.oneOf
    : Array.isArray(schema.anyOf)
      ? schema.anyOf
      : undefined;
  if (alternatives) {
    const union = alternatives.map((alternative) => renderType(alternative, references)).join(' | ');
    // A union with shared fields (ServerNotification's `emittedAtMs`) is the fields and'ed with the union.
    return isObject(schema.properties) ? `${renderObject(schema, references)} & (${union})` : union;
  }
  if (Array.isArray(schema.enum)) return schema.enum.map(renderLiteral).join(' | ');

  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.length === 0) {
    const isObjectLike = isObject(schema.properties) || schema.additionalProperties !== undefined;
    return isObjectLike ? renderObject(schema, references) : jsonValue(references);
  }
  return types
    .map((type) => {
      switch (type) {
        case 'string':
          return 'string';
        case 'integer':
        case 'number':
          return 'number';
        case 'boolean':
          return 'boolean';
        case 'null':
          return 'null';
        case 'array':
          return `Array<${renderType(schema.items ?? true, references)}>`;
        case 'object':
          return renderObject(schema, references);
        default:
          throw new Error(`unsupported JSON Schema type ${JSON.stringify(type)}`);
      }
    })
    .join(' | ');
}

/**
 * `{ a: T, b?: U | null, }` in the reference's layout: a described field starts on a new line after its JSDoc,
 * an undescribed one follows a space. Fields keep declaration order; absent from `required` means `?`.
 */
function renderObject(schema: JsonObject, references: Set<string>): string {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const fields = Object.entries(properties).map(([key, property]) => {
    const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
    const text = `${name}${required.has(key) ? '' : '?'}: ${renderType(property, references)},`;
    const description =
      isObject(property) && typeof property.description === 'string' ? property.description : undefined;
    return description === undefined ? ` ${text}` : `\n${docComment(description)}\n${text}`;
  });
  const additional = schema.additionalProperties;
  const map =
    additional === undefined || additional === false
      ? undefined
      : `{ [key in string]?: ${renderType(additional, references)} }`;
  if (fields.length === 0) return map ?? 'Record<string, never>';
  const object = `{${fields.join('')} }`;
  return map === undefined ? object : `${object} & ${map}`;
}

function renderLiteral(value: Json): string {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  throw new Error(`unsupported enum value ${JSON.stringify(value)}`);
}

function intersection(parts: string[]): string {
  return parts.map((part) => (parts.length > 1 && part.includes(' | ') ? `(${part})` : part)).join(' & ');
}

function jsonValue(references: Set<string>): string {
  references.add(JSON_VALUE);
  return JSON_VALUE;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
