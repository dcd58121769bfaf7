import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify as stringifyToml } from 'smol-toml';
import { writeUserConfig } from '../../config/config-write.js';
import type { LoadedConfig } from '../../config/load.js';
import { editTomlDocument, type LeafEdit } from '../../config/toml-edit.js';
import type {
  ExternalAgentConfigImportTypeResult,
  ExternalAgentConfigMigrationItem,
} from '../../protocol/v2/external-agent-config.js';
import { importableCommands, instructionSource, pendingSkills, readSubagents, readToml } from './claude-detect.js';
import {
  hookEvents,
  isObject,
  mcpServers,
  readJsonObject,
  readText,
  settingsEnv,
  settingsSandboxMode,
  type ClaudeScope,
  type JsonObject,
} from './claude-layout.js';

/** An item that could not be imported, with the stage the failure reports (`failureStage`). */
export class ImportFailure extends Error {
  constructor(
    readonly stage: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImportFailure';
  }
}

type Success = ExternalAgentConfigImportTypeResult['successes'][number];

/**
 * Imports one migration item (as `externalAgentConfig/detect` described it) into Codex's configuration, and
 * returns what it imported, one success per file or named thing, as the reference 0.169.0 reports them [observed]:
 * settings and instructions by source and target path, MCP servers, hooks, skills, commands and subagents by name.
 * Settings and MCP servers of the home scope go through the user config writer (comments and layout survive, and
 * the server's configuration follows); a repository's `.codex/config.toml` is edited the same way in place.
 */
export async function importItem(
  item: ExternalAgentConfigMigrationItem,
  scope: ClaudeScope,
  config: LoadedConfig,
): Promise<ExternalAgentConfigImportTypeResult> {
  const success = (source: string, target: string): Success => ({
    itemType: item.itemType,
    cwd: scope.cwd,
    source,
    target,
    title: null,
  });
  const named = (names: readonly string[]) => names.map((name) => success(name, name));
  const chosen = (kind: 'mcpServers' | 'hooks' | 'skills' | 'commands' | 'subagents') => {
    const names = item.details?.[kind]?.map((entry) => entry.name) ?? [];
    return names.length > 0 ? new Set(names) : null;
  };
  const wanted = (set: Set<string> | null, name: string) => set === null || set.has(name);
  const settingsPath = join(scope.claudeDir, 'settings.json');
  const configPath = join(scope.codexDir, 'config.toml');
  let successes: Success[] = [];

  switch (item.itemType) {
    case 'CONFIG': {
      const settings = await readJsonObject(settingsPath);
      const env = settingsEnv(settings);
      const sandboxMode = settingsSandboxMode(settings);
      const tables: JsonObject = {};
      if (sandboxMode !== null && (await readToml(configPath))['sandbox_mode'] === undefined) tables['sandbox_mode'] = sandboxMode;
      if (env !== null) tables['shell_environment_policy'] = { inherit: 'core', set: env };
      if (Object.keys(tables).length > 0) {
        await writeTables(scope, config, tables);
        successes = [success(settingsPath, configPath)];
      }
      break;
    }
    case 'MCP_SERVER_CONFIG': {
      const selected = chosen('mcpServers');
      const servers = Object.entries(mcpServers(await readJsonObject(scope.mcpFile)))
        .filter(([name]) => wanted(selected, name))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const tables = Object.fromEntries(servers.map(([name, server]) => [name, codexMcpServer(server)]));
      if (servers.length > 0) await writeTables(scope, config, { mcp_servers: tables });
      successes = named(servers.map(([name]) => name));
      break;
    }
    case 'HOOKS': {
      const selected = chosen('hooks');
      const hooksPath = join(scope.codexDir, 'hooks.json');
      const existing = (await readJsonObject(hooksPath)) ?? {};
      const events = Object.entries(hookEvents(await readJsonObject(settingsPath))).filter(([event]) => wanted(selected, event));
      const merged = { ...existing, hooks: { ...hookEvents(existing), ...Object.fromEntries(events) } };
      await mkdir(scope.codexDir, { recursive: true });
      await writeFile(hooksPath, `${JSON.stringify(merged, null, 2)}\n`);
      successes = named(events.map(([event]) => event));
      break;
    }
    case 'SKILLS': {
      const selected = chosen('skills');
      const skills = (await pendingSkills(scope)).filter((name) => wanted(selected, name));
      for (const name of skills) {
        await cp(join(scope.claudeDir, 'skills', name), join(scope.skillsTarget, name), { recursive: true });
      }
      successes = named(skills);
      break;
    }
    case 'COMMANDS': {
      const selected = chosen('commands');
      const commands = (await importableCommands(scope)).filter((command) => wanted(selected, command.skillName));
      for (const command of commands) {
        const dir = join(scope.skillsTarget, command.skillName);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'SKILL.md'), commandSkill(command.skillName, command.command, command.description, command.body));
      }
      successes = named(commands.map((command) => command.skillName));
      break;
    }
    case 'SUBAGENTS': {
      const selected = chosen('subagents');
      const agents = (await readSubagents(scope)).filter((agent) => wanted(selected, agent.name));
      const agentsDir = join(scope.codexDir, 'agents');
      await mkdir(agentsDir, { recursive: true });
      for (const agent of agents) {
        const role: JsonObject = { name: agent.name };
        if (agent.description !== null) role['description'] = agent.description;
        role['developer_instructions'] = agent.instructions;
        await writeFile(join(agentsDir, `${agent.name}.toml`), `${stringifyToml(role)}\n`);
      }
      successes = named(agents.map((agent) => agent.name));
      break;
    }
    case 'AGENTS_MD': {
      const source = await instructionSource(scope);
      if (source !== null) {
        await mkdir(dirname(scope.agentsMdTarget), { recursive: true });
        await writeFile(scope.agentsMdTarget, forCodex((await readText(source)) ?? ''));
        successes = [success(source, scope.agentsMdTarget)];
      }
      break;
    }
    case 'PLUGINS':
      if (!item.details) throw new ImportFailure('plugin_import', 'plugins migration item is missing details');
      throw new ImportFailure('plugin_import', 'importing Claude Code plugins is not supported by this server');
    default:
      throw new ImportFailure('import', `importing ${item.itemType} from Claude Code is not supported`);
  }
  return { itemType: item.itemType, successes, failures: [] };
}

