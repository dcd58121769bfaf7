import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The browser came back without a code: the gateway refused, or the person declined. */
export class GatewayCallbackError extends Error {}

const PAGE_HEADERS = { 'content-type': 'text/html; charset=utf-8', connection: 'close' } as const;
const SIGNED_IN_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gateway sign-in complete</title></head>' +
  '<body><p>You are signed in to the model gateway. You can close this window and return to Codex.</p>' +
  '<script>window.close()</script></body></html>';
const FAILED_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gateway sign-in failed</title></head>' +
  '<body><p>The gateway did not complete the sign-in. Return to Codex to try again.</p></body></html>';

/**
 * The browser sign-in's redirect target, as the reference 0.169.0 serves it [observed]: `GET /callback` on
 * 127.0.0.1:`port` with the authorization `code` and the `state` the sign-in sent. A wrong `state` is answered
 * 400 `OAuth callback state did not match` and the sign-in keeps waiting; any other path 404 `Not found`; the
 * right one gets a page telling the person they can close the window, and hands the code over.
 */
export class GatewayCallback {
  readonly redirectUri: string;
  /** Resolves with the authorization code; rejects when the gateway redirected with an error or on close. */
  readonly code: Promise<string>;
  readonly #server: Server;
  readonly #fail: (error: Error) => void;

  private constructor(server: Server, redirectUri: string, code: Promise<string>, fail: (error: Error) => void) {
    this.#server = server;
    this.redirectUri = redirectUri;
    this.code = code;
    this.#fail = fail;
  }

  /** Listens on 127.0.0.1:`port` (0 = any free port). Rejects when the port is taken. */
  static async listen(port: number, state: string): Promise<GatewayCallback> {
    let resolveCode: (code: string) => void = () => {};
    let rejectCode: (error: Error) => void = () => {};
    const code = new Promise<string>((resolve, reject) => {
      resolveCode = resolve;
      rejectCode = reject;
    });
    code.catch(() => {});
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' || url.pathname !== '/callback') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
        return;
      }
      if (url.searchParams.get('state') !== state) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('OAuth callback state did not match');
        return;
      }
      const received = url.searchParams.get('code');
      if (received === null || received === '') {
        res.writeHead(200, PAGE_HEADERS).end(FAILED_PAGE);
        const reason = url.searchParams.get('error_description') ?? url.searchParams.get('error') ?? 'no authorization code';
        rejectCode(new GatewayCallbackError(`the gateway redirected without a code: ${reason}`));
        return;
      }
      res.writeHead(200, PAGE_HEADERS).end(SIGNED_IN_PAGE);
      resolveCode(received);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const bound = (server.address() as AddressInfo).port;
    const callback = new GatewayCallback(server, `http://127.0.0.1:${bound}/callback`, code, rejectCode);
    void code.then(
      () => callback.close(),
      () => callback.close(),
    );
    return callback;
  }

  /** Stops listening; a sign-in still waiting fails with `reason`. */
  close(reason: Error = new Error('the sign-in ended')): void {
    this.#fail(reason);
    this.#server.close();
    // Let the last page reach the browser before dropping idle keep-alive sockets.
    setImmediate(() => this.#server.closeIdleConnections());
  }
}
