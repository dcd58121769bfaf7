import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { MigrationDetails, ExternalAgentConfigMigrationItem } from '../../protocol/v2/external-agent-config.js';
import {
  COMMAND_SKILL_PREFIX,
  hookEvents,
  isObject,
  markdownFiles,
  mcpServers,
  readJsonObject,
  readText,
  settingsEnv,
  settingsSandboxMode,
  sortedEntries,
  splitFrontMatter,
  takesArguments,
  type ClaudeScope,
  type JsonObject,
} from './claude-layout.js';
import { pathExists } from '../../util/path-exists.js';

/**
 * What one scope (the home or a repository) holds of Claude Code's configuration that Codex does not have yet, in
 * the reference's order [observed on 0.169.0]: settings (`env`, `sandbox`), MCP servers, hooks, skills, commands, subagents,
 * instructions. Each kind is offered only while something of it is left to import, so a second detection after
 * an import finds nothing.
 */
export async function detectScope(scope: ClaudeScope): Promise<ExternalAgentConfigMigrationItem[]> {
  const settingsPath = join(scope.claudeDir, 'settings.json');
  const settings = await readJsonObject(settingsPath);
  const configPath = join(scope.codexDir, 'config.toml');
  const config = await readToml(configPath);
  const items: ExternalAgentConfigMigrationItem[] = [];
  const add = (itemType: ExternalAgentConfigMigrationItem['itemType'], description: string, details: Partial<MigrationDetails> | null) =>
    items.push({ itemType, description, cwd: scope.cwd, details: details === null ? null : withAllLists(details) });

  const env = settingsEnv(settings);
  const envPending = env !== null && !envAlreadySet(config, env);
  // A sandbox already chosen in config.toml, whichever, is not overridden.
  const sandboxPending = settingsSandboxMode(settings) !== null && config['sandbox_mode'] === undefined;
  if (envPending || sandboxPending) add('CONFIG', `Migrate ${settingsPath} into ${configPath}`, null);

  const existingServers = isObject(config['mcp_servers']) ? config['mcp_servers'] : {};
  const servers = Object.keys(mcpServers(await readJsonObject(scope.mcpFile)))
    .filter((name) => !(name in existingServers))
    .sort();
  if (servers.length > 0) {
    add('MCP_SERVER_CONFIG', `Migrate MCP servers from ${scope.mcpOrigin} into ${configPath}`, {
      mcpServers: servers.map((name) => ({ name })),
    });
  }

  const hooksPath = join(scope.codexDir, 'hooks.json');
  const existingHooks = hookEvents(await readJsonObject(hooksPath));
  const hooks = Object.keys(hookEvents(settings)).filter((event) => !(event in existingHooks));
  if (hooks.length > 0) {
    add('HOOKS', `Migrate hooks from ${scope.claudeDir} to ${hooksPath}`, { hooks: hooks.map((name) => ({ name })) });
  }

  const skills = await pendingSkills(scope);
  if (skills.length > 0) {
    add('SKILLS', `Migrate skills from ${join(scope.claudeDir, 'skills')} to ${scope.skillsTarget}`, {
      skills: skills.map((name) => ({ name })),
    });
  }

  const pendingCommands: string[] = [];
  for (const command of await importableCommands(scope)) {
    if (!(await pathExists(join(scope.skillsTarget, command.skillName)))) pendingCommands.push(command.skillName);
  }
  if (pendingCommands.length > 0) {
    add('COMMANDS', `Migrate commands from ${join(scope.claudeDir, 'commands')} to ${scope.skillsTarget}`, {
      commands: pendingCommands.map((name) => ({ name })),
    });
  }

  const agentsDir = join(scope.codexDir, 'agents');
  const subagents: string[] = [];
  for (const agent of await readSubagents(scope)) {
    if (!(await pathExists(join(agentsDir, `${agent.name}.toml`)))) subagents.push(agent.name);
  }
  if (subagents.length > 0) {
    add('SUBAGENTS', `Migrate subagents from ${join(scope.claudeDir, 'agents')} to ${agentsDir}`, {
      subagents: subagents.map((name) => ({ name })),
    });
  }

  const instructions = await instructionSource(scope);
  if (instructions !== null && !((await readText(scope.agentsMdTarget)) ?? '').trim()) {
    add('AGENTS_MD', `Migrate ${instructions} to ${scope.agentsMdTarget}`, null);
  }
  return items;
}

/** Every list the reference sends in `details`, empty unless this kind has names; `memory` it leaves out. */
function withAllLists(details: Partial<MigrationDetails>): MigrationDetails {
  return {
    plugins: [],
    skills: [],
    sessions: [],
    mcpServers: [],
    hooks: [],
    subagents: [],
    commands: [],
    ...details,
  };
}

/** A TOML file's table; a missing or unparsable file reads as empty. */
export async function readToml(path: string): Promise<JsonObject> {
  const text = await readText(path);
  if (text === null) return {};
  try {
    return parseToml(text);
  } catch {
    return {};
  }
}

function envAlreadySet(config: JsonObject, env: Record<string, string>): boolean {
  const policy = config['shell_environment_policy'];
  const set = isObject(policy) && isObject(policy['set']) ? policy['set'] : {};
  return Object.entries(env).every(([key, value]) => set[key] === value);
}

/** Skill folders not yet present in the target; every folder counts, with or without a SKILL.md [observed]. */
export async function pendingSkills(scope: ClaudeScope): Promise<string[]> {
  const source = join(scope.claudeDir, 'skills');
  const names: string[] = [];
  for (const entry of await sortedEntries(source)) {
    if (!entry.isDirectory()) continue;
    if (!(await pathExists(join(scope.skillsTarget, entry.name)))) names.push(entry.name);
  }
  return names;
}

export interface ClaudeCommand {
  readonly skillName: string;
  readonly command: string;
  readonly description: string | null;
  readonly body: string;
}

/** The scope's commands that can become skills (see takesArguments). */
export async function importableCommands(scope: ClaudeScope): Promise<ClaudeCommand[]> {
  const commands: ClaudeCommand[] = [];
  for (const [stem, path] of await markdownFiles(join(scope.claudeDir, 'commands'))) {
    const { meta, body } = splitFrontMatter((await readText(path)) ?? '');
    if (takesArguments(body)) continue;
    const description = typeof meta['description'] === 'string' ? meta['description'] : null;
    commands.push({ skillName: `${COMMAND_SKILL_PREFIX}${stem}`, command: stem, description, body });
  }
  return commands;
}

export interface ClaudeSubagent {
  readonly name: string;
  readonly description: string | null;
  readonly instructions: string;
}

/** The scope's subagents: files whose front matter names them (the reference skips unnamed ones [observed]). */
export async function readSubagents(scope: ClaudeScope): Promise<ClaudeSubagent[]> {
  const agents: ClaudeSubagent[] = [];
  for (const [, path] of await markdownFiles(join(scope.claudeDir, 'agents'))) {
    const { meta, body } = splitFrontMatter((await readText(path)) ?? '');
    if (typeof meta['name'] !== 'string' || !meta['name'].trim()) continue;
    const name = meta['name'].trim();
    const description = typeof meta['description'] === 'string' ? meta['description'] : null;
    agents.push({ name, description, instructions: body.trim() });
  }
  return agents;
}

/** The first non-empty instruction file of the scope. */
export async function instructionSource(scope: ClaudeScope): Promise<string | null> {
  for (const path of scope.instructionSources) {
    if (((await readText(path)) ?? '').trim()) return path;
  }
  return null;
}
