import type { ParamsOf, RequestDefinition, ResultOf } from '../protocol/registry-types.js';
import type { ClientInfo } from '../protocol/v2/initialize.js';
import type { ClientChannel } from '../runtime/clients/client-channel.js';
import type { Logger } from '../util/logger.js';

/** What a handler may know about the connection that called it. */
export interface CallerFacts {
  readonly connectionId: number;
  /** Null only while `initialize` itself runs. */
  readonly clientInfo: ClientInfo | null;
  readonly experimentalApi: boolean;
}

/**
 * Everything a handler gets besides its parsed params. Filled in by rpc/router.ts, so handlers never import
 * the rpc layer.
 */
export interface HandlerContext {
  readonly caller: CallerFacts;
  readonly channel: ClientChannel;
  readonly log: Logger;
  /**
   * Aborts when the calling connection closes: long work done only to answer this request (a file read, a fetch)
   * passes it on and stops, since nobody is left to receive the answer. Work that outlives the request on purpose
   * (a turn, a spawned command) does not use it.
   */
  readonly signal: AbortSignal;
  /** Queues work to run right after the response is written (e.g. notifications that must follow it). */
  afterResponse(task: () => void): void;
}

/**
 * A response that comes later without holding the connection's request queue. `command/exec` answers only when its
 * process exits, and meanwhile the same client must be able to `command/exec/write`, `resize` or `terminate` it (the
 * reference hands the request to a task and answers from there). `settled` resolves with the result or rejects with
 * the error, as a handler's own return value would.
 */
export class DeferredResult<T = unknown> {
  readonly settled: Promise<T>;
  constructor(settled: Promise<T>) {
    this.settled = settled;
  }
}

/** What a handler may return: its result, or a result to be sent once it is known. */
export type HandlerOutput<D extends RequestDefinition> = ResultOf<D> | DeferredResult<ResultOf<D>>;

/** A method's implementation, bound to its registry definition. */
export interface RequestHandler<D extends RequestDefinition = RequestDefinition> {
  readonly definition: D;
  handle(params: ParamsOf<D>, context: HandlerContext): Promise<HandlerOutput<D>> | HandlerOutput<D>;
}

/** Binds an implementation to a definition, typing its params and result from the schemas. */
export function bindHandler<D extends RequestDefinition>(
  definition: D,
  handle: (params: ParamsOf<D>, context: HandlerContext) => Promise<HandlerOutput<D>> | HandlerOutput<D>,
): RequestHandler<D> {
  return { definition, handle };
}

/** Implemented methods by name. */
export type HandlerTable = ReadonlyMap<string, RequestHandler>;
