import { ServerNotifications, ServerRequests } from '../../protocol/registry.js';
import type { FileChangeApprovalDecision } from '../../protocol/v2/approvals.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import { commitPatch } from '../../tools/apply-patch/commit.js';
import { ApplyPatchCommitError, ApplyPatchError } from '../../tools/apply-patch/errors.js';
import { fileUpdateChanges } from '../../tools/apply-patch/file-changes.js';
import { parsePatch } from '../../tools/apply-patch/parser.js';
import { planPatch } from '../../tools/apply-patch/plan.js';
import type { PatchPlan } from '../../tools/apply-patch/plan.js';
import { patchResultText } from '../../tools/apply-patch/result-text.js';
import {
  APPLY_PATCH_TOOL_NAME,
  ApplyPatchFunctionArgumentsSchema,
  applyPatchFunctionToolSpec,
  applyPatchToolSpec,
} from '../../tools/apply-patch/tool-spec.js';
import { TurnDiffTracker } from '../../tools/apply-patch/turn-diff-tracker.js';
import { patchApprovalRequirement, patchSessionKeys } from '../../tools/policy/patch-approval.js';
import { landsInside } from '../../tools/sandbox/command-jail.js';
import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { askSubscribers } from '../clients/user-requests.js';
import { parseArguments } from './parse-arguments.js';
import { argumentsError } from './tool-call.js';
import type { ToolContext, ToolHandler } from './tool-context.js';

type FileChangeItem = Extract<ThreadItem, { type: 'fileChange' }>;

/**
 * `apply_patch`: the model edits files with a patch (freeform; also accepted as a function call with `{input}`).
 * The patch is checked against the files first (a patch that does not apply writes nothing), then approved when
 * the policy asks for it, then written file by file (each file atomically). One per thread: it remembers paths
 * approved for the session and the turn's aggregate diff.
 *
 * Item lifecycle (docs/protocol.md#approvals-and-user-input): `item/started fileChange` (inProgress, with the changes)
 * → (approval request → `serverRequest/resolved`) → `item/completed` (completed, failed or declined) →
 * `turn/diff/updated`.
 */
export class PatchTools {
  readonly #thread: LoadedThread;
  readonly #sessionApprovals = new Set<string>();
  #diff: { turnId: string; tracker: Promise<TurnDiffTracker> } | undefined;

  /** A tenant's jail: patches may only touch the tenant's own directories. */
  readonly #jail: CommandJail | undefined;

  constructor(thread: LoadedThread, jail?: CommandJail) {
    this.#thread = thread;
    this.#jail = jail;
  }

  /** The tool, offered as a freeform (custom) tool or as a JSON function tool; both accept either payload. */
  handler(kind: 'freeform' | 'function'): ToolHandler {
    return {
      name: APPLY_PATCH_TOOL_NAME,
      spec: kind === 'freeform' ? applyPatchToolSpec : applyPatchFunctionToolSpec,
      handle: (call, context) => this.#apply(call, context),
    };
  }

  async #apply(call: { callId: string; payload: string }, context: ToolContext): Promise<string> {
    const text = patchText(call.payload);
    if (!text.ok) return argumentsError(text.error);
    const thread = this.#thread;
    const settings = thread.settings;
    let plan: PatchPlan;
    try {
      plan = await planPatch(parsePatch(text.value), settings.cwd);
    } catch (error) {
      if (error instanceof ApplyPatchError) return patchResultText({ status: 'rejected', error });
      throw error;
    }
    const paths = plan.operations.flatMap((operation) =>
      operation.type === 'update' && operation.absoluteMovePath !== null
        ? [operation.absolutePath, operation.absoluteMovePath]
        : [operation.absolutePath],
    );
    const jail = this.#jail;
    if (jail) {
      for (const path of paths) {
        if (!landsInside(path, jail.reveal)) return `patch rejected: ${path} is outside this tenant's workspace`;
      }
    }
    const requirement = patchApprovalRequirement({
      paths,
      cwd: settings.cwd,
      approvalPolicy: settings.approvalPolicy,
      sandboxPolicy: settings.sandboxPolicy,
      sessionApprovals: this.#sessionApprovals,
    });
    if (requirement.type === 'forbidden') return `patch rejected: ${requirement.reason}`;

