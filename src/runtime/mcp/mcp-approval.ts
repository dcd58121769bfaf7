import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ServerRequests } from '../../protocol/registry.js';
import { granularSettings, policyKind } from '../../tools/policy/approval-policy.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { askSubscribers } from '../clients/user-requests.js';
import type { McpServerSet } from './mcp-server-set.js';

/*
 * Whether an MCP tool call may run (observed from the reference 0.169.0): a tool that declares `readOnlyHint`
 * runs; otherwise, under `approval_policy = "never"` the call fails at once, and under the other policies the
 * client is asked through `mcpServer/elicitation/request` (an empty form whose `_meta` says it is a tool-call
 * approval). An approval the client marks `persist: "session"` (or `"always"`) covers that tool for the rest of
 * the thread's session.
 */

export const APPROVAL_NEVER_MESSAGE = 'MCP tool call requires approval, but approval policy is never';
const DECLINED_MESSAGE = 'user rejected MCP tool call';
const CANCELLED_MESSAGE = 'user cancelled MCP tool call';

export type ApprovalDecision = { readonly run: true } | { readonly run: false; readonly message: string };

export async function approveToolCall(
  thread: LoadedThread,
  servers: McpServerSet,
  request: {
    readonly server: string;
    readonly tool: Tool;
    readonly args: Record<string, unknown> | undefined;
    readonly turnId: string;
    readonly signal: AbortSignal;
  },
): Promise<ApprovalDecision> {
  const { server, tool } = request;
  if (tool.annotations?.readOnlyHint === true) return { run: true };
  const policy = thread.settings.approvalPolicy;
  const granular = granularSettings(policy);
  if (policyKind(policy) === 'never' || (granular !== null && !granular.mcp_elicitations)) {
    return { run: false, message: APPROVAL_NEVER_MESSAGE };
  }
  const key = `${server}/${tool.name}`;
  if (servers.approvedForSession.has(key)) return { run: true };
  const args = request.args ?? {};
  const outcome = await askSubscribers(
    thread,
    ServerRequests.mcpServerElicitationRequest,
    {
      threadId: thread.id,
      turnId: request.turnId,
      serverName: server,
      mode: 'form',
      _meta: {
        codex_approval_kind: 'mcp_tool_call',
        persist: ['session', 'always'],
        tool_name: tool.name,
        ...(tool.description === undefined ? {} : { tool_description: tool.description }),
        tool_params: args,
        tool_params_display: Object.entries(args).map(([name, value]) => ({ name, value, display_name: name })),
      },
      message: `Allow the ${server} MCP server to run tool "${tool.name}"?`,
      requestedSchema: { type: 'object', properties: {} },
    },
    request.signal,
  );
  if (outcome.kind === 'aborted') throw request.signal.reason;
  if (outcome.kind === 'unanswered') return { run: false, message: DECLINED_MESSAGE };
  switch (outcome.result.action) {
    case 'accept': {
      const meta = outcome.result._meta;
      const persist = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>)['persist'] : null;
      if (persist === 'session' || persist === 'always') servers.approvedForSession.add(key);
      return { run: true };
    }
    case 'decline':
      return { run: false, message: DECLINED_MESSAGE };
    case 'cancel':
      return { run: false, message: CANCELLED_MESSAGE };
  }
}
