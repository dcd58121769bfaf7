import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
// oxlint-disable-next-line import/default -- a CommonJS module (`export =`): its default import is its exports object.
import parseYaml from './yaml-parse.cjs';

/**
 * Where Claude Code keeps one scope's configuration and where its Codex counterpart goes. The home scope reads
 * `~/.claude` and `~/.claude.json` and writes into CODEX_HOME (skills beside it, in `<parent>/.agents/skills`); a
 * repository scope reads `<repo>/.claude` and `<repo>/.mcp.json` and writes into `<repo>/.codex` (skills in
 * `<repo>/.agents/skills`), as the reference 0.169.0 lays them out [observed].
 */
export interface ClaudeScope {
  /** null for the home scope, the repository otherwise (the migration item's `cwd`). */
  readonly cwd: string | null;
  /** `~/.claude` or `<repo>/.claude`. */
  readonly claudeDir: string;
  /** The JSON file whose `mcpServers` are imported. */
  readonly mcpFile: string;
  /** What MCP descriptions name as the origin: the home or the repository. */
  readonly mcpOrigin: string;
  /** CODEX_HOME or `<repo>/.codex`. */
  readonly codexDir: string;
  readonly skillsTarget: string;
  /** Instruction files in the order they are looked for. */
  readonly instructionSources: readonly string[];
  readonly agentsMdTarget: string;
}

export function homeScope(home: string, codexHome: string): ClaudeScope {
  const claudeDir = join(home, '.claude');
  return {
    cwd: null,
    claudeDir,
    mcpFile: join(home, '.claude.json'),
    mcpOrigin: home,
    codexDir: codexHome,
    skillsTarget: join(dirname(codexHome), '.agents', 'skills'),
    instructionSources: [join(claudeDir, 'CLAUDE.md')],
    agentsMdTarget: join(codexHome, 'AGENTS.md'),
  };
}

export function repoScope(repo: string): ClaudeScope {
  const claudeDir = join(repo, '.claude');
  return {
    cwd: repo,
    claudeDir,
    mcpFile: join(repo, '.mcp.json'),
    mcpOrigin: repo,
    codexDir: join(repo, '.codex'),
    skillsTarget: join(repo, '.agents', 'skills'),
    instructionSources: [join(repo, 'CLAUDE.md'), join(claudeDir, 'CLAUDE.md')],
    agentsMdTarget: join(repo, 'AGENTS.md'),
  };
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The file's text, or null when it is missing or unreadable (a scope without it has nothing to import). */
export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** A JSON file's top-level object, or null when missing or not an object. */
export async function readJsonObject(path: string): Promise<JsonObject | null> {
  const text = await readText(path);
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** `settings.json`'s `env` as string values (numbers and booleans written as text), only when non-empty. */
export function settingsEnv(settings: JsonObject | null): Record<string, string> | null {
  const env = settings?.['env'];
  if (!isObject(env)) return null;
  const entries = Object.entries(env).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v));
  return entries.length === 0 ? null : Object.fromEntries(entries.map(([k, v]) => [k, String(v)]));
}

/** `sandbox.enabled: true` asks for Codex's workspace-write sandbox [observed]; anything else maps to nothing. */
export function settingsSandboxMode(settings: JsonObject | null): 'workspace-write' | null {
  const sandbox = settings?.['sandbox'];
  return isObject(sandbox) && sandbox['enabled'] === true ? 'workspace-write' : null;
}

export function mcpServers(file: JsonObject | null): JsonObject {
  const servers = file?.['mcpServers'];
  return isObject(servers) ? servers : {};
}

export function hookEvents(settings: JsonObject | null): JsonObject {
  const hooks = settings?.['hooks'];
  return isObject(hooks) ? hooks : {};
}

/** A Markdown file split into its YAML front matter (empty when absent or malformed) and body. */
export function splitFrontMatter(text: string): { meta: JsonObject; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!match) return { meta: {}, body: text };
  let meta: JsonObject = {};
  try {
    const parsed: unknown = parseYaml(match[1] ?? '');
    if (isObject(parsed)) meta = parsed;
  } catch {
    // A malformed header is treated as absent: the body is still worth importing.
  }
  return { meta, body: text.slice(match[0].length) };
}

/** Directory entries, sorted by name, or none when the directory is missing. */
export async function sortedEntries(dir: string) {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

/** `<name>.md` files of a directory as [stem, path]. */
export async function markdownFiles(dir: string): Promise<Array<[string, string]>> {
  return (await sortedEntries(dir))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => [basename(entry.name, '.md'), join(dir, entry.name)]);
}

/**
 * Commands become skills only when their template needs no arguments: a skill has nowhere to put `$ARGUMENTS`
 * or `$1`, so the reference leaves such commands out [observed].
 */
export function takesArguments(body: string): boolean {
  return /\$(ARGUMENTS|\d)/.test(body);
}

export const COMMAND_SKILL_PREFIX = 'source-command-';
