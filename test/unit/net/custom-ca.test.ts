import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configuredCaBundle, CustomCaError, loadCustomCa } from '../../../src/net/custom-ca.js';
import { makeTempFile } from '../../helpers/temp-home.js';
import { makeTestCa } from '../../helpers/test-ca.js';

const HINT =
  'If you set CODEX_CA_CERTIFICATE or SSL_CERT_FILE, ensure it points to a PEM file containing one or more ' +
  'CERTIFICATE blocks, or unset it to use system roots.';

function failsWith(message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof CustomCaError);
    assert.equal(error.message, message);
    return true;
  };
}

describe('loadCustomCa', () => {
  it('selects CODEX_CA_CERTIFICATE, else SSL_CERT_FILE; empty values are unset', () => {
    assert.equal(configuredCaBundle({}), null);
    assert.deepEqual(configuredCaBundle({ CODEX_CA_CERTIFICATE: '', SSL_CERT_FILE: '/b.pem' }), {
      sourceEnv: 'SSL_CERT_FILE',
      path: '/b.pem',
    });
    assert.deepEqual(configuredCaBundle({ CODEX_CA_CERTIFICATE: '/a.pem', SSL_CERT_FILE: '/b.pem' }), {
      sourceEnv: 'CODEX_CA_CERTIFICATE',
      path: '/a.pem',
    });
  });

  it('names the variable, the path and the fix for a missing, empty or malformed file', async (t) => {
    assert.throws(
      () => loadCustomCa({ SSL_CERT_FILE: '/nonexistent/ca.pem' }),
      failsWith(
        `Failed to read CA certificate file /nonexistent/ca.pem selected by SSL_CERT_FILE: No such file or directory (os error 2). ${HINT}`,
      ),
    );
    const comments = await makeTempFile(t, 'comments.pem', '# nothing but a comment\n');
    assert.throws(
      () => loadCustomCa({ CODEX_CA_CERTIFICATE: comments }),
      failsWith(`Failed to load CA certificates from ${comments} selected by CODEX_CA_CERTIFICATE: no certificates found in PEM file. ${HINT}`),
    );
    const truncated = await makeTempFile(t, 'truncated.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n');
    assert.throws(() => loadCustomCa({ CODEX_CA_CERTIFICATE: truncated }), (error: unknown) => {
      assert.ok(error instanceof CustomCaError);
      assert.match(error.message, /selected by CODEX_CA_CERTIFICATE: failed to parse PEM file: missing section end marker/);
      return true;
    });
    const garbage = await makeTempFile(t, 'garbage.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assert.throws(() => loadCustomCa({ CODEX_CA_CERTIFICATE: garbage }), (error: unknown) => {
      assert.ok(error instanceof CustomCaError);
      assert.match(error.message, new RegExp(`^Failed to parse certificate #1 from ${garbage} selected by CODEX_CA_CERTIFICATE: `));
      return true;
    });
  });

  it('drops the trust settings of a TRUSTED CERTIFICATE and ignores CRLs', async (t) => {
    const ca = await makeTestCa(t);
    const path = await ca.file('mixed.pem', `${ca.crlPem}${ca.caTrustedPem}${ca.caPem}`);
    const bundle = loadCustomCa({ SSL_CERT_FILE: path });
    assert.equal(bundle?.certificates.length, 2);
    assert.equal(bundle?.certificates[0], bundle?.certificates[1]);
    assert.equal(bundle?.certificates[1]?.replace(/\s/g, ''), ca.caPem.replace(/\s/g, ''));
  });
});
