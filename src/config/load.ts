import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import { parse, TomlError } from 'smol-toml';
import type { TextRangeSchema } from '../protocol/v2/server-status.js';
import { StartupError } from '../util/startup-error.js';
import { applyOverrides, type ConfigOverride } from './overrides.js';
import { locateValue, position } from './toml-locate.js';
import {
  ConfigTomlSchema,
  NON_STRING_VARIANT_FILE_MESSAGE,
  NON_STRING_VARIANT_MESSAGE,
  type ConfigToml,
  isPlainTable,
} from './schema.js';

/** A configuration problem the server starts with anyway; sent to each client after `initialize`. */
export interface ConfigWarning {
  summary: string;
  details: string | null;
  /** The config file the problem is in, when it is about one. */
  path: string | null;
  /** 1-based line and column; `end` is the last character of the offending text (inclusive). */
  range: z.infer<typeof TextRangeSchema> | null;
}

/** The configuration a server runs with. */
export interface LoadedConfig {
  codexHome: string;
  configPath: string;
  /** config.toml as parsed, with the overrides applied; unknown keys kept. Empty of file values if the file was unusable. */
  table: Record<string, unknown>;
  /** config.toml alone, as parsed (the user layer); empty when the file is missing or unusable. */
  fileTable: Record<string, unknown>;
  /** The command line's `-c`/`--enable`/`--disable` overrides, in order (the session-flags layer). */
  overrides: readonly ConfigOverride[];
  /** `table` validated. */
  config: ConfigToml;
  warnings: ConfigWarning[];
}

/** The reference's summary for every unusable config.toml (unreadable, bad TOML, or a bad value). */
export const INVALID_CONFIG_SUMMARY = 'Invalid configuration; using defaults.';

/**
 * Reads `$CODEX_HOME/config.toml` (a missing file is an empty table), applies `overrides` in order and
 * validates the result against ConfigTomlSchema. Behaviour matched against the reference 0.169.0 (probed):
 *
 * - An unusable config.toml — unreadable, not UTF-8, not valid TOML, or a wrong type/value for a known key
 *   that comes from the file (e.g. `approval_policy = 5`, `wire_api = "chat"`) — does not stop startup: the
 *   whole file is dropped ("using defaults"), the overrides are applied to an empty table, and one warning
 *   `Invalid configuration; using defaults.` is returned with details `<path>:<line>:<column>: <message>`,
 *   `path` and the `range` of the offending text. (The reference then fails each `thread/start` with
 *   -32600 `failed to load configuration: <details>`; that is the caller's business.)
 * - A wrong value that comes from an override (`-c model=5`) stops startup: StartupError
 *   ``invalid type: integer `5`, expected a string\nin `model`\n``.
 * - An unusable file plus a bad override: StartupError `<file details>\n\nCaused by:\n    <override error>`,
 *   anyhow's chain as the reference prints it.
 * - A value fixed by an override (`approval_policy = 5` in the file, `-c approval_policy=never`) is fine:
 *   validation runs on the merged table.
 * - Unknown keys are kept and produce nothing here (the reference warns ``Codex is ignoring N unrecognized
 *   configuration settings…``; this server does not know the reference's full key list).
 * - Only the first problem is reported, the first in document order, like serde.
 *
 * @throws StartupError as described; file system errors other than the ones above are reported as warnings.
 */
export async function loadConfig(options: { codexHome: string; overrides: ConfigOverride[] }): Promise<LoadedConfig> {
  const { codexHome, overrides } = options;
  const configPath = join(codexHome, 'config.toml');
  const read = await readConfigText(configPath);
  let problem: ConfigWarning;
  if ('problem' in read) {
    problem = read.problem;
  } else {
    const outcome = mergeFile(configPath, 'text' in read ? read.text : '', overrides);
    if ('config' in outcome) return { codexHome, configPath, ...outcome, overrides, warnings: [] };
    problem = outcome;
  }

  const table = applyOverrides({}, overrides);
  const result = validate(table);
  if (!result.ok) {
    const cause = overrideMessage(result.issue).replace(/\n/g, '\n    ');
    throw new StartupError(`${problem.details ?? problem.summary}\n\nCaused by:\n    ${cause}`);
  }
  return { codexHome, configPath, table, fileTable: {}, overrides, config: result.config, warnings: [problem] };
}