/** A Claude Code MCP server entry as a Codex `[mcp_servers.<name>]` table: stdio command or streamable HTTP url. */
function codexMcpServer(server: unknown): JsonObject {
  const entry = isObject(server) ? server : {};
  const table: JsonObject = {};
  if (typeof entry['command'] === 'string') table['command'] = entry['command'];
  if (Array.isArray(entry['args'])) table['args'] = entry['args'].map(String);
  if (isObject(entry['env'])) table['env'] = stringValues(entry['env']);
  if (typeof entry['url'] === 'string') table['url'] = entry['url'];
  if (isObject(entry['headers'])) table['http_headers'] = stringValues(entry['headers']);
  return table;
}

function stringValues(table: JsonObject): Record<string, string> {
  return Object.fromEntries(Object.entries(table).map(([key, value]) => [key, String(value)]));
}

/** Instructions written for Claude, addressed to Codex instead. */
function forCodex(text: string): string {
  return text.replaceAll('CLAUDE.md', 'AGENTS.md').replaceAll('Claude Code', 'Codex').replaceAll('Claude', 'Codex');
}

/** A command turned into a skill the model can pick by name; the command's own text becomes its body. */
function commandSkill(skillName: string, command: string, description: string | null, body: string): string {
  return [
    '---',
    `name: ${JSON.stringify(skillName)}`,
    `description: ${JSON.stringify(description ?? `Imported command \`${command}\``)}`,
    '---',
    '',
    `# ${skillName}`,
    '',
    `This skill carries the command \`${command}\`, imported from another coding agent. Apply it when the user asks`,
    'for that command by name, following the template below as the task to carry out.',
    '',
    '## Template',
    '',
    body.trim(),
    '',
  ].join('\n');
}

/**
 * Merges `tables` into the scope's config.toml: the home's through the user config writer (serialized with every
 * other config write, so no concurrent write is lost), a repository's by the same comment-keeping TOML edit.
 */
async function writeTables(scope: ClaudeScope, config: LoadedConfig, tables: JsonObject): Promise<void> {
  if (scope.cwd === null) {
    await writeUserConfig(config, {
      edits: Object.entries(tables).map(([key, value]) => ({
        keyPath: key,
        value: value as never,
        mergeStrategy: isObject(value) ? ('upsert' as const) : ('replace' as const),
      })),
    });
    return;
  }
  const path = join(scope.codexDir, 'config.toml');
  const source = (await readText(path)) ?? '';
  const current = await readToml(path);
  const next = mergeTables(structuredClone(current), tables);
  const edits: LeafEdit[] = [];
  collectLeaves(tables, [], edits);
  await mkdir(scope.codexDir, { recursive: true });
  await writeFile(path, editTomlDocument(source, edits, next));
}

function mergeTables(target: JsonObject, source: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    target[key] = isObject(existing) && isObject(value) ? mergeTables(existing, value) : value;
  }
  return target;
}

function collectLeaves(table: JsonObject, path: string[], into: LeafEdit[]): void {
  for (const [key, value] of Object.entries(table)) {
    if (isObject(value)) collectLeaves(value, [...path, key], into);
    else into.push({ path: [...path, key], value });
  }
}
