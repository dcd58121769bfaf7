import { Command, InvalidArgumentError, Option } from 'commander';
import { isIP } from 'node:net';

/** Where the server listens, parsed from `--listen`. */
export type ListenTarget =
  | { kind: 'stdio' }
  | { kind: 'off' }
  | { kind: 'websocket'; host: string; port: number }
  | { kind: 'unix'; path: string | null };

/** The options of the server command, typed. Flag names and meanings are the reference's. */
export interface ServeOptions {
  readonly listen: ListenTarget;
  readonly config: readonly string[];
  readonly enable: readonly string[];
  readonly disable: readonly string[];
  readonly wsAuth?: 'capability-token' | 'signed-bearer-token';
  readonly wsTokenFile?: string;
  readonly wsTokenSha256?: string;
  readonly wsSharedSecretFile?: string;
  readonly wsIssuer?: string;
  readonly wsAudience?: string;
  readonly wsMaxClockSkewSeconds?: number;
  /** Beyond the reference: serve `wss://` with this PEM certificate chain and key. */
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  /** Beyond the reference: the JWT claim naming each connection's tenant, and where tenants' workspaces go. */
  readonly tenantClaim?: string;
  readonly tenantWorkspaceRoot?: string;
  /** Beyond the reference: `GET /metrics` asks for the websocket bearer token too. */
  readonly metricsRequireAuth?: boolean;
  /** Graceful shutdown: how long running turns may still finish before they are interrupted (default 10). */
  readonly drainTimeoutSeconds?: number;
}

export type CliCommand =
  | { command: 'serve'; options: ServeOptions }
  | { command: 'generate-json-schema'; out: string }
  | { command: 'generate-ts'; out: string };

const LISTEN_EXPECTATION = 'expected `stdio://`, `unix://`, `unix://PATH`, `ws://IP:PORT`, or `off`';

/** Parses `--listen` exactly as the reference: `ws://` needs a literal IP and a port, nothing else. */
export function parseListenUrl(value: string): ListenTarget {
  if (value === 'stdio://') return { kind: 'stdio' };
  if (value === 'off') return { kind: 'off' };
  if (value === 'unix://') return { kind: 'unix', path: null };
  if (value.startsWith('unix://')) return { kind: 'unix', path: value.slice('unix://'.length) };
  if (value.startsWith('ws://')) {
    const invalid = new InvalidArgumentError(`invalid websocket --listen URL \`${value}\`; expected \`ws://IP:PORT\``);
    const match = /^ws:\/\/(?:\[([^\]]+)\]|([^:/[\]]+)):(\d{1,5})$/.exec(value);
    if (!match) throw invalid;
    const host = match[1] ?? match[2] ?? '';
    const port = Number(match[3]);
    const ipVersion = isIP(host);
    if (ipVersion === 0 || (match[1] !== undefined && ipVersion !== 6) || port > 65535) throw invalid;
    return { kind: 'websocket', host, port };
  }
  throw new InvalidArgumentError(`unsupported --listen URL \`${value}\`; ${LISTEN_EXPECTATION}`);
}

function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('invalid digit found in string');
  return Number(value);
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * Parses argv (without `node` and the script). Usage errors print commander's message and exit with code 2,
 * like the reference's clap; `--help` exits 0.
 */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  let selected: CliCommand | undefined;
  const program = new Command('app-server')
    .description('Codex app-server: JSON-RPC over stdio or websocket for Codex clients')
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : 2);
    })
    .option('-c, --config <key=value>', 'override a config.toml value (dotted path; value parsed as TOML)', collect, [])
    .option('--enable <FEATURE>', 'enable a feature (repeatable); same as -c features.<name>=true', collect, [])
    .option('--disable <FEATURE>', 'disable a feature (repeatable); same as -c features.<name>=false', collect, [])
    .addOption(
      new Option('--listen <URL>', 'transport: stdio://, ws://IP:PORT or off')
        .default(parseListenUrl('stdio://'), 'stdio://')
        .argParser(parseListenUrl),
    )
    .option('--stdio', 'use stdio as the transport (same as --listen stdio://)')
    .addOption(
      new Option('--ws-auth <MODE>', 'authentication for websocket connections').choices([
        'capability-token',
        'signed-bearer-token',
      ]),
    )
    .option('--ws-token-file <PATH>', 'file holding the capability token')
    .option('--ws-token-sha256 <HEX>', 'hex SHA-256 digest of the capability token')
    .option('--ws-shared-secret-file <PATH>', 'file holding the HS256 shared secret for signed bearer tokens')
    .option('--ws-issuer <ISSUER>', 'expected `iss` of signed bearer tokens')
    .option('--ws-audience <AUDIENCE>', 'expected `aud` of signed bearer tokens')
    .option('--ws-max-clock-skew-seconds <SECONDS>', 'clock skew allowed for exp/nbf (default 30)', parseSeconds)
    .option('--tls-cert-file <PATH>', 'serve wss:// with this PEM certificate chain (with --tls-key-file)')
    .option('--tls-key-file <PATH>', 'PEM private key of --tls-cert-file')
    .option('--tenant-claim <CLAIM>', 'one CODEX_HOME subtree and workspace per value of this JWT claim (e.g. sub)')
    .option('--tenant-workspace-root <DIR>', 'where tenants\' workspaces are made (default: the working directory)')
    .option('--metrics-require-auth', 'GET /metrics requires the websocket bearer token (needs --ws-auth)')
    .option(
      '--drain-timeout-seconds <SECONDS>',
      'on SIGTERM/SIGINT or stdin EOF: how long running turns may finish before they are interrupted (default 10)',
      parseSeconds,
    )
    .action((raw: Record<string, unknown>) => {
      const listen = raw.stdio ? { kind: 'stdio' as const } : (raw.listen as ListenTarget);
      // commander reports absent flags as undefined keys; exactOptionalPropertyTypes wants them absent.
      const given = Object.fromEntries(Object.entries({ ...raw, listen }).filter(([, value]) => value !== undefined));
      delete given.stdio;
      selected = { command: 'serve', options: given as unknown as ServeOptions };
    });

  program
    .command('generate-json-schema')
    .description('write the protocol JSON Schema (draft-07) generated from our zod definitions')
    .requiredOption('-o, --out <DIR>', 'output directory')
    .option('--experimental', 'accepted for compatibility; our schema always includes the experimental surface')
    .action((raw: { out: string }) => {
      selected = { command: 'generate-json-schema', out: raw.out };
    });
  program
    .command('generate-ts')
    .description('write TypeScript bindings of the protocol')
    .requiredOption('-o, --out <DIR>', 'output directory')
    .option('--experimental', 'accepted for compatibility; our bindings always include the experimental surface')
    .action((raw: { out: string }) => {
      selected = { command: 'generate-ts', out: raw.out };
    });

  program.parse([...argv], { from: 'user' });
  if (!selected) throw new Error('no command selected');
  return selected;
}
