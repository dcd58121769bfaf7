import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import type { ServeOptions } from '../../src/cli.js';
import { startServer } from '../../src/main.js';
import { createSilentLogger } from '../../src/util/logger.js';
import { RpcTestClient } from './rpc-client.js';

/**
 * Our server on a websocket with `home` as HOME and `codexHome` as CODEX_HOME (nested in a fixture, so the skills
 * an import writes beside CODEX_HOME stay inside it), initialized; stopped in `t.after`.
 */
export async function startServerWithHome(t: TestContext, home: string, codexHome: string): Promise<RpcTestClient> {
  const options = { config: [], enable: [], disable: [], listen: { kind: 'websocket', host: '127.0.0.1', port: 0 } } as ServeOptions;
  const server = await startServer(options, { env: { ...process.env, HOME: home, CODEX_HOME: codexHome }, log: createSilentLogger() });
  t.after(() => server.close());
  const listener = server.websocket;
  if (!listener) throw new Error('server did not start a websocket listener');
  const client = await RpcTestClient.connect(listener.url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true });
  return client;
}

/**
 * A home and a repository holding Claude Code configuration of every kind the import reads, under `root`:
 * `root/home` (the HOME), `root/codex` (CODEX_HOME, with a commented config.toml), `root/repo` (MCP servers and
 * CLAUDE.md) and `root/repo2` (settings, hooks, skills, commands, subagents and `.claude/CLAUDE.md`).
 */
export async function writeClaudeFixture(root: string): Promise<{ home: string; codexHome: string; repo: string; repo2: string }> {
  const home = join(root, 'home');
  const codexHome = join(root, 'codex');
  const repo = join(root, 'repo');
  const files: Record<string, string> = {
    'home/.claude/settings.json': JSON.stringify({
      env: { FOO: 'bar', N: 1 },
      sandbox: { enabled: true },
      permissions: { allow: ['Bash(ls)'] },
      hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo hi' }] }] },
    }),
    'home/.claude.json': JSON.stringify({
      mcpServers: {
        web: { type: 'http', url: 'https://example.com/mcp' },
        docs: { command: 'npx', args: ['-y', 'docs-mcp'], env: { K: 'v' } },
      },
    }),
    'home/.claude/skills/my-skill/SKILL.md': '---\nname: my-skill\ndescription: Does things\n---\nBody of skill\n',
    'home/.claude/skills/not-a-skill/notes.txt': 'no SKILL.md here\n',
    'home/.claude/commands/hello.md': '---\ndescription: Say hello\n---\nSay hello to the user.\n',
    'home/.claude/commands/review.md': '---\ndescription: Review code\n---\nReview $ARGUMENTS carefully\n',
    'home/.claude/agents/tester.md': '---\nname: tester\ndescription: Runs tests\ntools: Bash\n---\nYou run tests.\n',
    'home/.claude/CLAUDE.md': 'Claude must follow the Claude Code style.\n',
    'codex/config.toml': '# my settings\nmodel = "m" # kept\n',
    'repo/CLAUDE.md': 'Repo rules for Claude.\n',
    'repo/.mcp.json': JSON.stringify({ mcpServers: { 'repo-srv': { command: 'node', args: ['s.js'] } } }),
    'repo/.claude/settings.json': JSON.stringify({ permissions: {} }),
    'repo2/.claude/settings.json': JSON.stringify({
      env: { A: 'b' },
      hooks: { Stop: [{ hooks: [{ type: 'command', command: 'x' }] }] },
    }),
    'repo2/.claude/skills/rs/SKILL.md': '---\nname: rs\ndescription: Repo skill\n---\nUse it.\n',
    'repo2/.claude/commands/c1.md': 'Summarise the open issues.\n',
    'repo2/.claude/agents/ag.md': '---\ndescription: A helper without a name, which is not imported\n---\nHelp out.\n',
    'repo2/.claude/CLAUDE.md': 'Use CLAUDE.md conventions.\n',
    'repo2/.codex/config.toml': '# repo settings\nmodel = "m"\n',
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return { home, codexHome, repo, repo2: join(root, 'repo2') };
}