/** The file with the overrides applied, or the file's problem. @throws StartupError when an override is wrong. */
function mergeFile(
  configPath: string,
  source: string,
  overrides: readonly ConfigOverride[],
): { table: Record<string, unknown>; fileTable: Record<string, unknown>; config: ConfigToml } | ConfigWarning {
  let fileTable: Record<string, unknown>;
  try {
    fileTable = parse(source);
  } catch (error) {
    if (error instanceof TomlError) return syntaxProblem(configPath, error);
    throw error;
  }
  const table = applyOverrides(fileTable, overrides);
  const result = validate(table);
  if (result.ok) return { table, fileTable, config: result.config };
  if (comesFromOverride(result.issue.path, overrides)) throw new StartupError(overrideMessage(result.issue));
  return valueProblem(configPath, source, result.issue);
}

type ConfigIssue = z.core.$ZodIssue;
type Validation = { ok: true; config: ConfigToml } | { ok: false; issue: ConfigIssue };

function validate(table: Record<string, unknown>): Validation {
  // `jitless`: the config is parsed once per load, so zod's compiled fast path (generated with `new Function` on an
  // object schema's first parse, outside V8's code cache) would only add its compilation to every start-up.
  const quick = ConfigTomlSchema.safeParse(table, { jitless: true });
  if (quick.success) return { ok: true, config: quick.data };
  // Only a failure needs the offending values in the issues, and `reportInput` makes zod much slower.
  const result = ConfigTomlSchema.safeParse(table, { reportInput: true, jitless: true });
  if (result.success) return { ok: true, config: result.data };
  const ranked = result.error.issues
    .map((issue) => ({ issue, rank: documentRank(table, issue) }))
    .sort((a, b) => compareRanks(a.rank, b.rank));
  const first = ranked[0];
  if (!first) throw new Error('zod reported a failure without issues');
  return { ok: false, issue: first.issue };
}

/**
 * Where an issue's value sits in the table's key order (JS objects keep insertion order, which is document
 * order for smol-toml, then override order). Checks made after reading (custom issues) rank last, as in the
 * reference where they run after deserialization.
 */
