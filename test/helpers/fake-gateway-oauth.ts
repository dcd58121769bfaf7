import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { IssuerAnswer } from './fake-issuer.js';
import { listenUntilTestEnds, RequestLog, type RecordedRequests } from './request-log.js';

/** One request the fake gateway OAuth server received, its form body parsed. */
export interface GatewayOAuthRequest {
  readonly path: string;
  readonly accept: string;
  readonly contentType: string;
  /** The form fields in the order they were sent. */
  readonly fields: readonly (readonly [string, string])[];
  readonly form: Readonly<Record<string, string>>;
}

/** A status and a JSON body, as the fake issuer answers too. */
export type GatewayOAuthAnswer = IssuerAnswer;

/** What the fake answers; each may be replaced by a test. */
export interface GatewayOAuthBehaviour {
  /** `grant_type=authorization_code`. */
  code: (form: Readonly<Record<string, string>>) => GatewayOAuthAnswer;
  /** `grant_type=refresh_token`. */
  refresh: (form: Readonly<Record<string, string>>) => GatewayOAuthAnswer;
  /** `POST /oauth/device`. */
  device: () => GatewayOAuthAnswer;
  /** The device-code grant, by poll number (1-based); the default approves the second poll. */
  devicePoll: (pollNumber: number) => GatewayOAuthAnswer;
}

export interface FakeGatewayOAuth extends RecordedRequests<GatewayOAuthRequest> {
  /** `http://127.0.0.1:<port>/oauth`: `<base>/authorize`, `<base>/token`, `<base>/device`. */
  readonly base: string;
  readonly behaviour: GatewayOAuthBehaviour;
}

/** Tokens as a gateway issues them: `gw_at_<n>` / `gw_rt_<n>`, valid for an hour. */
export function issuedGatewayTokens(n: number, expiresIn = 3600): GatewayOAuthAnswer {
  return { status: 200, body: { access_token: `gw_at_${n}`, refresh_token: `gw_rt_${n}`, token_type: 'Bearer', expires_in: expiresIn } };
}

/**
 * A model gateway's OAuth server on 127.0.0.1:0 (RFC 6749 token endpoint with the code, refresh and device-code
 * grants, RFC 8628 device authorization endpoint). Stopped in `t.after`.
 */
export async function startFakeGatewayOAuth(t: TestContext): Promise<FakeGatewayOAuth> {
  const log = new RequestLog<GatewayOAuthRequest>();
  let polls = 0;
  let issued = 0;
  const behaviour: GatewayOAuthBehaviour = {
    code: () => issuedGatewayTokens(++issued),
    refresh: () => issuedGatewayTokens(++issued),
    device: () => ({
      status: 200,
      body: { device_code: 'dev-code-1', user_code: 'GATE-1234', verification_uri: `${origin}/verify`, expires_in: 600, interval: 0 },
    }),
    devicePoll: (pollNumber) =>
      pollNumber < 2 ? { status: 400, body: { error: 'authorization_pending' } } : issuedGatewayTokens(++issued),
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const fields = [...new URLSearchParams(raw)];
      const form = Object.fromEntries(fields);
      const path = req.url ?? '/';
      log.record({ path, accept: req.headers.accept ?? '', contentType: req.headers['content-type'] ?? '', fields, form });
      let answer: GatewayOAuthAnswer = { status: 404, body: { error: 'not_found' } };
      if (path === '/oauth/device') answer = behaviour.device();
      else if (path === '/oauth/token' && form.grant_type === 'authorization_code') answer = behaviour.code(form);
      else if (path === '/oauth/token' && form.grant_type === 'refresh_token') answer = behaviour.refresh(form);
      else if (path === '/oauth/token' && form.grant_type?.endsWith(':device_code')) answer = behaviour.devicePoll(++polls);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  const origin = await listenUntilTestEnds(t, server);
  return {
    base: `${origin}/oauth`,
    requests: log.entries,
    behaviour,
    waitFor: (predicate, what) => log.waitFor(predicate, what),
  };
}

/** A port that was free a moment ago, for a `redirect_port` (the reference refuses 0). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

/** `[model_providers.<id>.gateway_oauth]` lines for the fake, with extra lines (e.g. a `delivery`). */
export function gatewayOAuthToml(id: string, fake: FakeGatewayOAuth, redirectPort: number, extra = ''): string {
  return [
    `[model_providers.${id}.gateway_oauth]`,
    `authorization_url = "${fake.base}/authorize"`,
    `token_url = "${fake.base}/token"`,
    `device_authorization_url = "${fake.base}/device"`,
    'client_id = "codex-desktop"',
    'scopes = ["model:invoke", "offline"]',
    `redirect_port = ${redirectPort}`,
    extra,
    '',
  ].join('\n');
}
