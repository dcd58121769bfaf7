import type * as z from 'zod';
import { DeferredResult, type HandlerContext, type HandlerTable } from '../handlers/context.js';
import { RpcErrors } from '../protocol/errors.js';
import { EXPERIMENTAL_CLIENT_METHODS, KNOWN_CLIENT_METHODS, isKnownClientMethod } from '../protocol/method-catalogue.js';
import { ClientRequests } from '../protocol/registry.js';
import type { RequestDefinition } from '../protocol/registry-types.js';
import { serdeMessage } from '../protocol/serde-message.js';
import type { InitializeParams } from '../protocol/v2/initialize.js';
import type { Logger } from '../util/logger.js';
import type { InboundRequest, RequestOutcome } from './connection.js';
import type { Session } from './session.js';

const UNKNOWN_VARIANT_SUFFIX = `expected one of ${KNOWN_CLIENT_METHODS.map((m) => `\`${m}\``).join(', ')}`;

export interface RouterOptions {
  readonly handlers: HandlerTable;
  /** True once shutdown began: new requests get the reference's draining error. */
  readonly isDraining: () => boolean;
}

/**
 * Turns one request into a result or an RpcError, in the reference's order of checks: method name, then params
 * (so a bad request before `initialize` still gets its parse error), then the initialize gate, then the
 * experimental gate, then the handler. Methods the reference knows but we do not implement answer -32601.
 */
export class Router {
  readonly #options: RouterOptions;

  constructor(options: RouterOptions) {
    this.#options = options;
  }

  /** Synchronous unless the handler is: most answers go out in the tick their request arrived. */
  route(session: Session, request: InboundRequest, log: Logger): RequestOutcome | Promise<RequestOutcome> {
    const { method } = request;
    const handler = this.#options.handlers.get(method);
    if (!handler && !isKnownClientMethod(method)) {
      throw RpcErrors.invalidRequest(`unknown variant \`${method}\`, ${UNKNOWN_VARIANT_SUFFIX}`);
    }

    let params: unknown;
    if (handler) {
      // The reference rejects an absent `params` for most methods; we accept it as `{}`
      // (docs/protocol.md#messages-and-framing): no real client relies on that error and some omit params for
      // all-optional requests.
      const raw = request.params === undefined || request.params === null ? {} : request.params;
      const parsed = handler.definition.params.safeParse(raw);
      if (!parsed.success) {
        // Parse again only to word the error: `reportInput` makes zod ~50x slower, too slow for every request.
        const detailed = handler.definition.params.safeParse(raw, { reportInput: true });
        throw RpcErrors.invalidRequest(serdeMessage(handler.definition.params, raw, detailed.error?.issues ?? []));
      }
      params = parsed.data;
    }

    const isInitialize = method === ClientRequests.initialize.method;
    if (isInitialize && session.isInitialized) throw RpcErrors.alreadyInitialized();
    if (!isInitialize && !session.isInitialized) throw RpcErrors.notInitialized();
    if (this.#options.isDraining()) throw RpcErrors.draining();
    if (!session.capabilities.experimentalApi) {
      if (EXPERIMENTAL_CLIENT_METHODS.has(method)) throw RpcErrors.experimentalRequired(method);
      const field = handler && experimentalFieldIn(request.params, handler.definition);
      if (field) throw RpcErrors.experimentalRequired(`${method}.${field}`);
    }
    if (!handler) throw RpcErrors.notSupportedYet(method);

    const afterResponse: (() => void)[] = [];
    const context: HandlerContext = {
      caller: {
        connectionId: session.connectionId,
        clientInfo: session.clientInfo,
        experimentalApi: session.capabilities.experimentalApi,
      },
      channel: session,
      log,
      // On first use only: an AbortSignal (with its EventTarget) is ~1.4 KiB that most requests never look at.
      get signal() {
        return session.closedSignal;
      },
      afterResponse: (task) => afterResponse.push(task),
    };
    const finish = (result: unknown): RequestOutcome => {
      if (isInitialize) session.markInitialized(params as InitializeParams);
      if (result instanceof DeferredResult) return { result: undefined, deferred: result.settled, afterResponse };
      return { result, afterResponse };
    };
    const result = handler.handle(params, context);
    return result instanceof Promise ? result.then(finish) : finish(result);
  }
}

/**
 * The first experimental field the client actually used, by the reference's rule: a field that accepts null is
 * used when it is not null (even `[]` or `false` count), a plain boolean only when it is `true`.
 */
function experimentalFieldIn(params: unknown, definition: RequestDefinition): string | undefined {
  const fields = definition.experimentalFields;
  if (fields.length === 0 || typeof params !== 'object' || params === null) return undefined;
  const given = params as Record<string, unknown>;
  const shape = objectShapeOf(definition.params);
  return fields.find((field) => {
    const value = given[field];
    if (value === undefined || value === null) return false;
    const acceptsNull = shape?.[field]?.safeParse(null).success ?? true;
    return acceptsNull || value !== false;
  });
}

function objectShapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = schema._zod.def as unknown as { shape?: Record<string, z.ZodType> };
  return def.shape;
}
