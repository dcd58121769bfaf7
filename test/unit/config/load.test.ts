import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, type ConfigWarning } from '../../../src/config/load.js';
import { featureOverride, parseConfigOverride } from '../../../src/config/overrides.js';
import { providerDefaults } from '../../../src/config/schema.js';
import { StartupError } from '../../../src/util/startup-error.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const SUMMARY = 'Invalid configuration; using defaults.';

function load(codexHome: string, overrides: string[] = []) {
  return loadConfig({ codexHome, overrides: overrides.map(parseConfigOverride) });
}

/** The warning the reference sends for a bad value at line:column..endColumn of config.toml. */
function valueWarning(codexHome: string, line: number, column: number, endColumn: number, message: string): ConfigWarning {
  const path = join(codexHome, 'config.toml');
  return {
    summary: SUMMARY,
    details: `${path}:${line}:${column}: ${message}`,
    path,
    range: { start: { line, column }, end: { line, column: endColumn } },
  };
}

describe('loadConfig', () => {
  it('treats a missing config.toml as an empty configuration', async (t) => {
    const home = await makeTempHome(t);
    const loaded = await load(home);
    assert.deepEqual(loaded, {
      codexHome: home,
      configPath: join(home, 'config.toml'),
      table: {},
      // smol-toml's tables have no prototype.
      fileTable: Object.create(null) as Record<string, unknown>,
      overrides: [],
      config: {},
      warnings: [],
    });
  });

  it('reads and validates the keys a server needs', async (t) => {
    const home = await makeTempHome(
      t,
      [
        'model = "gpt-5.5"',
        'model_provider = "mock"',
        'approval_policy = "never"',
        'sandbox_mode = "workspace-write"',
        'notify = ["notify-send"]',
        '[model_providers.mock]',
        'name = "Mock"',
        'base_url = "http://127.0.0.1:1/v1"',
        'env_key = "MOCK_KEY"',
        'http_headers = { "x-extra" = "1" }',
        'request_attestation = true',
        '[sandbox_workspace_write]',
        'network_access = true',
        '[projects."/tmp/work"]',
        'trust_level = "trusted"',
        '[features]',
        'memories = true',
      ].join('\n'),
    );
    const { config, warnings } = await load(home);
    assert.deepEqual(warnings, []);
    assert.equal(config.model, 'gpt-5.5');
    assert.equal(config.approval_policy, 'never');
    assert.equal(config.sandbox_mode, 'workspace-write');
    assert.deepEqual(config.notify, ['notify-send']);
    assert.deepEqual(config.model_providers?.['mock'], {
      name: 'Mock',
      base_url: 'http://127.0.0.1:1/v1',
      env_key: 'MOCK_KEY',
      http_headers: { 'x-extra': '1' },
      request_attestation: true,
    });
    assert.equal(config.sandbox_workspace_write?.network_access, true);
    assert.equal(config.projects?.['/tmp/work']?.trust_level, 'trusted');
    assert.deepEqual(config.features, { memories: true });
  });

  it('keeps unknown keys and sections without complaint', async (t) => {
    const home = await makeTempHome(t, 'mystery = 1\n[unknown_section]\nanswer = 42\n[model_providers.x]\nname = "X"\nfoo = "bar"\n');
    const { table, config, warnings } = await load(home);
    assert.deepEqual(warnings, []);
    assert.deepEqual(table['unknown_section'], { answer: 42 });
    assert.deepEqual(config, {
      mystery: 1,
      unknown_section: { answer: 42 },
      model_providers: { x: { name: 'X', foo: 'bar' } },
    });
  });

  it('lets overrides beat file values', async (t) => {
    const home = await makeTempHome(t, 'model = "from-file"\nmodel_verbosity = "low"\n[features]\napps = true\n');
    const loaded = await loadConfig({
      codexHome: home,
      overrides: [parseConfigOverride('model="from-cli"'), featureOverride('apps', false), featureOverride('goals', true)],
    });
    assert.equal(loaded.config.model, 'from-cli');
    assert.equal(loaded.config.model_verbosity, 'low');
    assert.deepEqual(loaded.config.features, { apps: false, goals: true });
    assert.equal(loaded.table['model'], 'from-cli');
  });

  it('validates the merged table, so an override can fix a bad file value', async (t) => {
    const home = await makeTempHome(t, 'model = "a"\napproval_policy = 5\n');
    const { config, warnings } = await load(home, ['approval_policy=never']);
    assert.deepEqual(warnings, []);
    assert.equal(config.model, 'a');
    assert.equal(config.approval_policy, 'never');
  });

  it('warns about a TOML syntax error, drops the file and keeps the overrides', async (t) => {
    const home = await makeTempHome(t, 'model = "a"\nfoo = = 1\n');
    const { table, config, warnings } = await load(home, ['model_verbosity="high"']);
    assert.equal(warnings.length, 1);
    const [warning] = warnings;
    const path = join(home, 'config.toml');
    assert.equal(warning?.summary, SUMMARY);
    assert.equal(warning?.path, path);
    assert.deepEqual(warning?.range, { start: { line: 2, column: 7 }, end: { line: 2, column: 7 } });
    assert.ok(warning?.details?.startsWith(`${path}:2:7: `), warning?.details ?? '');
    assert.deepEqual(table, { model_verbosity: 'high' });
    assert.deepEqual(config, { model_verbosity: 'high' });
  });

  it('warns about a wrongly typed known key the way the toml crate words it', async (t) => {
    const home = await makeTempHome(t, 'model = "a"\napproval_policy = 5\n');
    const { table, warnings } = await load(home);
    assert.deepEqual(warnings, [valueWarning(home, 2, 19, 19, 'wanted string or table')]);
    assert.deepEqual(table, {}, 'the whole file is dropped');
  });

  it('warns about an unknown enum variant with the range of the value', async (t) => {
    const home = await makeTempHome(t, 'approval_policy = "sometimes"\n');
    const { warnings } = await load(home);
    assert.deepEqual(warnings, [
      valueWarning(
        home,
        1,
        19,
        29,
        'unknown variant `sometimes`, expected one of `untrusted`, `on-failure`, `on-request`, `granular`, `never`',
      ),
    ]);
  });

  it('rejects wire_api = "chat" with the reference text', async (t) => {
    const home = await makeTempHome(t, '[model_providers.x]\nname = "X"\nbase_url = "http://h"\nwire_api = "chat"');
    const { warnings } = await load(home);
    assert.deepEqual(warnings, [
      valueWarning(
        home,
        4,
        12,
        17,
        '`wire_api = "chat"` is no longer supported.\n' +
          'How to fix: set `wire_api = "responses"` in your provider config.\n' +
          'More info: https://github.com/openai/codex/discussions/7782',
      ),
    ]);
  });

  it('reports the first problem in document order', async (t) => {
    const verbosityFirst = await makeTempHome(t, 'model_verbosity = "huge"\nmodel = 5\n');
    assert.deepEqual((await load(verbosityFirst)).warnings, [
      valueWarning(verbosityFirst, 1, 19, 24, 'unknown variant `huge`, expected one of `low`, `medium`, `high`'),
    ]);
    const modelFirst = await makeTempHome(t, 'model = 5\nmodel_verbosity = "huge"\n');
    assert.deepEqual((await load(modelFirst)).warnings, [
      valueWarning(modelFirst, 1, 9, 9, 'invalid type: integer `5`, expected a string'),
    ]);
  });

  it('locates values under headers, dotted keys, inline tables and arrays', async (t) => {
    const cases: [string, number, number, number, string][] = [
      ['[model_providers.x]\nname = "X"\nbase_url = 5', 3, 12, 12, 'invalid type: integer `5`, expected a string'],
      ['model_providers.x.base_url = 5\n', 1, 30, 30, 'invalid type: integer `5`, expected a string'],
      ['[model_providers.x]\nquery_params = { a = 1 }\n', 2, 22, 22, 'invalid type: integer `1`, expected a string'],
      ['[features]\nfoo = "yes"', 2, 7, 11, 'invalid type: string "yes", expected a boolean'],
      ['[sandbox_workspace_write]\nwritable_roots = [1]', 2, 19, 19, 'invalid type: integer `1`, expected path string'],
      ['model_verbosity = [1, 2]', 1, 19, 24, 'wanted string or table'],
      ['model = { a = 1 }', 1, 9, 17, 'invalid type: map, expected a string'],
      ['[[model_providers]]\nname = 5', 1, 1, 19, 'invalid type: sequence, expected a map'],
      ['model_context_window = "big"', 1, 24, 28, 'invalid type: string "big", expected i64'],
    ];
    for (const [toml, line, column, endColumn, message] of cases) {
      const home = await makeTempHome(t, toml);
      assert.deepEqual((await load(home)).warnings, [valueWarning(home, line, column, endColumn, message)], toml);
    }
  });

  it('fails startup on a wrongly typed override with the reference text', async (t) => {
    const home = await makeTempHome(t);
    const cases: [string, string][] = [
      ['model=5', 'invalid type: integer `5`, expected a string\nin `model`\n'],
      ['approval_policy=5', 'invalid type: unit variant, expected string only\nin `approval_policy`\n'],
      ['features.foo="yes"', 'invalid type: string "yes", expected a boolean\nin `features`\n'],
      ['notify=[1]', 'invalid type: integer `1`, expected a string\nin `notify`\n'],
      [
        'model_providers.x.request_max_retries=-1',
        'invalid value: integer `-1`, expected u64\nin `model_providers.x.request_max_retries`\n',
      ],
      [
        'model_providers.x.wire_api="foo"',
        'unknown variant `foo`, expected `responses`\nin `model_providers.x.wire_api`\n',
      ],
      ['profiles.p=1', 'invalid type: integer `1`, expected struct ConfigProfile\nin `profiles.p`\n'],
      ['model_providers.x.base_url="u"', 'model_providers.x: provider name must not be empty\nin `model_providers`\n'],
    ];
    for (const [override, message] of cases) {
      await assert.rejects(load(home, [override]), (error: unknown) => {
        assert.ok(error instanceof StartupError, override);
        assert.equal(error.message, message, override);
        return true;
      });
    }
  });

  it('fails startup when the file is unusable and an override is wrong, chaining both like anyhow', async (t) => {
    const home = await makeTempHome(t, 'model = 5\n');
    await assert.rejects(load(home, ['model_verbosity="huge"']), {
      name: 'StartupError',
      message:
        `${join(home, 'config.toml')}:1:9: invalid type: integer \`5\`, expected a string\n\nCaused by:\n` +
        '    unknown variant `huge`, expected one of `low`, `medium`, `high`\n    in `model_verbosity`\n    ',
    });
  });

  it('warns when config.toml is not a file', async (t) => {
    const home = await makeTempHome(t);
    const path = join(home, 'config.toml');
    await mkdir(path);
    const { warnings } = await load(home);
    assert.deepEqual(warnings, [
      { summary: SUMMARY, details: `Failed to read config file ${path}: path \`${path}\` is not a file`, path: null, range: null },
    ]);
  });

  it('warns when config.toml is not UTF-8, with Rust\'s wording', async (t) => {
    const home = await makeTempHome(t);
    const path = join(home, 'config.toml');
    await writeFile(path, Buffer.concat([Buffer.from('model = "'), Buffer.from([0xff]), Buffer.from('"\n')]));
    const { warnings } = await load(home);
    assert.deepEqual(warnings, [
      {
        summary: SUMMARY,
        details: `Failed to read config file ${path}: invalid utf-8 sequence of 1 bytes from index 9`,
        path: null,
        range: null,
      },
    ]);
  });
});

describe('providerDefaults', () => {
  it('fills in the reference defaults for retries, idle timeout and wire API', () => {
    assert.deepEqual(providerDefaults({ name: 'X' }), {
      name: 'X',
      wire_api: 'responses',
      request_max_retries: 4,
      stream_max_retries: 5,
      stream_idle_timeout_ms: 300_000,
    });
  });

  it('keeps written values and caps retries at 100', () => {
    const provider = { name: 'X', request_max_retries: 1000, stream_max_retries: 0, stream_idle_timeout_ms: 5 };
    assert.deepEqual(providerDefaults(provider), { ...provider, wire_api: 'responses', request_max_retries: 100 });
    assert.equal(provider.request_max_retries, 1000, 'the input is not modified');
  });
});
