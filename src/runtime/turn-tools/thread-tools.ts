import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import type { SandboxSupport } from '../../tools/sandbox/detect-bubblewrap.js';
import { WEB_SEARCH_TOOL_NAME, webSearchMode, webSearchToolSpec } from '../../tools/web-search/web-search-tool.js';
import { roleChoices } from '../agents/agent-roles.js';
import { agentTools } from '../agents/agent-tools.js';
import type { SubAgents } from '../agents/sub-agents.js';
import type { GoalStore } from '../goals/goal-store.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { withConfiguredTools } from './configured-tools.js';
import { ExecTools } from './exec-tool.js';
import { goalTools } from './goal-tools.js';
import { defersAgentTools, searchesTools } from './deferred-tools.js';
import { toolSearchHandler } from './mcp-tool-search.js';
import { modelToolFacts } from './model-tool-facts.js';
import { PatchTools } from './patch-tool.js';
import type { ToolHandler } from './tool-context.js';
import { offeredToolNames } from './tool-set.js';
import { userInputTool } from './user-input-tool.js';
import { viewImageTool } from './view-image-tool.js';

/** What the tools of every thread share: the server's sandbox support, a tenant's jail, the goal store. */
export interface ToolServices {
  /** Whether commands can be sandboxed here; asked when a thread's first command runs. */
  readonly sandbox: () => Promise<SandboxSupport>;
  readonly jail?: CommandJail | undefined;
  readonly goals: GoalStore;
  /** The server's sub-agents, for the multi-agent tools. */
  readonly agents?: SubAgents | undefined;
}

/**
 * The tools of the server's loaded threads. Per-thread tool state (running terminal sessions, what the user approved
 * for the session, the turn's diff) lives here as long as the loaded thread does; thread/backgroundTerminals/* reads
 * a thread's terminal sessions through `execTools`.
 */
export class ThreadTools {
  readonly #services: ToolServices;
  readonly #perThread = new WeakMap<LoadedThread, { exec: ExecTools; patch: PatchTools }>();

  constructor(services: ToolServices) {
    this.#services = services;
  }

  /**
   * The tools a turn of `thread` offers the model, in the order they are listed in each request. Decided per turn
   * from the thread's current model and configuration (tool-set.ts says which); a call to a tool not in this list
   * answers `unsupported call: <name>`.
   */
  forTurn(thread: LoadedThread): ToolHandler[] {
    const services = this.#services;
    let state = this.#perThread.get(thread);
    if (state === undefined) {
      state = { exec: new ExecTools(thread, services.sandbox, services.jail), patch: new PatchTools(thread, services.jail) };
      this.#perThread.set(thread, state);
    }
    const settings = thread.settings;
    const facts = modelToolFacts(settings.model);
    const webSearch = webSearchMode(settings.config, settings.sandboxPolicy.type === 'dangerFullAccess');
    const available: ToolHandler[] = [
      ...state.exec.handlers,
      userInputTool,
      state.patch.handler(facts.applyPatch ?? 'freeform'),
      viewImageTool(facts.imageDetail, services.jail),
      ...goalTools(services.goals),
      toolSearchHandler(thread, () => (services.agents === undefined ? null : roleChoices(services.agents.roles(thread)))),
    ];
    const webSearchSpec = webSearchToolSpec(webSearch, facts.webSearchImages);
    // Hosted by the Responses API: a spec and no implementation.
    if (webSearchSpec !== null) available.push({ name: WEB_SEARCH_TOOL_NAME, spec: () => webSearchSpec });
    const agents = services.agents;
    const multiAgent = agents !== undefined && agents.maySpawn(thread) && multiAgentFeature(settings.config);
    if (agents !== undefined && multiAgent) available.push(agentTools(agents, thread));
    const toolSearch = searchesTools(settings.model);
    const offered = offeredToolNames(facts, webSearch, { multiAgent, toolSearch }).flatMap((name) =>
      available.filter((tool) => tool.name === name),
    );
    // A model that searches its tools finds the sub-agent tools with tool_search: not listed, still callable.
    if (agents !== undefined && !facts.multiAgent && defersAgentTools(thread)) {
      offered.push({ ...agentTools(agents, thread), spec: () => null });
    }
    return withConfiguredTools(offered, thread);
  }

  /** The exec tools of `thread`, when one of its turns has offered them (its terminal sessions live there). */
  execTools(thread: LoadedThread): ExecTools | undefined {
    return this.#perThread.get(thread)?.exec;
  }
}

/** The `multi_agent` feature (on unless the configuration turns it off). */
function multiAgentFeature(config: { readonly features?: Readonly<Record<string, unknown>> | undefined }): boolean {
  return config.features?.['multi_agent'] !== false;
}
