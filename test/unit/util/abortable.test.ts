import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { untilAborted } from '../../../src/util/abortable.js';

describe('untilAborted', () => {
  it('settles as the work does while the signal stays quiet', async () => {
    const controller = new AbortController();
    assert.equal(await untilAborted(Promise.resolve(7), controller.signal), 7);
    await assert.rejects(untilAborted(Promise.reject(new Error('broke')), controller.signal), /broke/);
  });

  it('stops waiting when the signal aborts, leaving the work to finish for others', async () => {
    const controller = new AbortController();
    let finish: (value: string) => void = () => {};
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const waiting = untilAborted(work, controller.signal);
    controller.abort(new Error('client left'));
    await assert.rejects(waiting, /client left/);
    finish('cached');
    assert.equal(await work, 'cached');
  });

  it('rejects at once for a signal that already aborted', async () => {
    await assert.rejects(untilAborted(new Promise(() => {}), AbortSignal.abort(new Error('gone'))), /gone/);
  });
});
