import type { ThreadSummary } from '../../persistence/thread-index.js';
import type { SessionSource, Thread } from '../../protocol/v2/thread.js';
import type { ThreadSettings as WireThreadSettings } from '../../protocol/v2/thread-notifications.js';
import type { Turn } from '../../protocol/v2/turn.js';
import type { LoadedThread } from './loaded-thread.js';
import { sessionIdOf, subAgentLinkOf, subAgentThreadFields } from '../agents/sub-agent-link.js';

/**
 * The wire `Thread` object, from a loaded thread or from a stored thread's summary. Every field is always
 * present (the reference does not filter responses); `turns` is filled only where the protocol says so.
 */

const seconds = (ms: number) => Math.floor(ms / 1000);

/** A loaded thread: live status, its environment, and `canAcceptDirectInput: true`. */
export function loadedThreadView(thread: LoadedThread, turns: Turn[] = []): Thread {
  const settings = thread.settings;
  return {
    id: thread.id,
    environments: [
      { environmentId: 'local', cwd: settings.cwd, runtimeWorkspaceRoots: [...settings.runtimeWorkspaceRoots] },
    ],
    extra: null,
    // A loaded sub-agent shows its root thread's session; a stored one its own id (observed from 0.169.0).
    sessionId: sessionIdOf(thread),
    forkedFromId: thread.forkedFromId,
    attachedToThreadId: null,
    parentThreadId: null,
    preview: thread.preview,
    ephemeral: thread.ephemeral,
    section: null,
    sectionEnteredAt: null,
    projectId: null,
    historyMode: 'paginated',
    modelProvider: settings.modelProvider,
    model: settings.model,
    reasoningEffort: settings.reasoningEffort,
    createdAt: seconds(thread.createdAtMs),
    updatedAt: seconds(thread.updatedAtMs),
    recencyAt: seconds(thread.updatedAtMs),
    status: thread.status,
    path: thread.rolloutPath,
    cwd: settings.cwd,
    cliVersion: thread.cliVersion,
    originator: thread.originator,
    source: 'vscode',
    canAcceptDirectInput: true,
    threadSource: thread.threadSource,
    agentNickname: null,
    agentRole: null,
    gitInfo: null,
    name: thread.name,
    daybreakEnabled: null,
    turns,
    ...(thread.subAgent === null ? {} : subAgentThreadFields(thread.subAgent)),
  };
}

/** A thread known only from its rollout: `notLoaded`, no environments, `canAcceptDirectInput: null`. */
export function storedThreadView(summary: ThreadSummary, fallbackProvider: string, turns: Turn[] = []): Thread {
  return {
    id: summary.threadId,
    environments: null,
    extra: null,
    sessionId: summary.threadId,
    forkedFromId: summary.forkedFromId,
    attachedToThreadId: null,
    parentThreadId: null,
    preview: summary.preview,
    ephemeral: false,
    section: null,
    sectionEnteredAt: null,
    projectId: null,
    historyMode: 'paginated',
    modelProvider: summary.modelProvider ?? fallbackProvider,
    model: summary.model,
    reasoningEffort: null,
    createdAt: seconds(summary.createdAtMs),
    updatedAt: seconds(summary.updatedAtMs),
    recencyAt: seconds(summary.updatedAtMs),
    status: { type: 'notLoaded' },
    path: summary.path,
    cwd: summary.cwd,
    cliVersion: summary.cliVersion,
    originator: summary.originator === '' ? null : summary.originator,
    source: wireSource(summary.source),
    canAcceptDirectInput: null,
    threadSource: null,
    agentNickname: null,
    agentRole: null,
    gitInfo:
      summary.git === null
        ? null
        : {
            sha: summary.git.commit_hash ?? null,
            branch: summary.git.branch ?? null,
            originUrl: summary.git.repository_url ?? null,
          },
    name: summary.name,
    daybreakEnabled: null,
    turns,
    ...subAgentFieldsOf(summary.source),
  };
}

/** The rollout's snake_case session source as the wire's SessionSource. */
function wireSource(source: ThreadSummary['source']): SessionSource {
  if (typeof source === 'string') {
    switch (source) {
      case 'cli':
      case 'vscode':
      case 'exec':
        return source;
      case 'mcp':
        return 'appServer';
      default:
        return 'unknown';
    }
  }
  return 'unknown';
}

/** A loaded thread's settings as `thread/settings/updated` reports them. */
export function threadSettingsView(thread: LoadedThread): WireThreadSettings {
  const settings = thread.settings;
  return {
    disabledPluginIds: [],
    cwd: settings.cwd,
    environments: [
      { environmentId: 'local', cwd: settings.cwd, runtimeWorkspaceRoots: [...settings.runtimeWorkspaceRoots] },
    ],
    approvalPolicy: settings.approvalPolicy,
    approvalsReviewer: settings.approvalsReviewer,
    sandboxPolicy: settings.sandboxPolicy,
    activePermissionProfile: settings.activePermissionProfile,
    model: settings.model,
    modelProvider: settings.modelProvider,
    serviceTier: settings.serviceTier,
    effort: settings.reasoningEffort,
    summary: settings.reasoningSummary,
    collaborationMode: {
      mode: 'default',
      settings: {
        model: settings.model,
        reasoning_effort: settings.reasoningEffort,
        developer_instructions: settings.developerInstructions,
      },
    },
    multiAgentMode: 'explicitRequestOnly',
    personality: settings.personality,
  };
}

/** A stored sub-agent's parent link and nickname, from its session source; nothing for other threads. */
function subAgentFieldsOf(source: ThreadSummary['source']): Partial<Thread> {
  const link = subAgentLinkOf(source);
  return link === null ? {} : subAgentThreadFields(link);
}
