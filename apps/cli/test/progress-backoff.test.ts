// The pieces of long-running commands: the TTY progress display, the sync back-off
// schedule and the status message cut.
import { describe, expect, it } from 'vitest';
import { outOf } from '../src/io';
import { bar, progressOf } from '../src/progress';
import { nextDelayMs, sleep } from '../src/sync/backoff';
import { truncateUtf8 } from '../src/sync/syncer';
import { PassThrough } from 'node:stream';

function captured(tty: boolean): { out: ReturnType<typeof outOf>; text: () => string } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  return { out: outOf({ stdout: new PassThrough(), stderr, tty }), text: () => text };
}

describe('progress display', () => {
  it('draws a bar in place on a TTY and ends with the total', async () => {
    const { out, text } = captured(true);
    let t = 0;
    const progress = progressOf(out, () => t);
    for (let done = 1; done <= 200; done++) {
      t += 1;
      progress.count('reading files', done, 200);
    }
    progress.clear();
    await new Promise((r) => setImmediate(r));
    const frames = text().split('\r\u001b[K').filter(Boolean);
    // Throttled to one frame per 50 ms of work, plus the final one.
    expect(frames.length).toBeLessThanOrEqual(6);
    expect(frames.at(-1)).toBe(`reading files ${bar(200, 200)} 200/200`);
    expect(bar(1, 4)).toBe(`[${'#'.repeat(6)}${'-'.repeat(18)}]`);
  });

  it('spins with the elapsed time until stopped, and draws nothing without a TTY', async () => {
    const { out, text } = captured(true);
    const stop = progressOf(out).spin('applying 3 objects');
    await new Promise((r) => setTimeout(r, 250));
    stop();
    await new Promise((r) => setImmediate(r));
    expect(text()).toMatch(/applying 3 objects \d\.\ds/);
    expect(text().endsWith('\r\u001b[K')).toBe(true);

    const plain = captured(false);
    const silent = progressOf(plain.out);
    silent.count('reading files', 1, 1);
    silent.spin('applying')();
    await new Promise((r) => setImmediate(r));
    expect(plain.text()).toBe('');
  });
});

describe('sync back-off', () => {
  it('waits the interval when healthy and doubles per failure up to the cap, with jitter', () => {
    const exact = (): number => 0.5;
    expect(nextDelayMs(30_000, 0, 300_000, exact)).toBe(30_000);
    expect([1, 2, 3, 4, 5, 6].map((n) => nextDelayMs(30_000, n, 300_000, exact))).toEqual([
      30_000, 60_000, 120_000, 240_000, 300_000, 300_000,
    ]);
    expect(nextDelayMs(30_000, 2, 300_000, () => 0)).toBe(54_000);
    expect(nextDelayMs(30_000, 2, 300_000, () => 1)).toBe(66_000);
    // A cap below the interval never shortens the interval.
    expect(nextDelayMs(600_000, 3, 300_000, exact)).toBe(600_000);
  });

  it('sleep ends early when aborted', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const slept = sleep(10_000, stop.signal);
    stop.abort();
    await slept;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('cuts status messages at a UTF-8 byte budget without splitting a character', () => {
    expect(truncateUtf8('short', 8000)).toBe('short');
    const long = 'é'.repeat(5000);
    const cut = truncateUtf8(long, 8000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(8000);
    expect(cut.endsWith('é...')).toBe(true);
  });
});
