import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configuredBwrap } from '../../../../src/tools/sandbox/bwrap-setting.js';

describe('configuredBwrap', () => {
  it('takes CODEX_BWRAP_PATH over config.toml, and neither when both are unset or empty', () => {
    assert.deepEqual(configuredBwrap({ CODEX_BWRAP_PATH: '/opt/bwrap' }, '/usr/bin/bwrap'), {
      path: '/opt/bwrap',
      source: 'the CODEX_BWRAP_PATH environment variable',
    });
    assert.deepEqual(configuredBwrap({ CODEX_BWRAP_PATH: '' }, '/usr/bin/bwrap'), {
      path: '/usr/bin/bwrap',
      source: '`bwrap_path` in config.toml',
    });
    assert.equal(configuredBwrap({}, undefined), undefined);
    assert.equal(configuredBwrap({}, ''), undefined);
  });
});
