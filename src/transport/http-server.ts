import websocketPlugin from '@fastify/websocket';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { MessageTransport } from '../rpc/message-transport.js';
import type { Logger } from '../util/logger.js';
import { MAX_INBOUND_MESSAGE_BYTES } from '../protocol/message-limits.js';
import { authorizeUpgrade, prepareUpgradeAuth, verifiedJwtClaim } from './upgrade-auth.js';
import { isLoopbackIp } from './ws-auth-settings.js';
import type { TlsSettings } from './tls-settings.js';
import type { WsAuthPolicy } from './ws-auth-settings.js';
import { websocketTransport } from './websocket.js';


export interface WebsocketListenerOptions {
  readonly host: string;
  /** 0 picks a free port; the listener reports the one it got. */
  readonly port: number;
  readonly authPolicy: WsAuthPolicy;
  /** Serve `wss://` (and the probes over https) with this certificate; null for plain `ws://`. */
  readonly tls: TlsSettings | null;
  readonly connections: ConnectionAcceptor;
  /**
   * `--tenant-claim` (beyond the reference): each connection belongs to the tenant this JWT claim names; an
   * upgrade whose token lacks it is refused with 401. Null: no tenants.
   */
  readonly tenantClaim: string | null;
  readonly log: Logger;
  /** `GET /metrics` (Prometheus text), when the server keeps metrics. */
  readonly metrics?: MetricsRoute;
}

/** Who takes the accepted websocket connections (server/server-instances.ts). */
export interface ConnectionAcceptor {
  /** True once shutdown began: `/readyz` answers 503 and upgrades are refused. */
  readonly isDraining: boolean;
  /** Speaks JSON-RPC on `transport`, in the instance of `tenant` (null without tenants). */
  attach(transport: MessageTransport, tenant: string | null): void;
}

/** What `GET /metrics` serves, and whether it asks for the websocket bearer token. */
export interface MetricsRoute {
  readonly metrics: ServerMetrics;
  /** `--metrics-require-auth`: the scrape must authenticate as a websocket client would. */
  readonly requireAuth: boolean;
}

export interface WebsocketListener {
  readonly host: string;
  readonly port: number;
  /** `ws://host:port`, or `wss://host:port` with TLS */
  readonly url: string;
  /** Stops accepting, closes every websocket and the HTTP server. */
  close(): Promise<void>;
}

const PLAIN_TEXT = 'text/plain; charset=utf-8';

function refuseSchema(): never {
  throw new Error('HTTP routes of the app-server declare no schemas');
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Builds the Fastify app: `/readyz` and `/healthz` probes, and the websocket upgrade on every other path.
 * Checks run in the reference's order: any `Origin` header → 403 on every route (browsers must never reach
 * the agent), then a request that is not a websocket handshake → 400/405, then (ours) a draining
 * server → 503, then the bearer auth → 401, all before the 101 so a rejected client never
 * gets a socket.
 */
