import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadReferenceSchema, stableClientRequestMethods } from '../helpers/reference-schema.js';
import { RpcTestClient } from '../helpers/rpc-client.js';
import { PROJECT_ROOT, startTestServer } from '../helpers/server.js';

const DOC = join(PROJECT_ROOT, 'docs/methods.md');
const BEGIN = '<!-- experimental-methods:begin -->';
const END = '<!-- experimental-methods:end -->';

/** The block docs/methods.md#experimental-methods holds between its markers, for these two sets of methods. */
function experimentalBlock(answered: readonly string[], unsupported: readonly string[]): string {
  const list = (methods: readonly string[]) => [...methods].sort().map((method) => `\`${method}\``).join(', ');
  return [
    BEGIN,
    `Answered (${answered.length}): ${list(answered)}.`,
    '',
    `Answered \`-32601 <method> is not supported yet\` (${unsupported.length}): ${list(unsupported)}.`,
    END,
  ].join('\n');
}

/**
 * docs/methods.md lists which of the reference's experimental methods this server answers. The list is made the way
 * stable-surface-answered.test.ts checks the stable surface: every client method of the reference's schema
 * generated with `--experimental`, less those of the schema generated without it, is called on our server (with
 * the experimental API on and empty params); a method is answered unless it says `-32601`. When the list in the doc
 * is out of date this fails and prints the block to paste in.
 */
describe('docs/methods.md lists the experimental methods this server answers', () => {
  it('matches what the server answers', async (t) => {
    const stable = new Set(await stableClientRequestMethods());
    const experimental = (await loadReferenceSchema()).clientRequestMethods.filter((method) => !stable.has(method));
    assert.ok(experimental.length > 0, 'the reference schema has experimental methods');

    const server = await startTestServer(t, {}, 'model = "m"\n');
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true });
    const answered: string[] = [];
    const unsupported: string[] = [];
    for (const method of experimental) {
      const response = await client.request(method, {});
      const code = (response['error'] as { code?: number } | undefined)?.code;
      (code === -32601 ? unsupported : answered).push(method);
    }

    const doc = await readFile(DOC, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    assert.ok(start >= 0 && end > start, `docs/methods.md has no ${BEGIN} … ${END} block`);
    const expected = experimentalBlock(answered, unsupported);
    assert.equal(doc.slice(start, end + END.length), expected, `docs/methods.md is out of date; its block is now:\n${expected}\n`);
  });
});
