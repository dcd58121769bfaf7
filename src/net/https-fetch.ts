import { request as httpsRequest, Agent } from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';

/**
 * A `fetch` whose HTTPS requests trust `certificates` in addition to the system roots (Node's global fetch takes
 * no CA option). Plain `http:` URLs go to the global fetch. Covers what the model client uses: method, headers,
 * a string body, an abort signal, and a streamed response body.
 */
export function fetchTrusting(certificates: readonly string[]): typeof fetch {
  const agent = new Agent({ ca: [...rootCertificates, ...certificates] });
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.protocol !== 'https:') return fetch(input, init);
    return new Promise<Response>((resolve, reject) => {
      const method = init?.method ?? 'GET';
      const request = httpsRequest(
        url,
        { method, headers: headerRecord(init?.headers), agent, ...(init?.signal ? { signal: init.signal } : {}) },
        (response) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (Array.isArray(value)) for (const item of value) headers.append(name, item);
            else if (value !== undefined) headers.set(name, value);
          }
          const status = response.statusCode ?? 502;
          const hasBody = method !== 'HEAD' && status !== 204 && status !== 304;
          if (!hasBody) response.resume();
          const body = hasBody ? (Readable.toWeb(response) as unknown as ReadableStream<Uint8Array>) : null;
          resolve(new Response(body, { status, statusText: response.statusMessage ?? '', headers }));
        },
      );
      request.once('error', reject);
      const body = init?.body;
      if (typeof body === 'string' || body instanceof Uint8Array) request.end(body);
      else request.end();
    });
  };
}

function headerRecord(headers: ConstructorParameters<typeof Headers>[0]): Record<string, string> {
  return Object.fromEntries(new Headers(headers).entries());
}
