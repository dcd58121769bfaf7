import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { StartupError } from '../util/startup-error.js';

/**
 * Native TLS for the websocket listener (beyond the reference, which serves plain `ws://` only). The Codex
 * terminal UI refuses to send its auth token over plain `ws://` to anything but loopback, so a remote backend
 * needs `wss://`: either a TLS-terminating proxy in front of us, or these two flags.
 */
export interface TlsFlags {
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
}

/** PEM certificate chain (leaf first) and private key, as Node's https server takes them. */
export interface TlsSettings {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * Reads and checks the certificate and key named by `--tls-cert-file` / `--tls-key-file`. Both or neither; only
 * with a `ws://` listener. The pair is loaded once here so a wrong path, a malformed PEM or a key that does not
 * match the certificate stops the server at startup instead of failing every handshake later.
 * @throws StartupError naming the flag, the path and what is wrong
 */
export async function resolveTlsSettings(flags: TlsFlags, listensOnWebsocket: boolean): Promise<TlsSettings | null> {
  const { tlsCertFile, tlsKeyFile } = flags;
  if (tlsCertFile === undefined && tlsKeyFile === undefined) return null;
  if (tlsCertFile === undefined || tlsKeyFile === undefined) {
    throw new StartupError('--tls-cert-file and --tls-key-file must be given together');
  }
  if (!listensOnWebsocket) {
    throw new StartupError('--tls-cert-file and --tls-key-file require a `ws://IP:PORT` listener');
  }
  const cert = await readPem('--tls-cert-file', tlsCertFile);
  const key = await readPem('--tls-key-file', tlsKeyFile);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(
      `failed to load the TLS certificate ${resolve(tlsCertFile)} with the key ${resolve(tlsKeyFile)}: ${reason} ` +
        '(both must be PEM files, and the key must be the certificate\'s)',
    );
  }
  return { cert, key };
}

async function readPem(flag: string, path: string): Promise<Buffer> {
  const absolute = resolve(path);
  try {
    const content = await readFile(absolute);
    if (content.toString('latin1').trim() === '') throw new Error('the file is empty');
    return content;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(`failed to read ${flag} ${absolute}: ${reason}`);
  }
}
