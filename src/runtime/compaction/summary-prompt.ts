/*
 * The prose of context compaction: what the model is asked to write when the conversation is compacted, and how
 * its summary is introduced to the model that carries on. Our own wording; the reference's role for each is the
 * same (a handoff summary requested as the last user message, then handed over as a user message).
 */

/** The last user message of a compaction request: asks for a summary another model can resume from. */
export const SUMMARIZATION_PROMPT = `Context checkpoint: the conversation above is about to be replaced by a summary you write now. A capable engineer who has not seen any of it will pick the work up from your summary alone, with the same tools and the same workspace, so write the handoff they need. Do not call tools and do not continue the task; only write the summary.

Cover, in this order and as briefly as the facts allow:
1. Goal: what the user asked for, in their terms, including constraints, preferences and anything they ruled out.
2. State of the work: what has been done and verified, what was changed (files, commands, configuration) and why, and decisions taken along the way with their reasons.
3. Open threads: what is in progress, what failed and what was learned from it, questions still waiting on the user.
4. Next steps: the concrete actions that come next, in order.
5. Details the next engineer cannot rediscover cheaply: exact paths, identifiers, commands, error messages, values, snippets. Quote them exactly.

Leave out pleasantries and anything that no longer matters. Prefer precise lists to prose.`;

/**
 * Opens the user message that carries the summary into the compacted conversation, so the model reading it knows
 * the work is a continuation and the workspace already holds the changes the summary describes.
 */
export const SUMMARY_PREFIX = `Earlier parts of this conversation were compacted to save context. Another instance of the agent worked on this task before you and left the handoff summary below. The workspace, files and tool state it describes are real and current: build on that work rather than redoing it, and check the workspace when a detail matters.

Handoff summary:
`;

/** The user message text that carries `summary` into the compacted history. */
export function summaryMessageText(summary: string): string {
  return `${SUMMARY_PREFIX}${summary}`;
}

/** Whether a user message's text is a summary left by an earlier compaction (not something the user wrote). */
export function isSummaryText(text: string): boolean {
  return text.startsWith(SUMMARY_PREFIX);
}
