// Progress display for long commands, on a TTY only (stderr, redrawn in place):
// a bar for counted work (files read and checked) and a spinner with the elapsed
// time for one long request (the apply itself, which is all-or-nothing on the server).
import type { Out } from './io';

const WIDTH = 24;
const FRAMES = ['|', '/', '-', '\\'];
const CLEAR_LINE = '\r\u001b[K';

export interface Progress {
  /** Counted work: redraws at most every 50 ms, and always at the end. */
  count(label: string, done: number, total: number): void;
  /** Uncounted work: a spinner with seconds elapsed until the answer is called. */
  spin(label: string): () => void;
  /** Removes whatever is drawn. */
  clear(): void;
}

const SILENT: Progress = {
  count: () => undefined,
  spin: () => () => undefined,
  clear: () => undefined,
};

export function bar(done: number, total: number): string {
  const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`;
}

export function progressOf(out: Out, now: () => number = Date.now): Progress {
  if (!out.tty) return SILENT;
  let drawn = false;
  let lastDraw = 0;
  const draw = (text: string): void => {
    out.errRaw(`${CLEAR_LINE}${text}`);
    drawn = true;
  };
  const clear = (): void => {
    if (drawn) out.errRaw(CLEAR_LINE);
    drawn = false;
  };
  return {
    count: (label, done, total) => {
      const t = now();
      if (done < total && t - lastDraw < 50) return;
      lastDraw = t;
      draw(`${label} ${bar(done, total)} ${done}/${total}`);
    },
    spin: (label) => {
      const started = now();
      let frame = 0;
      const tick = (): void =>
        draw(
          `${FRAMES[frame++ % FRAMES.length] ?? ''} ${label} ${((now() - started) / 1000).toFixed(1)}s`,
        );
      tick();
      const timer = setInterval(tick, 100);
      timer.unref();
      return () => {
        clearInterval(timer);
        clear();
      };
    },
    clear,
  };
}
