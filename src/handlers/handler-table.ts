import { accountBackendHandlers } from './account-backend.js';
import { gatewayOAuthHandlers } from './account-gateway-oauth.js';
import { clientSurfaceHandlers } from './client-surface-handlers.js';
import { commandExecHandlers } from './command-exec-handlers.js';
import { processHandlers } from './process-handlers.js';
import type { HandlerTable, RequestHandler } from './context.js';
import { externalAgentImportHandlers } from './external-agent-imports.js';
import { feedbackHandlers } from './feedback.js';
import { fsHandlers } from './fs-handlers.js';
import { modelProviderHandlers } from './model-providers.js';
import { skillsHandlers } from './skills.js';
import { threadSectionHandlers } from './thread-sections.js';
import { windowsSandboxHandlers } from './windows-sandbox.js';
import { initializeHandler } from './initialize.js';
import { reviewStartHandler } from './review-start.js';
import { mcpEventStreamHandlers } from './mcp-event-streams.js';
import { mcpOauthLoginHandler } from './mcp-oauth-login.js';
import { mcpServerHandlers } from './mcp-servers.js';
import type { ServerServices } from './services.js';
import { terminalUiHandlers } from './terminal-ui-handlers.js';
import { threadArchiveHandler, threadUnarchiveHandler } from './thread-archive.js';
import { threadDeleteHandler } from './thread-delete.js';
import { threadRevertHandler } from './thread-revert.js';
import { threadForkHandler } from './thread-fork.js';
import { threadItemsListHandler } from './thread-items-list.js';
import { threadBackgroundTerminalsHandlers } from './thread-background-terminals.js';
import { threadQueueAddHandler } from './thread-queue-add.js';
import { threadListHandler } from './thread-list.js';
import { threadSetNameHandler } from './thread-name.js';
import { threadShellCommandHandler } from './thread-shell-command.js';
import { threadReadHandler } from './thread-read.js';
import { threadResumeHandler } from './thread-resume.js';
import { threadStartHandler } from './thread-start.js';
import { threadTurnsListHandler } from './thread-turns-list.js';
import { threadUnsubscribeHandler } from './thread-unsubscribe.js';
import { threadLoadedListHandler } from './thread-loaded-list.js';
import { turnInterruptHandler, turnSteerHandler } from './turn-control.js';
import { turnStartHandler } from './turn-start.js';
import { threadCompactStartHandler } from './thread-compact.js';
import { threadAttachmentHandlers } from './thread-attachments.js';
import { threadApproveGuardianDeniedActionHandler } from './thread-guardian-approval.js';
import { threadInjectItemsHandler } from './thread-inject-items.js';
import { threadMetadataHandlers } from './thread-metadata.js';

/** Every implemented method, by name. A method missing here answers -32601 (or -32600 if the reference lacks it). */
export function buildHandlerTable(services: ServerServices): HandlerTable {
  const handlers: RequestHandler[] = [
    initializeHandler(services),
    threadLoadedListHandler(services),
    threadStartHandler(services),
    threadResumeHandler(services),
    threadForkHandler(services),
    threadReadHandler(services),
    threadListHandler(services),
    threadTurnsListHandler(services),
    threadItemsListHandler(services),
    threadQueueAddHandler(services),
    ...threadBackgroundTerminalsHandlers(services),
    threadCompactStartHandler(services),
    threadArchiveHandler(services),
    threadUnarchiveHandler(services),
    threadDeleteHandler(services),
    threadRevertHandler(services),
    threadShellCommandHandler(services),
    threadSetNameHandler(services),
    threadUnsubscribeHandler(services),
    turnStartHandler(services),
    turnInterruptHandler(services),
    turnSteerHandler(services),
    reviewStartHandler(services),
    ...fsHandlers(services),
    ...commandExecHandlers(services),
    ...processHandlers(services),
    ...clientSurfaceHandlers(services),
    ...terminalUiHandlers(services),
    ...mcpServerHandlers(services),
    mcpOauthLoginHandler(services),
    ...mcpEventStreamHandlers(),
    ...skillsHandlers(services),
    ...modelProviderHandlers(services),
    ...windowsSandboxHandlers(),
    ...feedbackHandlers(services),
    ...gatewayOAuthHandlers(services),
    ...threadSectionHandlers(services),
    threadInjectItemsHandler(services),
    threadApproveGuardianDeniedActionHandler(services),
    ...threadMetadataHandlers(services),
    ...threadAttachmentHandlers(services),
    ...externalAgentImportHandlers(services),
    ...accountBackendHandlers(services),
  ];
  return new Map(handlers.map((handler) => [handler.definition.method, handler]));
}