function documentRank(table: Record<string, unknown>, issue: ConfigIssue): number[] {
  const rank = [issue.code === 'custom' ? 1 : 0];
  let current: unknown = table;
  for (const key of issue.path) {
    let index = -1;
    if (Array.isArray(current)) {
      index = Number(key);
      current = current[index];
    } else if (isPlainTable(current)) {
      index = Object.keys(current).indexOf(String(key));
      current = current[String(key)];
    } else {
      current = undefined;
    }
    rank.push(index < 0 ? Number.MAX_SAFE_INTEGER : index);
  }
  return rank;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/** An issue is the override's when an override set the value at its path, a table above it, or a key inside it. */
function comesFromOverride(issuePath: readonly PropertyKey[], overrides: readonly ConfigOverride[]): boolean {
  const issueKeys = issuePath.map(String);
  return overrides.some(({ path }) => {
    const shared = Math.min(path.length, issueKeys.length);
    return path.slice(0, shared).every((segment, index) => segment === issueKeys[index]);
  });
}

/**
 * The path the reference prints after `in`: sequence indices are not shown, and `[features]` is read as one
 * struct, so errors inside it name `features`.
 */
function displayPath(issue: ConfigIssue): string[] {
  const explicit = issue.code === 'custom' ? issue.params?.['displayPath'] : undefined;
  if (Array.isArray(explicit)) return explicit.map(String);
  const keys: string[] = [];
  for (const key of issue.path) {
    if (typeof key === 'number') continue;
    keys.push(String(key));
    const atFeatures = key === 'features' && (keys.length === 1 || (keys.length === 3 && keys[0] === 'profiles'));
    if (atFeatures) break;
  }
  return keys;
}

function overrideMessage(issue: ConfigIssue): string {
  const path = displayPath(issue);
  return path.length === 0 ? issue.message : `${issue.message}\nin \`${path.join('.')}\`\n`;
}

function valueProblem(configPath: string, source: string, issue: ConfigIssue): ConfigWarning {
  // The toml crate words enum type errors in a document differently from serde on a `-c` value.
  const message = issue.message === NON_STRING_VARIANT_MESSAGE ? NON_STRING_VARIANT_FILE_MESSAGE : issue.message;
  const span = locateValue(source, issue.path);
  if (span === null) {
    return { summary: INVALID_CONFIG_SUMMARY, details: `${configPath}: ${message}`, path: configPath, range: null };
  }
  // A problem with a whole `[table]` is placed at the table's name, after the bracket, as the toml crate places it
  // (observed from the reference 0.169.0 for a provider table's gateway_oauth problems).
  const lineStart = source.lastIndexOf('\n', span.start - 1) + 1;
  const isHeader =
    source[span.start] === '[' && source[span.start + 1] !== '[' && source.slice(lineStart, span.start).trim() === '';
  const from = isHeader ? span.start + 1 : span.start;
  const start = position(source, from);
  const end = position(source, Math.max(from, span.end - 1));
  return {
    summary: INVALID_CONFIG_SUMMARY,
    details: `${configPath}:${start.line}:${start.column}: ${message}`,
    path: configPath,
    range: { start, end },
  };
}

function syntaxProblem(configPath: string, error: TomlError): ConfigWarning {
  // smol-toml's message is "Invalid TOML document: <reason>\n\n<code block>"; its wording is not the toml
  // crate's, but the position (1-based line and column) is the same.
  const reason = (error.message.split('\n')[0] ?? error.message).replace(/^Invalid TOML document: /, '');
  const at = { line: error.line, column: error.column };
  return {
    summary: INVALID_CONFIG_SUMMARY,
    details: `${configPath}:${at.line}:${at.column}: ${reason}`,
    path: configPath,
    range: { start: at, end: at },
  };
}

type ReadResult = { missing: true } | { text: string } | { problem: ConfigWarning };

async function readConfigText(configPath: string): Promise<ReadResult> {
  const unreadable = (reason: string): ReadResult => ({
    problem: {
      summary: INVALID_CONFIG_SUMMARY,
      details: `Failed to read config file ${configPath}: ${reason}`,
      path: null,
      range: null,
    },
  });
  let bytes: Buffer;
  try {
    if (!(await stat(configPath)).isFile()) return unreadable(`path \`${configPath}\` is not a file`);
    bytes = await readFile(configPath);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT') return { missing: true };
    if (code === 'EACCES') return unreadable('Permission denied (os error 13)');
    return unreadable(error instanceof Error ? error.message : String(error));
  }
  const invalid = utf8Problem(bytes);
  if (invalid !== null) return unreadable(invalid);
  return { text: bytes.toString('utf8') };
}

/** Rust's `Utf8Error` text for the first invalid sequence, or null for valid UTF-8. */
function utf8Problem(bytes: Uint8Array): string | null {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const width = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (width === 0) return `invalid utf-8 sequence of 1 bytes from index ${i}`;
    // The second byte's range is narrower after some lead bytes (overlong forms, surrogates, > U+10FFFF).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < width; k++) {
      const byte = bytes[i + k];
      if (byte === undefined) return `incomplete utf-8 byte sequence from index ${i}`;
      if (byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) {
        return `invalid utf-8 sequence of ${k} bytes from index ${i}`;
      }
    }
    i += width;
  }
  return null;
}

/**
 * Validates a config table built from overrides at run time (thread/start's `config`), worded as the
 * reference words a bad `-c` value: ``invalid type: integer `5`, expected a string\nin `model`\n``.
 */
export function validateConfigTable(
  table: Record<string, unknown>,
): { ok: true; config: ConfigToml } | { ok: false; message: string } {
  const result = validate(table);
  return result.ok ? result : { ok: false, message: overrideMessage(result.issue) };
}
