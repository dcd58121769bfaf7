import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { SkillDependencies, SkillInterface, SkillToolDependency } from '../../protocol/v2/skills.js';
import { parseYaml, YamlError, type YamlValue } from './yaml-subset.js';

/** What a SKILL.md (and its `agents/openai.yaml`) says about a skill. */
export interface ParsedSkill {
  readonly name: string;
  readonly description: string;
  readonly shortDescription: string | null;
  readonly interface: SkillInterface | null;
  readonly dependencies: SkillDependencies | null;
}

/** The reference's limits, counted in characters after whitespace is collapsed. */
const MAX_NAME_LENGTH = 64;
const MAX_DESCRIPTION_LENGTH = 1024;

/** Why a SKILL.md was rejected; the message is the reference's wording. */
export class SkillParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SkillParseError';
  }
}

/**
 * Reads one SKILL.md: YAML front matter between `---` lines with `name` and `description` (whitespace collapsed
 * to single spaces, at most 64 and 1024 characters) and an optional `metadata.short-description`; then the
 * optional `agents/openai.yaml` beside it for the picker's `interface` and `dependencies`.
 * @throws SkillParseError with the reference's messages: ``missing YAML frontmatter delimited by ---``,
 *   ``invalid YAML: …``, ``missing field `name` ``, ``invalid name: exceeds maximum length of 64 characters``.
 */
export async function readSkillFile(path: string): Promise<ParsedSkill> {
  let contents: string;
  try {
    contents = await readFile(path, 'utf8');
  } catch (error) {
    throw new SkillParseError(`failed to read file: ${error instanceof Error ? error.message : String(error)}`);
  }
  const frontMatter = extractFrontMatter(contents);
  if (frontMatter === null) throw new SkillParseError('missing YAML frontmatter delimited by ---');
  const fields = parseYamlMapping(frontMatter);
  const name = requiredField(fields, 'name', MAX_NAME_LENGTH);
  const description = requiredField(fields, 'description', MAX_DESCRIPTION_LENGTH);
  const metadata = fields['metadata'];
  const short = isMapping(metadata) ? metadata['short-description'] : undefined;
  const shortDescription = typeof short === 'string' && singleLine(short) !== '' ? singleLine(short) : null;
  const agents = await readAgentsYaml(dirname(path));
  return { name, description, shortDescription, ...agents };
}

function extractFrontMatter(contents: string): string | null {
  const lines = contents.split(/\r?\n/);
  if ((lines[0] ?? '').trim() !== '---') return null;
  const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
  if (end <= 1) return null;
  return lines.slice(1, end).join('\n');
}

function parseYamlMapping(text: string): Record<string, YamlValue> {
  let value: YamlValue;
  try {
    value = parseYaml(text);
  } catch (error) {
    if (error instanceof YamlError) throw new SkillParseError(`invalid YAML: ${error.message}`);
    throw error;
  }
  if (!isMapping(value)) throw new SkillParseError('invalid YAML: invalid type: expected struct SkillFrontmatter');
  return value;
}

function requiredField(fields: Record<string, YamlValue>, field: 'name' | 'description', maxLength: number): string {
  const raw = fields[field];
  if (raw === undefined || raw === null) throw new SkillParseError(`missing field \`${field}\``);
  if (typeof raw !== 'string') throw new SkillParseError(`invalid YAML: ${field}: invalid type: expected a string`);
  const value = singleLine(raw);
  if (value === '') throw new SkillParseError(`missing field \`${field}\``);
  if ([...value].length > maxLength) {
    throw new SkillParseError(`invalid ${field}: exceeds maximum length of ${maxLength} characters`);
  }
  return value;
}

function singleLine(text: string): string {
  return text.split(/\s+/).filter((part) => part !== '').join(' ');
}

function isMapping(value: YamlValue | undefined): value is Record<string, YamlValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `agents/openai.yaml`: `interface` (display name, short description, icons relative to the skill directory,
 * brand colour, default prompt) and `dependencies.tools`. A missing or unreadable file means neither; an icon
 * that does not exist is null, as the reference reports it [observed].
 */
async function readAgentsYaml(skillDir: string): Promise<Pick<ParsedSkill, 'interface' | 'dependencies'>> {
  let parsed: YamlValue;
  try {
    parsed = parseYaml(await readFile(join(skillDir, 'agents', 'openai.yaml'), 'utf8'));
  } catch {
    return { interface: null, dependencies: null };
  }
  if (!isMapping(parsed)) return { interface: null, dependencies: null };
  const table = parsed['interface'];
  const text = (value: YamlValue | undefined) => (typeof value === 'string' ? value : null);
  const skillInterface: SkillInterface | null = isMapping(table)
    ? {
        displayName: text(table['display_name']),
        shortDescription: text(table['short_description']),
        iconSmall: await existingPath(skillDir, text(table['icon_small'])),
        iconLarge: await existingPath(skillDir, text(table['icon_large'])),
        iconSmallUrl: null,
        iconLargeUrl: null,
        brandColor: text(table['brand_color']),
        defaultPrompt: text(table['default_prompt']),
      }
    : null;
  const dependencies = parsed['dependencies'];
  const tools = isMapping(dependencies) ? dependencies['tools'] : undefined;
  return {
    interface: skillInterface,
    dependencies: Array.isArray(tools) ? { tools: tools.flatMap(toolDependency) } : null,
  };
}

function toolDependency(entry: YamlValue): SkillToolDependency[] {
  if (!isMapping(entry)) return [];
  const { type, value } = entry;
  if (typeof type !== 'string' || typeof value !== 'string') return [];
  const dependency: SkillToolDependency = { type, value };
  for (const key of ['description', 'transport', 'command', 'url'] as const) {
    const field = entry[key];
    if (typeof field === 'string') dependency[key] = field;
  }
  return [dependency];
}

async function existingPath(base: string, relative: string | null): Promise<string | null> {
  if (relative === null) return null;
  const path = resolve(base, relative);
  try {
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}
