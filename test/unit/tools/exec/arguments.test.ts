import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExecCommandArguments, parseWriteStdinArguments } from '../../../../src/tools/exec/arguments.js';

/** Each answer below was probed against the reference 0.169.0 with the same arguments. */
const EXEC_COMMAND_ERRORS: readonly (readonly [string, string])[] = [
  ['{"cmd":5}', 'invalid type: integer `5`, expected a string at line 1 column 8'],
  ['not json', 'expected ident at line 1 column 2'],
  ['', 'EOF while parsing a value at line 1 column 0'],
  ['{"login":false}', 'missing field `cmd` at line 1 column 15'],
  ['{"cmd":"true","login":"yes"}', 'invalid type: string "yes", expected a boolean at line 1 column 27'],
  ['{"cmd":"true","yield_time_ms":-1}', 'invalid value: integer `-1`, expected u64 at line 1 column 32'],
  ['{"cmd":"true","yield_time_ms":1.5}', 'invalid type: floating point `1.5`, expected u64 at line 1 column 33'],
  ['{"cmd":"true","yield_time_ms":2.0}', 'invalid type: floating point `2.0`, expected u64 at line 1 column 33'],
  ['{"cmd":"true","yield_time_ms":1e-7}', 'invalid type: floating point `1e-7`, expected u64 at line 1 column 34'],
  ['{"cmd":"true","yield_time_ms":null}', 'invalid type: null, expected u64 at line 1 column 34'],
  ['{"cmd":"true",\n "tty": 1}', 'invalid type: integer `1`, expected a boolean at line 2 column 9'],
  ['{"cmd":"true","max_output_tokens":-1}', 'invalid value: integer `-1`, expected usize at line 1 column 36'],
  [
    '{"cmd":"true","sandbox_permissions":"bogus"}',
    'unknown variant `bogus`, expected one of `use_default`, `require_escalated`, `with_additional_permissions` at line 1 column 43',
  ],
  ['{"cmd":"true","sandbox_permissions":1}', 'expected value at line 1 column 37'],
  ['{"cmd":"true","prefix_rule":["a",1]}', 'invalid type: integer `1`, expected a string at line 1 column 34'],
  ['{"cmd":"true","cmd":"false"}', 'duplicate field `cmd` at line 1 column 19'],
  // A syntax error anywhere comes first: the reference reads `workdir` in a first pass over the whole object.
  ['{"cmd":{"a" 1}}', 'expected `:` at line 1 column 13'],
  ['{"cmd":"true",}', 'trailing comma at line 1 column 15'],
  ['{"cmd":"true"} x', 'trailing characters at line 1 column 16'],
];

describe('exec_command arguments', () => {
  for (const [input, expected] of EXEC_COMMAND_ERRORS) {
    it(`rejects ${JSON.stringify(input)} in serde's words`, () => {
      assert.deepEqual(parseExecCommandArguments(input), {
        ok: false,
        message: `failed to parse function arguments: ${expected}`,
      });
    });
  }

  it('accepts nulls for omitted optional fields and ignores unknown fields', () => {
    const parsed = parseExecCommandArguments('{"cmd":"ls","workdir":null,"login":false,"foo":1,"foo":2,"tty":true}');
    assert.deepEqual(parsed, { ok: true, value: { cmd: 'ls', workdir: null, login: false, tty: true } });
  });
});

describe('write_stdin arguments', () => {
  it('requires an i32 session_id', () => {
    assert.deepEqual(parseWriteStdinArguments('{}'), {
      ok: false,
      message: 'failed to parse function arguments: missing field `session_id` at line 1 column 2',
    });
    assert.deepEqual(parseWriteStdinArguments('{"session_id":3000000000}'), {
      ok: false,
      message:
        'failed to parse function arguments: invalid value: integer `3000000000`, expected i32 at line 1 column 24',
    });
    assert.deepEqual(parseWriteStdinArguments('{"session_id":"12"}'), {
      ok: false,
      message: 'failed to parse function arguments: invalid type: string "12", expected i32 at line 1 column 18',
    });
  });

  it('reads a wrongly typed chars or yield_time_ms as omitted, as the reference does', () => {
    const lenient = parseWriteStdinArguments('{"session_id":7,"chars":5,"yield_time_ms":null}');
    assert.ok(lenient.ok);
    assert.equal(lenient.value.session_id, 7);
    assert.equal(lenient.value.chars ?? undefined, undefined);
    assert.equal(lenient.value.yield_time_ms ?? undefined, undefined);
    assert.deepEqual(parseWriteStdinArguments('{"session_id":7,"chars":"ls\\n"}'), {
      ok: true,
      value: { session_id: 7, chars: 'ls\n' },
    });
  });
});
