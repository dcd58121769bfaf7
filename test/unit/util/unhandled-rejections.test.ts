import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { logUnhandledRejections } from '../../../src/util/unhandled-rejections.js';
import { capturedLog } from '../../helpers/captured-log.js';

describe('logUnhandledRejections', () => {
  it('logs the reason and its stack at level error', () => {
    const source = new EventEmitter();
    const { log, text } = capturedLog('error');
    logUnhandledRejections(source, log);
    source.emit('unhandledRejection', new Error('detached work broke'));
    const line = JSON.parse(text()) as { level: number; msg: string; err: { message: string; stack: string } };
    assert.equal(line.level, 50);
    assert.match(line.msg, /unhandled promise rejection/);
    assert.equal(line.err.message, 'detached work broke');
    assert.match(line.err.stack, /unhandled-rejections\.test\.ts/);
  });
});
