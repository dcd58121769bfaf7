import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type { Thread } from '../protocol/v2/thread.js';
import type { ThreadMetadataGitInfoUpdateParams } from '../protocol/v2/thread-metadata.js';
import { clientMetadataStore } from '../runtime/thread-metadata/client-metadata-store.js';
import type { ClientMetadata, StoredGitInfo } from '../runtime/thread-metadata/client-metadata-store.js';
import { withClientMetadata } from '../runtime/thread-metadata/thread-with-metadata.js';
import { NotInSectionError, placeInSection } from '../runtime/thread-metadata/section-order.js';
import { ThreadSectionStore } from '../runtime/thread-metadata/section-store.js';
import { loadedThreadView, storedThreadView } from '../runtime/threads/thread-view.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

const GIT_FIELDS = ['sha', 'branch', 'originUrl'] as const;

/** `thread/metadata/update` and `thread/section/move`: what a client sets on a thread, kept across restarts. */
export function threadMetadataHandlers(services: ServerServices): RequestHandler[] {
  const store = clientMetadataStore(services.codexHome);
  const sections = new ThreadSectionStore(services.codexHome);

  /** The thread as it is shown before client metadata, loaded or stored (archived included); undefined if unknown. */
  const baseView = async (id: string): Promise<Thread | undefined> => {
    const loaded = services.threads.get(id);
    if (loaded !== undefined) return { ...loadedThreadView(loaded), canAcceptDirectInput: null };
    const summary = await services.threads.index.get(id);
    return summary === undefined ? undefined : storedThreadView(summary, services.threads.defaultModelProvider);
  };

  return [
    /**
     * Patches the stored Git metadata and the Daybreak choice; answers `{thread}`, with no notification. Refusals
     * as the reference words them [observed on 0.169.0]: nothing to change, an empty `gitInfo` or field, an unknown
     * project (this server has no projects: only `""`, clearing, is accepted), an unknown thread.
     */
    bindHandler(ClientRequests.threadMetadataUpdate, async (params) => {
      const id = threadIdParam(params.threadId);
      const git = params.gitInfo ?? null;
      const daybreak = params.daybreakEnabled ?? null;
      const project = params.projectId ?? null;
      if (git === null && daybreak === null && project === null) {
        throw RpcErrors.badRequest('thread metadata update must include at least one field');
      }
      if (git !== null) {
        if (GIT_FIELDS.every((field) => git[field] === undefined)) {
          throw RpcErrors.badRequest('gitInfo must include at least one field');
        }
        const empty = GIT_FIELDS.find((field) => git[field] === '');
        if (empty !== undefined) throw RpcErrors.badRequest(`gitInfo.${empty} must not be empty`);
      }
      if (project !== null && project !== '') throw RpcErrors.badRequest(`project not found: ${project}`);
      const loaded = services.threads.get(id);
      if (loaded?.ephemeral === true) {
        throw RpcErrors.badRequest(`ephemeral thread does not support metadata updates: ${id}`);
      }
      const base = await baseView(id);
      if (base === undefined) throw RpcErrors.badRequest(`no rollout found for thread id ${id}`);
      await store.change(id, (current) => {
        const next: ClientMetadata = { ...current };
        if (git !== null) next.gitInfo = patchedGit(current.gitInfo ?? storedGit(base.gitInfo), git);
        if (daybreak !== null) next.daybreakEnabled = daybreak;
        return { next, result: undefined };
      });
      return { thread: await withClientMetadata(base, services.codexHome) };
    }),

    /**
     * Moves a thread into a section (at the end, or before `beforeThreadId`), within it, or out of it (`sectionId`
     * null); answers `{}`, then every connection hears `thread/section/changed`. Refusals in the reference's words
     * [observed on 0.169.0]; a thread entering a section is stamped with the time, moving within it keeps it.
     */
    bindHandler(ClientRequests.threadSectionMove, async (params, context) => {
      const id = threadIdParam(params.threadId);
      const sectionId = params.sectionId;
      const beforeId = params.beforeThreadId ?? null;
      if (services.threads.get(id)?.ephemeral === true) {
        throw RpcErrors.badRequest(`ephemeral thread does not support section moves: ${id}`);
      }
      if ((await baseView(id)) === undefined) throw RpcErrors.badRequest(`thread not found: ${id}`);
      if (sectionId !== null && (await sections.find(sectionId)) === undefined) {
        throw RpcErrors.badRequest(`section ${sectionId} does not exist`);
      }
      if (beforeId !== null && beforeId === params.threadId) {
        throw RpcErrors.badRequest(`thread ${id} cannot be moved before itself`);
      }
      await store.changeEach((all) => {
        const updates = new Map<string, ClientMetadata>();
        const current = all.get(id) ?? {};
        if (sectionId === null) {
          const { section: _left, ...rest } = current;
          updates.set(id, rest);
          return { updates, result: undefined };
        }
        // The others in the section, in order; the thread goes before `beforeId` or at the end.
        const others = [...all.entries()]
          .flatMap(([other, entry]) =>
            other !== id && entry.section?.sectionId === sectionId ? [{ threadId: other, position: entry.section.position }] : [],
          )
          .sort((a, b) => a.position - b.position);
        let placed;
        try {
          placed = placeInSection(others, id, beforeId);
        } catch (error) {
          if (error instanceof NotInSectionError) {
            throw RpcErrors.badRequest(`before thread ${beforeId} is not in section ${sectionId}`);
          }
          throw error;
        }
        const enteredAtMs = current.section?.sectionId === sectionId ? current.section.enteredAtMs : Date.now();
        for (const { threadId: member, position } of placed) {
          const entry = member === id ? current : all.get(member) ?? {};
          const place = member === id ? { sectionId, position, enteredAtMs } : { ...entry.section!, position };
          updates.set(member, { ...entry, section: place });
        }
        return { updates, result: undefined };
      });
      context.afterResponse(() =>
        services.threads.broadcaster.broadcast(ServerNotifications.threadSectionChanged, { threadId: id, sectionId }),
      );
      return {};
    }),
  ];
}

function storedGit(git: Thread['gitInfo']): StoredGitInfo {
  return { sha: git?.sha ?? null, branch: git?.branch ?? null, originUrl: git?.originUrl ?? null };
}

function patchedGit(current: StoredGitInfo, patch: ThreadMetadataGitInfoUpdateParams): StoredGitInfo {
  return {
    sha: patch.sha === undefined ? current.sha : patch.sha,
    branch: patch.branch === undefined ? current.branch : patch.branch,
    originUrl: patch.originUrl === undefined ? current.originUrl : patch.originUrl,
  };
}
