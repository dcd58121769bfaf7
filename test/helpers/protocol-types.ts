import type * as z from 'zod';
import type { ClientRequests, ServerNotifications, ServerRequests } from '../../src/protocol/registry.js';

/**
 * Wire types for tests, derived from the protocol registry's zod schemas and nothing else: a method added to the
 * registry is typed here with no edit. Params are zod's input (what a client may send, defaults still optional);
 * results and notification params are zod's input too, because the server serializes what its handlers return
 * without parsing it again.
 */

type ClientRequestDefinition = (typeof ClientRequests)[keyof typeof ClientRequests];
type ServerNotificationDefinition = (typeof ServerNotifications)[keyof typeof ServerNotifications];
type ServerRequestDefinition = (typeof ServerRequests)[keyof typeof ServerRequests];

/** Every request method a client can send that this server implements. */
export type ClientMethod = ClientRequestDefinition['method'];
/** Every notification method the server sends. */
export type NotificationMethod = ServerNotificationDefinition['method'];
/** Every request method the server sends to a client (approvals, questions, token refreshes, ...). */
export type ServerRequestMethod = ServerRequestDefinition['method'];

type RequestNamed<M extends ClientMethod> = Extract<ClientRequestDefinition, { method: M }>;
type NotificationNamed<M extends NotificationMethod> = Extract<ServerNotificationDefinition, { method: M }>;
type ServerRequestNamed<M extends ServerRequestMethod> = Extract<ServerRequestDefinition, { method: M }>;

export type ParamsOf<M extends ClientMethod> = z.input<RequestNamed<M>['params']>;
export type ResultOf<M extends ClientMethod> = z.input<RequestNamed<M>['result']>;
export type NotificationParamsOf<M extends NotificationMethod> = z.input<NotificationNamed<M>['params']>;
export type ServerRequestParamsOf<M extends ServerRequestMethod> = z.input<ServerRequestNamed<M>['params']>;
/** What a client answers to a server request (the `result` of its reply). */
export type ServerRequestResultOf<M extends ServerRequestMethod> = z.input<ServerRequestNamed<M>['result']>;

/**
 * The params argument of a call: optional exactly when the method accepts no params. A union rather than one
 * conditional tuple, so a helper generic in `M` can still pass a `ParamsOf<M>`.
 */
export type ParamsArgs<M extends ClientMethod> = [params: ParamsOf<M>] | (undefined extends ParamsOf<M> ? [] : never);


/** A JSON-RPC error object as the server sends it. */
export interface RpcErrorBody {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** A response carrying a result of type `R`, or an error. */
export type RpcResponse<R> =
  | { readonly id: string | number; readonly result: R; readonly error?: never }
  | { readonly id: string | number; readonly error: RpcErrorBody; readonly result?: never };

/** The response to a request of `M`. */
export type ResponseTo<M extends ClientMethod> = RpcResponse<ResultOf<M>>;

/** A notification of `M` as received: any message field stays readable, `params` is typed. */
export type Notification<M extends NotificationMethod> = Record<string, unknown> & {
  readonly method: M;
  readonly params: NotificationParamsOf<M>;
};

/** A request the server sent, with typed params; answer it with `RpcTestClient.reply`. */
export type ServerRequest<M extends ServerRequestMethod> = Record<string, unknown> & {
  readonly id: string | number;
  readonly method: M;
  readonly params: ServerRequestParamsOf<M>;
};
