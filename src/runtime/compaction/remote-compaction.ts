import type { ResponseItem } from '../../model/events.js';
import type { ResolvedProvider } from '../../model/provider.js';

/*
 * Server-side compaction, as the reference 0.169.0 does it for OpenAI's own provider [observed with its built-in
 * `openai` provider pointed at a fake]: the compaction request is an ordinary turn request (same tools and
 * settings) whose input ends with a `compaction_trigger` item instead of a summary prompt; the model answers
 * with exactly one `compaction` item (opaque `encrypted_content`), which takes the summary's place at the end
 * of the compacted conversation. Other providers get the summary request, which any Responses model can answer.
 */

/** Whether compactions on `provider` are done by the model server: the reference's rule, OpenAI by name. */
export function supportsRemoteCompaction(provider: Pick<ResolvedProvider, 'name'>): boolean {
  return provider.name === 'OpenAI';
}

/** The last input item of a server-side compaction request. */
export const COMPACTION_TRIGGER: ResponseItem = { type: 'compaction_trigger' };

/**
 * The one `compaction` item of a server-side compaction's output.
 * @throws Error, in the reference's words, when the output holds none or several.
 */
export function compactionItemOf(output: readonly ResponseItem[]): ResponseItem {
  const items = output.filter((item) => item.type === 'compaction');
  const [only] = items;
  if (items.length !== 1 || only === undefined) {
    throw new Error(
      'Error running remote compact task: Fatal error: remote compaction v2 expected exactly one compaction ' +
        `output item, got ${items.length} from ${output.length} output items`,
    );
  }
  return only;
}
