import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import jwt from 'jsonwebtoken';
import { startFakeModelServer } from './fake-model-server.js';
import type { FakeModelServer, ScriptedReply } from './fake-model-server.js';
import { RpcTestClient } from './rpc-client.js';
import { startTestServer } from './server.js';
import type { TestServer } from './server.js';
import { mockProviderConfig } from './thread-server.js';

/** Multi-tenant mode (beyond the reference): `--ws-auth signed-bearer-token --tenant-claim sub`. */

const SECRET = 'tenant-test-shared-secret-of-at-least-32-bytes';

export function tokenFor(claims: Record<string, unknown>): string {
  return jwt.sign({ exp: Math.floor(Date.now() / 1000) + 300, ...claims }, SECRET, { algorithm: 'HS256' });
}

export interface TenantRig {
  readonly server: TestServer;
  readonly workspaceRoot: string;
  readonly fake: FakeModelServer;
  connect(sub: string): Promise<RpcTestClient>;
}

/** A multi-tenant server (`--tenant-claim sub`) on the fake model; tenants connect with a JWT naming them. */
export async function startTenantServer(
  t: TestContext,
  replies: readonly ScriptedReply[] = [],
  configExtra = '',
): Promise<TenantRig> {
  const fake = await startFakeModelServer(t, replies);
  const workspaceRoot = await mkdtemp(join(tmpdir(), 'app-server-tenants-'));
  t.after(() => rm(workspaceRoot, { recursive: true, force: true }));
  const secretFile = join(workspaceRoot, '..', `${workspaceRoot.split('/').at(-1)}-secret`);
  await writeFile(secretFile, SECRET);
  t.after(() => rm(secretFile, { force: true }));
  const server = await startTestServer(
    t,
    {
      wsAuth: 'signed-bearer-token',
      wsSharedSecretFile: secretFile,
      tenantClaim: 'sub',
      tenantWorkspaceRoot: workspaceRoot,
    },
    mockProviderConfig(fake.baseUrl, configExtra),
  );
  const connect = async (sub: string) => {
    const client = await RpcTestClient.connect(server.url, { authorization: `Bearer ${tokenFor({ sub })}` });
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true });
    return client;
  };
  return { server, workspaceRoot, fake, connect };
}

