import type * as z from 'zod';
import { lineColumn, parseWithPositions, type JsonEntry, type JsonNode } from './json-positions.js';
import { rustDebugFloat, rustDebugString } from './rust-format.js';

/**
 * Function-call arguments validated by a zod schema but rejected in the words of the reference, whose serde
 * derive reports the first problem in document order: `failed to parse function arguments: invalid type:
 * integer \`5\`, expected a string at line 1 column 8`. zod decides what is valid; the {@link SerdeStruct}
 * table only supplies serde's names for the expected types, and the positioned parse supplies the location.
 */

export const ARGUMENTS_ERROR_PREFIX = 'failed to parse function arguments: ';

/** How serde names a field's type in `expected …`. */
export type SerdeField =
  | { readonly kind: 'string' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'integer'; readonly type: 'u64' | 'usize' | 'i32' }
  | { readonly kind: 'stringSequence' }
  | { readonly kind: 'enum'; readonly variants: readonly string[] }
  | { readonly kind: 'struct'; readonly name: string };

export interface SerdeStruct {
  /** The Rust struct name, for a top-level value that is not an object (`expected struct ExecCommandArgs`). */
  readonly name: string;
  /** Fields the reference knows; unknown fields are ignored, as serde does. */
  readonly fields: Readonly<Record<string, SerdeField>>;
  /**
   * Fields a first deserialization pass reads before the struct itself (the reference parses
   * `ExecCommandEnvironmentArgs {workdir}` first, skipping every other value whole): its errors, and any syntax
   * error, are reported before the other fields' type errors.
   */
  readonly firstPassFields?: readonly string[];
}

export type ParsedArguments<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; /** The complete text for the model, prefix included. */ readonly message: string };

interface Problem {
  readonly at: number;
  readonly message: string;
  /** The top-level field the problem is in, if any. */
  readonly field?: string;
}

export function parseSerdeArguments<S extends z.ZodType>(
  json: string,
  schema: S,
  struct: SerdeStruct,
): ParsedArguments<z.output<S>> {
  const parsed = parseWithPositions(json);
  const root = parsed.root;
  const result = schema.safeParse(root === null ? undefined : toValue(root));
  const problems: Problem[] = [];
  if (root !== null && root.kind !== 'object') {
    problems.push({ at: root.at, message: `invalid type: ${unexpected(root)}, expected struct ${struct.name}` });
  } else if (root !== null) {
    problems.push(...fieldProblems(root.entries, struct, result.success ? [] : result.error.issues));
  }
  const firstPass = new Set(struct.firstPassFields ?? []);
  const early = problems.filter((problem) => problem.field !== undefined && firstPass.has(problem.field));
  const syntax = parsed.error === null ? [] : [{ at: parsed.error.at, message: parsed.error.message }];
  // A syntax error, or an error in a first-pass field, stops the reference before it checks the other fields.
  let candidates = [...syntax, ...early];
  if (candidates.length === 0) candidates = problems;
  if (candidates.length === 0 && root !== null && root.kind === 'object' && !result.success) {
    candidates = missingFields(root, result.error.issues);
  }
  const first = candidates.reduce<Problem | undefined>(
    (best, next) => (best === undefined || next.at < best.at ? next : best),
    undefined,
  );
  if (first === undefined) {
    if (result.success) return { ok: true, value: result.data };
    // zod rejected something serde has no words for; still answer in the reference's shape.
    return { ok: false, message: `${ARGUMENTS_ERROR_PREFIX}${result.error.issues[0]?.message ?? 'invalid arguments'}` };
  }
  const { line, column } = lineColumn(parsed.bytes, first.at);
  return { ok: false, message: `${ARGUMENTS_ERROR_PREFIX}${first.message} at line ${line} column ${column}` };
}

function fieldProblems(
  entries: readonly JsonEntry[],
  struct: SerdeStruct,
  issues: readonly z.core.$ZodIssue[],
): Problem[] {
  const problems: Problem[] = [];
  const first = new Map<string, JsonEntry>();
  for (const entry of entries) {
    const field = struct.fields[entry.key];
    if (field === undefined) continue;
    if (first.has(entry.key)) {
      problems.push({ at: entry.keyEnd, message: `duplicate field \`${entry.key}\``, field: entry.key });
      continue;
    }
    first.set(entry.key, entry);
    // JSON.parse-level values lose `2.0` vs `2`; serde does not accept a float lexeme for an integer.
    if (field.kind === 'integer' && entry.node.kind === 'number' && entry.node.isFloat) {
      problems.push({ at: entry.node.at, message: fieldMessage(field, entry.node, false), field: entry.key });
    }
  }
  for (const issue of issues) {
    const [key, index] = issue.path;
    if (typeof key !== 'string') continue;
    const field = struct.fields[key];
    const entry = first.get(key);
    if (field === undefined || entry === undefined) continue;
    const element = typeof index === 'number' && entry.node.kind === 'array' ? entry.node.items[index] : undefined;
    const node = element ?? entry.node;
    const at = field.kind === 'enum' && node.kind !== 'string' ? node.start + 1 : node.at;
    problems.push({ at, message: fieldMessage(field, node, element !== undefined), field: key });
  }
  return problems;
}

function missingFields(root: Extract<JsonNode, { kind: 'object' }>, issues: readonly z.core.$ZodIssue[]): Problem[] {
  if (root.end === null) return [];
  const present = new Set(root.entries.map((entry) => entry.key));
  const missing = issues.flatMap((issue) => {
    const key = issue.path[0];
    return issue.path.length === 1 && typeof key === 'string' && !present.has(key) ? [key] : [];
  });
  const key = missing[0];
  return key === undefined ? [] : [{ at: root.end, message: `missing field \`${key}\`` }];
}

function fieldMessage(field: SerdeField, node: JsonNode, isElement: boolean): string {
  switch (field.kind) {
    case 'integer':
      if (node.kind === 'number' && !node.isFloat)
        return `invalid value: integer \`${node.value}\`, expected ${field.type}`;
      return `invalid type: ${unexpected(node)}, expected ${field.type}`;
    case 'enum':
      if (node.kind !== 'string') return 'expected value';
      return `unknown variant \`${node.value}\`, expected one of ${field.variants.map((v) => `\`${v}\``).join(', ')}`;
    case 'string':
      return `invalid type: ${unexpected(node)}, expected a string`;
    case 'bool':
      return `invalid type: ${unexpected(node)}, expected a boolean`;
    case 'stringSequence':
      return `invalid type: ${unexpected(node)}, expected ${isElement ? 'a string' : 'a sequence'}`;
    case 'struct':
      return `invalid type: ${unexpected(node)}, expected struct ${field.name}`;
  }
}

/** serde's `Unexpected` as serde_json renders it. */
function unexpected(node: JsonNode): string {
  switch (node.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return `boolean \`${node.value}\``;
    case 'number':
      return node.isFloat ? `floating point \`${rustDebugFloat(node.value)}\`` : `integer \`${node.value}\``;
    case 'string':
      return `string ${rustDebugString(node.value)}`;
    case 'object':
      return 'map';
    case 'array':
      return 'sequence';
  }
}

/** The plain value; for a repeated key the first occurrence counts (serde stops at the duplicate). */
function toValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'null':
      return null;
    case 'bool':
    case 'string':
    case 'number':
      return node.value;
    case 'array':
      return node.items.map(toValue);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const entry of node.entries) {
        if (!Object.hasOwn(out, entry.key))
          Object.defineProperty(out, entry.key, {
            value: toValue(entry.node),
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }
      return out;
    }
  }
}