    const startedAtMs = Date.now();
    const item: FileChangeItem = {
      type: 'fileChange',
      id: call.callId,
      changes: fileUpdateChanges(plan),
      status: 'inProgress',
      startedAtMs,
      completedAtMs: null,
    };
    if (requirement.type === 'ask') {
      thread.holdFlag('waitingOnApproval');
      let decision: FileChangeApprovalDecision;
      try {
        this.#emit(context, 'started', item);
        const outcome = await askSubscribers(
          thread,
          ServerRequests.fileChangeRequestApproval,
          { threadId: thread.id, turnId: context.turnId, itemId: call.callId, startedAtMs, reason: null, grantRoot: null },
          context.signal,
        );
        decision = outcome.kind === 'answered' ? outcome.result.decision : outcome.kind === 'aborted' ? 'cancel' : 'decline';
        if (decision === 'decline' || decision === 'cancel') {
          this.#emit(context, 'completed', { ...item, status: 'declined', completedAtMs: Date.now() });
          if (decision === 'cancel' && outcome.kind !== 'aborted') context.interruptTurn();
          context.signal.throwIfAborted();
          return 'patch rejected: rejected by user';
        }
      } finally {
        thread.releaseFlag('waitingOnApproval');
      }
      if (decision === 'acceptForSession') {
        for (const key of patchSessionKeys(paths, settings.cwd)) this.#sessionApprovals.add(key);
      }
    } else {
      this.#emit(context, 'started', item);
    }

    const tracker = await this.#tracker(context.turnId, settings.cwd);
    try {
      await commitPatch(plan);
    } catch (error) {
      if (!(error instanceof ApplyPatchCommitError)) throw error;
      // What was written stays written; the diff shows it.
      tracker.track(error.committed);
      this.#emit(context, 'completed', { ...item, status: 'failed', completedAtMs: Date.now() });
      return patchResultText({ status: 'failed', error, wallTimeMs: Date.now() - startedAtMs });
    }
    tracker.track(plan.operations);
    this.#emit(context, 'completed', { ...item, status: 'completed', completedAtMs: Date.now() });
    const diff = tracker.unifiedDiff() ?? '';
    // The reference announces the turn's diff twice after each applied patch [observed]; clients replace it.
    for (let i = 0; i < 2; i++) {
      thread.emit(ServerNotifications.turnDiffUpdated, { threadId: thread.id, turnId: context.turnId, diff });
    }
    return patchResultText({ status: 'applied', plan, wallTimeMs: Date.now() - startedAtMs });
  }

  /** The turn's diff tracker: one per turn, started when the turn first edits a file. */
  #tracker(turnId: string, cwd: string): Promise<TurnDiffTracker> {
    if (this.#diff?.turnId !== turnId) this.#diff = { turnId, tracker: TurnDiffTracker.forCwd(cwd) };
    return this.#diff.tracker;
  }

  #emit(context: ToolContext, phase: 'started' | 'completed', item: FileChangeItem): void {
    const thread = this.#thread;
    if (phase === 'started') {
      thread.emit(ServerNotifications.itemStarted, {
        item,
        threadId: thread.id,
        turnId: context.turnId,
        startedAtMs: item.startedAtMs ?? Date.now(),
      });
    } else {
      thread.emit(ServerNotifications.itemCompleted, {
        item,
        threadId: thread.id,
        turnId: context.turnId,
        completedAtMs: item.completedAtMs ?? Date.now(),
      });
    }
  }
}

/** The patch: the freeform input as is, or a function call's `input` argument. */
function patchText(payload: string): { ok: true; value: string } | { ok: false; error: string } {
  const trimmed = payload.trimStart();
  if (!trimmed.startsWith('{')) return { ok: true, value: payload };
  const parsed = parseArguments(payload, ApplyPatchFunctionArgumentsSchema);
  return parsed.ok ? { ok: true, value: parsed.value.input } : parsed;
}
