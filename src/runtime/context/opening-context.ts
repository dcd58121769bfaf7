import type { ResponseItem } from '../../model/events.js';
import { environmentContext, localEnvironmentFacts } from './environment-context.js';
import type { ModelFacts } from '../models/model-facts.js';
import { permissionsText } from '../prompts/permissions-text.js';
import { skillsText } from '../prompts/skills-text.js';
import { discoverSkills } from '../skills/skill-discovery.js';
import { skillRootsFrom } from '../skills/skill-roots.js';
import type { ThreadSettings } from '../threads/thread-settings.js';
import { agentsInstructions, agentsMessageText, agentsSources, type AgentsDocsOptions } from './agents-docs.js';

/** What the context messages are built from besides the thread's settings. */
export interface ContextSources {
  readonly codexHome: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Told about an AGENTS.md file that exists but cannot be read. */
  readonly warn: (message: string, path: string, error: unknown) => void;
}

/**
 * The messages that open a thread's conversation, placed as the reference 0.169.0 places them [observed]: one
 * developer message (developer instructions, the skills list, the permissions, the deferred tool namespaces) and one user message (the
 * AGENTS.md instructions, then the environment context). The base instructions are not here: they go first in
 * every request, apart from the recorded history.
 */
export async function openingContext(
  settings: ThreadSettings,
  facts: ModelFacts,
  sources: ContextSources,
  deferredTools: string | null = null,
): Promise<ResponseItem[]> {
  const developer: string[] = [];
  if (settings.developerInstructions !== null) developer.push(settings.developerInstructions);
  const skills = await discoverSkills(settings.cwd, settings.cwd, skillRootsFrom(sources.codexHome, sources.env, settings.config));
  const listed = skillsText(
    skills.skills.filter((skill) => skill.enabled),
    facts.includeSkillsUsageInstructions,
  );
  if (listed !== null) developer.push(listed);
  developer.push(permissionsText(settings.sandboxPolicy, settings.approvalPolicy));
  // The namespaces a model that searches its tools can find with tool_search, last [observed].
  if (deferredTools !== null) developer.push(deferredTools);
  return [message('developer', developer), await workspaceMessage(settings, sources, false)];
}

/**
 * The user message a turn adds when the thread's cwd changed since the context was last given: the AGENTS.md
 * instructions of the new cwd (said to replace the earlier ones) and its environment context [observed].
 */
export function changedCwdContext(settings: ThreadSettings, sources: ContextSources): Promise<ResponseItem> {
  return workspaceMessage(settings, sources, true);
}

async function workspaceMessage(settings: ThreadSettings, sources: ContextSources, replaces: boolean): Promise<ResponseItem> {
  const parts: string[] = [];
  const instructions = await agentsInstructions(settings.cwd, agentsOptions(settings, sources));
  if (instructions !== null) {
    const text = replaces ? `${REPLACES_EARLIER}\n\n${instructions}` : instructions;
    parts.push(agentsMessageText(settings.cwd, text));
  }
  parts.push(environmentContext(localEnvironmentFacts(settings, sources.env)));
  return message('user', parts);
}

/** The AGENTS.md files a thread's instructions come from (thread/start's `instructionSources`). */
export function instructionSources(settings: ThreadSettings, sources: ContextSources): Promise<string[]> {
  return agentsSources(settings.cwd, agentsOptions(settings, sources));
}

function agentsOptions(settings: ThreadSettings, sources: ContextSources): AgentsDocsOptions {
  const config = settings.config;
  return {
    codexHome: sources.codexHome,
    maxBytes: config.project_doc_max_bytes,
    fallbackFilenames: config.project_doc_fallback_filenames,
    projectRootMarkers: config.project_root_markers,
    warn: (path, error) => sources.warn('skipping an unreadable AGENTS.md file', path, error),
  };
}

const REPLACES_EARLIER = 'The working directory changed: these AGENTS.md instructions take the place of any given earlier.';

function message(role: 'developer' | 'user', texts: readonly string[]): ResponseItem {
  return { type: 'message', role, content: texts.map((text) => ({ type: 'input_text', text })) };
}
