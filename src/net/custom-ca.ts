import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The reference's custom CA policy for outbound HTTPS (`codex-client/src/custom_ca.rs`): the PEM bundle named by
 * `CODEX_CA_CERTIFICATE`, else by `SSL_CERT_FILE` (an empty value counts as unset), is trusted in addition to the
 * system roots. Bundles may hold several certificates, OpenSSL `TRUSTED CERTIFICATE` blocks (their trailing
 * trust metadata is dropped) and CRLs (ignored).
 */
export const CODEX_CA_CERT_ENV = 'CODEX_CA_CERTIFICATE';
export const SSL_CERT_FILE_ENV = 'SSL_CERT_FILE';

const CA_CERT_HINT =
  'If you set CODEX_CA_CERTIFICATE or SSL_CERT_FILE, ensure it points to a PEM file containing one or more ' +
  'CERTIFICATE blocks, or unset it to use system roots.';

export interface ConfiguredCaBundle {
  /** The variable that selected the bundle. */
  readonly sourceEnv: typeof CODEX_CA_CERT_ENV | typeof SSL_CERT_FILE_ENV;
  readonly path: string;
}

export interface CustomCaBundle extends ConfiguredCaBundle {
  /** Each certificate, as a standard `CERTIFICATE` PEM block. */
  readonly certificates: readonly string[];
}

/** A configured bundle that cannot be used; the message names the variable, the file and the fix (the reference's). */
export class CustomCaError extends Error {
  readonly bundle: ConfiguredCaBundle;
  constructor(bundle: ConfiguredCaBundle, message: string) {
    super(message);
    this.name = new.target.name;
    this.bundle = bundle;
  }
}

/** Which bundle the environment selects, or null for system roots only. */
export function configuredCaBundle(env: Readonly<Record<string, string | undefined>>): ConfiguredCaBundle | null {
  for (const sourceEnv of [CODEX_CA_CERT_ENV, SSL_CERT_FILE_ENV] as const) {
    const path = env[sourceEnv];
    if (path !== undefined && path !== '') return { sourceEnv, path };
  }
  return null;
}

/**
 * The selected bundle's certificates, or null when none is configured.
 * @throws CustomCaError when the file cannot be read, holds no certificate, or holds a malformed block.
 */
export function loadCustomCa(env: Readonly<Record<string, string | undefined>>): CustomCaBundle | null {
  const bundle = configuredCaBundle(env);
  if (bundle === null) return null;
  let text: string;
  try {
    text = readFileSync(bundle.path).toString('utf8');
  } catch (error) {
    throw new CustomCaError(
      bundle,
      `Failed to read CA certificate file ${bundle.path} selected by ${bundle.sourceEnv}: ${ioErrorText(error)}. ${CA_CERT_HINT}`,
    );
  }
  const invalid = (detail: string) =>
    new CustomCaError(
      bundle,
      `Failed to load CA certificates from ${bundle.path} selected by ${bundle.sourceEnv}: ${detail}. ${CA_CERT_HINT}`,
    );
  const trusted = text.includes('TRUSTED CERTIFICATE');
  const normalized = trusted
    ? text.replaceAll('BEGIN TRUSTED CERTIFICATE', 'BEGIN CERTIFICATE').replaceAll('END TRUSTED CERTIFICATE', 'END CERTIFICATE')
    : text;
  const certificates: string[] = [];
  for (const section of pemSections(normalized)) {
    if (section.error !== undefined) throw invalid(`failed to parse PEM file: ${section.error}`);
    if (section.label !== 'CERTIFICATE') continue; // CRLs and anything else are not roots.
    const der = trusted ? firstDerItem(section.der) : section.der;
    if (der === null) {
      throw invalid('failed to extract certificate data from TRUSTED CERTIFICATE: invalid DER length');
    }
    try {
      new X509Certificate(der);
    } catch (error) {
      throw new CustomCaError(
        bundle,
        `Failed to parse certificate #${certificates.length + 1} from ${bundle.path} selected by ${bundle.sourceEnv}: ` +
          `${error instanceof Error ? error.message : String(error)}. ${CA_CERT_HINT}`,
      );
    }
    certificates.push(derToPem(der));
  }
  if (certificates.length === 0) throw invalid('no certificates found in PEM file');
  return { ...bundle, certificates };
}

type PemSection = { label: string; der: Buffer; error?: undefined } | { label: string; der?: undefined; error: string };

const BEGIN = /-----BEGIN ([^-\r\n]+)-----/g;

/** The PEM blocks of `text` in order; text between blocks (comments) is skipped, as PEM readers do. */
function* pemSections(text: string): Generator<PemSection> {
  for (const match of text.matchAll(BEGIN)) {
    const label = match[1] ?? '';
    const start = (match.index ?? 0) + match[0].length;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, start);
    if (end < 0) {
      yield { label, error: `missing section end marker: "${endMarker}"` };
      return;
    }
    const body = text.slice(start, end).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) {
      yield { label, error: `invalid base64 in section "${label}"` };
      return;
    }
    yield { label, der: Buffer.from(body, 'base64') };
  }
}

/**
 * The first DER object of `der` (its outer tag and length only): a `TRUSTED CERTIFICATE` block is a certificate
 * followed by OpenSSL's X509_AUX trust settings, which are not part of the certificate. Null when the declared
 * length runs past the end or is indefinite.
 */
function firstDerItem(der: Buffer): Buffer | null {
  const lengthOctet = der[1];
  if (lengthOctet === undefined) return null;
  if ((lengthOctet & 0x80) === 0) return 2 + lengthOctet <= der.length ? der.subarray(0, 2 + lengthOctet) : null;
  const lengthBytes = lengthOctet & 0x7f;
  if (lengthBytes === 0 || 2 + lengthBytes > der.length) return null;
  let contentLength = 0;
  for (let i = 0; i < lengthBytes; i++) contentLength = contentLength * 256 + (der[2 + i] ?? 0);
  const total = 2 + lengthBytes + contentLength;
  return total <= der.length ? der.subarray(0, total) : null;
}

function derToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** An I/O error as Rust's `io::Error` shows it (`No such file or directory (os error 2)`) for the usual cases. */
function ioErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory (os error 2)';
    case 'EACCES':
      return 'Permission denied (os error 13)';
    case 'EISDIR':
      return 'Is a directory (os error 21)';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