export function buildHttpApp(options: Omit<WebsocketListenerOptions, 'host' | 'port'>): FastifyInstance {
  const { connections, authPolicy, log, tls, tenantClaim } = options;
  const app = Fastify({
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: true,
    // No route declares a schema (JSON-RPC is validated with zod), so fastify needs no ajv validator or
    // fast-json-stringify serializer; compilers that refuse keep those libraries (~50 ms) out of start-up.
    schemaController: { compilersFactory: { buildValidator: () => refuseSchema, buildSerializer: () => refuseSchema } },
  });
  // Ready (listening, or answering `inject`) only once the upgrade check has what its auth mode needs.
  app.addHook('onReady', () => prepareUpgradeAuth(authPolicy));
  // The websocket plugin's own hooks (which mark upgrade requests and destroy their socket after a refusal)
  // must run before ours, so everything else lives in a child context registered after it.
  // ws applies maxPayload per message (a larger one is closed with 1009) and closes invalid UTF-8 with 1007.
  app.register(websocketPlugin, { options: { maxPayload: MAX_INBOUND_MESSAGE_BYTES, perMessageDeflate: false } });
  app.register(async (server) => {
    server.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.headers.origin !== undefined) {
        log.warn({ url: request.url }, 'rejecting websocket listener request with Origin header');
        return reply.code(403).send();
      }
    });

    const probe = (isReady: () => boolean) => async (_request: FastifyRequest, reply: FastifyReply) =>
      reply.code(isReady() ? 200 : 503).send();
    server.get('/readyz', probe(() => !connections.isDraining));
    server.get('/healthz', probe(() => true));
    const { metrics } = options;
    if (metrics) {
      server.get('/metrics', async (request: FastifyRequest, reply: FastifyReply) => {
        if (metrics.requireAuth) {
          const decision = authorizeUpgrade(request.headers.authorization, authPolicy);
          if (!decision.ok) return reply.code(decision.status).type(PLAIN_TEXT).send(decision.message);
        }
        const { contentType, body } = await metrics.metrics.scrape();
        return reply.code(200).type(contentType).send(body);
      });
    }
    for (const path of metrics ? ['/readyz', '/healthz', '/metrics'] : ['/readyz', '/healthz']) {
      server.route({
        method: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
        url: path,
        handler: async (_request, reply) => reply.code(405).header('allow', 'GET,HEAD').send(),
      });
    }

    server.register(async (upgrades) => {
      upgrades.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
        if (!request.ws) return;
        // A draining server takes no new clients; 503 (like `/readyz`) tells them to come back to another one.
        if (connections.isDraining) {
          log.info('rejecting websocket client: the server is draining');
          return reply.code(503).type(PLAIN_TEXT).send('Server is draining; retry after reconnecting');
        }
        const decision = authorizeUpgrade(request.headers.authorization, authPolicy);
        if (!decision.ok) {
          log.warn({ reason: decision.message }, 'rejecting websocket client during upgrade');
          return reply.code(decision.status).type(PLAIN_TEXT).send(decision.message);
        }
        if (tenantClaim !== null && verifiedJwtClaim(request.headers.authorization, tenantClaim) === null) {
          const message = `websocket jwt has no \`${tenantClaim}\` claim naming a tenant`;
          log.warn({ reason: message }, 'rejecting websocket client during upgrade');
          return reply.code(401).type(PLAIN_TEXT).send(message);
        }
      });
      upgrades.route({
        method: 'GET',
        url: '/*',
        handler: async (_request, reply) =>
          reply.code(400).type(PLAIN_TEXT).send("Connection header did not include 'upgrade'"),
        wsHandler: (socket, request) => {
          const description = `ws ${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
          const tenant = tenantClaim === null ? null : verifiedJwtClaim(request.headers.authorization, tenantClaim);
          connections.attach(websocketTransport(socket, description, log), tenant);
        },
      });
      upgrades.route({
        method: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
        url: '/*',
        handler: async (_request, reply) => reply.code(405).type(PLAIN_TEXT).send('Request method must be `GET`'),
      });
    });
  });
  return app;
}

/** Starts listening and prints the reference's startup banner on stderr. */
export async function startWebsocketListener(options: WebsocketListenerOptions): Promise<WebsocketListener> {
  const app = buildHttpApp(options);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostPort = `${formatHost(options.host)}:${port}`;
  const scheme = options.tls ? { ws: 'wss', http: 'https' } : { ws: 'ws', http: 'http' };
  const url = `${scheme.ws}://${hostPort}`;
  const loopback = isLoopbackIp(options.host);
  process.stderr.write(
    [
      'codex app-server (WebSockets)',
      `  listening on: ${url}`,
      `  readyz: ${scheme.http}://${hostPort}/readyz`,
      `  healthz: ${scheme.http}://${hostPort}/healthz`,
      loopback
        ? '  note: binds localhost only (use SSH port-forwarding for remote access)'
        : '  note: websocket auth is required for non-localhost listeners',
      '',
    ].join('\n'),
  );
  return {
    host: options.host,
    port,
    url,
    close: async () => {
      await app.close();
    },
  };
}
