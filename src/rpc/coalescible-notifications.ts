/**
 * Best-effort notifications: streams of output chunks where what matters is the bytes, not how they were cut.
 * While a client is behind, consecutive chunks of one stream that wait in its outbound queue are merged into one
 * notification carrying all their bytes in order; nothing in the middle is lost. Transcript and lifecycle
 * messages (agent message, plan and reasoning deltas, item and turn events, server requests, responses) are
 * never merged.
 */
export interface CoalescingRule {
  /** Chunks with the same key are one stream and may be merged. */
  key(params: unknown): string | undefined;
  /**
   * Streams with the same owner must keep their relative order (a process's stdout and stderr): a chunk is only
   * merged into an earlier one if no chunk of a sibling stream was queued in between.
   */
  owner(params: unknown): string | undefined;
  /** One notification's params carrying every chunk's bytes, in order. */
  merge(chunks: readonly unknown[]): unknown;
}

type Params = Record<string, unknown>;

function stringField(params: unknown, name: string): string | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const value = (params as Params)[name];
  return typeof value === 'string' ? value : undefined;
}

/** `item/commandExecution/outputDelta`: decoded text of one command item, one stream per item. */
const commandItemOutput: CoalescingRule = {
  key(params) {
    const thread = stringField(params, 'threadId');
    const item = stringField(params, 'itemId');
    return thread === undefined || item === undefined ? undefined : `${thread}\0${item}`;
  },
  owner(params) {
    return this.key(params);
  },
  merge(chunks) {
    const first = chunks[0] as Params;
    return { ...first, delta: chunks.map((chunk) => (chunk as Params).delta).join('') };
  },
};

/**
 * `command/exec/outputDelta`: base64 chunks of one process's stdout or stderr. The bytes are decoded and
 * re-encoded together (base64 texts cannot simply be concatenated); `capReached` marks a stream's last chunk.
 */
const commandExecOutput: CoalescingRule = {
  key(params) {
    const process = stringField(params, 'processId');
    const stream = stringField(params, 'stream');
    return process === undefined || stream === undefined ? undefined : `${process}\0${stream}`;
  },
  owner(params) {
    return stringField(params, 'processId');
  },
  merge(chunks) {
    const last = chunks[chunks.length - 1] as Params;
    const bytes = Buffer.concat(chunks.map((chunk) => Buffer.from(String((chunk as Params).deltaBase64), 'base64')));
    return {
      ...last,
      deltaBase64: bytes.toString('base64'),
      capReached: chunks.some((chunk) => (chunk as Params).capReached === true),
    };
  },
};

const RULES: ReadonlyMap<string, CoalescingRule> = new Map([
  ['item/commandExecution/outputDelta', commandItemOutput],
  ['command/exec/outputDelta', commandExecOutput],
]);

/** The rule for a notification method, or undefined when its messages must go out one by one. */
export function coalescingRuleFor(method: string): CoalescingRule | undefined {
  return RULES.get(method);
}
