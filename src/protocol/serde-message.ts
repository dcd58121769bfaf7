import * as z from 'zod';
import type { core } from 'zod';
import { UnitParamsSchema } from './common.js';

/**
 * Words zod validation failures the way the reference's serde deserializer does, because clients see these
 * texts after `Invalid request: ` (e.g. ``missing field `threadId` ``, `invalid type: string "x", expected u32`,
 * ``unknown variant `readOnly`, expected one of `read-only`, … ``). Like serde, only the first problem is
 * reported, and a wrongly typed field wins over a missing one (serde reads the fields that are present first).
 */
export function serdeMessage(root: z.ZodType, input: unknown, issues: readonly core.$ZodIssue[]): string {
  const ordered = [...issues].sort((a, b) => Number(isMissing(a)) - Number(isMissing(b)));
  const issue = ordered[0];
  if (!issue) return 'invalid value';
  if (root === UnitParamsSchema) return `invalid type: ${describeValue(input)}, expected unit`;
  const target = schemaAt(root, issue.path);
  const last = issue.path[issue.path.length - 1];
  if (isMissing(issue) && typeof last === 'string') return `missing field \`${last}\``;

  switch (issue.code) {
    case 'invalid_value': {
      const values = issue.values.map((value) => `\`${String(value)}\``);
      if (typeof issue.input === 'string') return `unknown variant \`${issue.input}\`, expected ${oneOf(values)}`;
      return `invalid type: ${describeValue(issue.input)}, expected ${oneOf(values)}`;
    }
    case 'too_small':
    case 'too_big':
      return `invalid value: ${describeValue(issue.input)}, expected ${expectation(target)}`;
    case 'invalid_type':
      if (issue.path.length === 0 && Array.isArray(input) && target) {
        const fields = objectShape(target);
        if (fields) {
          return `invalid length ${input.length}, expected ${expectation(target)} with ${Object.keys(fields).length} elements`;
        }
      }
      return `invalid type: ${describeValue(issue.input)}, expected ${expectation(target)}`;
    case 'unrecognized_keys': {
      // serde names the first unknown field and lists the struct's fields in declaration order.
      const variant = variantFor(target, issue.input);
      const tagged = variant !== target;
      // A tagged enum's tag is not one of its variant's fields.
      const fields = Object.entries((variant && objectShape(variant)) ?? {})
        .filter(([, field]) => !(tagged && defOf(unwrap(field)).type === 'literal'))
        .map(([field]) => `\`${field}\``);
      const expected = fields.length === 0 ? 'there are no fields' : `expected ${oneOf(fields)}`;
      return `unknown field \`${issue.keys[0] ?? ''}\`, ${expected}`;
    }
    case 'invalid_union': {
      // A tagged enum (zod discriminated union): no tag is a missing field, an unknown tag an unknown variant.
      const tag = 'discriminator' in issue && typeof issue.discriminator === 'string' ? issue.discriminator : null;
      const options = 'options' in issue && Array.isArray(issue.options) ? issue.options : [];
      if (tag === null) return issue.message;
      const found: unknown = isObject(issue.input) ? issue.input[tag] : undefined;
      if (found === undefined) return `missing field \`${tag}\``;
      const variants = options.map((option) => `\`${String(option)}\``);
      if (typeof found === 'string') return `unknown variant \`${found}\`, expected ${oneOf(variants)}`;
      return `invalid type: ${describeValue(found)}, expected ${oneOf(variants)}`;
    }
    default:
      return issue.message;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object schema that applies to `input`: the schema itself, or the union member whose tag `input` carries. */
function variantFor(schema: z.ZodType | undefined, input: unknown): z.ZodType | undefined {
  if (!schema) return undefined;
  const def = defOf(unwrap(schema));
  if (!def.options) return schema;
  return def.options.find((option) => {
    const shape = objectShape(option) ?? {};
    return Object.entries(shape).some(([key, field]) => {
      const literal = defOf(unwrap(field)).values;
      return isObject(input) && literal !== undefined && literal.includes(input[key]);
    });
  });
}

function isMissing(issue: core.$ZodIssue): boolean {
  // A missing enum field is an `invalid_value` issue (no variant matched `undefined`), not an `invalid_type` one.
  return (
    (issue.code === 'invalid_type' || issue.code === 'invalid_value') &&
    !('input' in issue && issue.input !== undefined) &&
    issue.path.length > 0
  );
}

/** serde's wording of the value it found. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  }
  if (Array.isArray(value)) return 'sequence';
  return 'map';
}

function oneOf(values: string[]): string {
  if (values.length === 1) return values[0] ?? '';
  if (values.length === 2) return `${values[0]} or ${values[1]}`;
  return `one of ${values.join(', ')}`;
}

const FORMAT_NAMES: Record<string, string> = {
  uint8: 'u8',
  uint16: 'u16',
  uint32: 'u32',
  uint64: 'u64',
  uint: 'usize',
  int8: 'i8',
  int16: 'i16',
  int32: 'i32',
  int64: 'i64',
  double: 'f64',
  float: 'f32',
};

/** The parts of zod's internal definitions this module walks; zod types `def` only per schema class. */
interface WalkableDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly values?: readonly unknown[];
}

function defOf(schema: z.ZodType): WalkableDef {
  return schema._zod.def as unknown as WalkableDef;
}

/** serde's wording of what it expected, read from the schema at the failing path. */
function expectation(schema: z.ZodType | undefined): string {
  if (!schema) return 'a value';
  const meta = z.globalRegistry.get(schema);
  // serde's PathBuf visitor: `invalid type: integer \`5\`, expected path string` [observed on fs/readFile].
  if (meta?.id === 'AbsolutePathBuf') return 'path string';
  const format = typeof meta?.format === 'string' ? FORMAT_NAMES[meta.format] : undefined;
  if (format) return format;
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'number':
      return 'f64';
    case 'array':
      return 'a sequence';
    case 'record':
      return 'a map';
    case 'object':
      return typeof meta?.id === 'string' ? `struct ${meta.id}` : 'a map';
    case 'optional':
    case 'nullable':
    case 'default':
      return expectation(def.innerType);
    case 'pipe':
      // A transform (e.g. the fs/* path normalization) expects what its input schema expects.
      return expectation(def.in);
    default:
      return 'a value';
  }
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in;
    } else {
      return current;
    }
  }
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  return defOf(unwrap(schema)).shape;
}

/** Follows an issue path through objects, arrays and records; the innermost schema keeps its own meta. */
function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const key of path) {
    if (!current) return undefined;
    const def: WalkableDef = defOf(unwrap(current));
    if (def.shape) current = def.shape[String(key)];
    else if (def.element) current = def.element;
    else if (def.valueType) current = def.valueType;
    else return undefined;
  }
  return current;
}
