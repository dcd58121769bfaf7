import { AGENT_NAMESPACE } from '../../tools/agents/agent-tool-specs.js';
import { APPLY_PATCH_TOOL_NAME } from '../../tools/apply-patch/tool-spec.js';
import { EXEC_COMMAND_TOOL_NAME, WRITE_STDIN_TOOL_NAME } from '../../tools/exec/tool-specs.js';
import { CREATE_GOAL_TOOL_NAME, GET_GOAL_TOOL_NAME, UPDATE_GOAL_TOOL_NAME } from '../../tools/goals/goal-tool-specs.js';
import { REQUEST_USER_INPUT_TOOL_NAME } from '../../tools/user-input/request-user-input.js';
import { VIEW_IMAGE_TOOL_NAME } from '../../tools/view-image/local-image.js';
import { WEB_SEARCH_TOOL_NAME, type WebSearchMode } from '../../tools/web-search/web-search-tool.js';
import { TOOL_SEARCH_TOOL_NAME } from './mcp-tool-search.js';
import type { ModelToolFacts } from './model-tool-facts.js';

/**
 * Which tools a model is offered, in the order the reference 0.169.0 lists them (observed for `gpt-5.5` and for a
 * model it does not know):
 *   exec_command, write_stdin, request_user_input, [apply_patch], view_image, [multi_agent_v1], get_goal,
 *   create_goal, update_goal, [tool_search], [web_search].
 * apply_patch only for models known to handle it; the sub-agent namespace for models that get it, when the
 * `multi_agent` feature is on and the thread may still spawn (`multiAgent`); tool_search for a model that searches
 * its tools (gpt-5.5, even with nothing deferred); web_search unless the configuration disables it. Not offered by
 * anyone: update_plan (the reference answers a call `unsupported call: update_plan`). MCP tools join through
 * thread-tools.ts.
 */
export function offeredToolNames(
  facts: ModelToolFacts,
  webSearch: WebSearchMode,
  options: { readonly multiAgent: boolean; readonly toolSearch: boolean },
): string[] {
  return [
    EXEC_COMMAND_TOOL_NAME,
    WRITE_STDIN_TOOL_NAME,
    REQUEST_USER_INPUT_TOOL_NAME,
    ...(facts.applyPatch === null ? [] : [APPLY_PATCH_TOOL_NAME]),
    VIEW_IMAGE_TOOL_NAME,
    ...(facts.multiAgent && options.multiAgent ? [AGENT_NAMESPACE] : []),
    GET_GOAL_TOOL_NAME,
    CREATE_GOAL_TOOL_NAME,
    UPDATE_GOAL_TOOL_NAME,
    ...(options.toolSearch ? [TOOL_SEARCH_TOOL_NAME] : []),
    ...(webSearch === 'disabled' ? [] : [WEB_SEARCH_TOOL_NAME]),
  ];
}
