// A minimal Server-Sent Events reader for tests: connects with fetch and yields events.
export interface SseEvent {
  event: string;
  id: string;
  data: unknown;
}

export interface SseStream {
  status: number;
  /** Waits for the next event (rejects after timeoutMs). */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Reads events until one satisfies the predicate. */
  until(predicate: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

export async function openSse(url: string, token: string): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: SseEvent[] = [];

  const pump = async (deadline: number): Promise<void> => {
    while (queue.length === 0) {
      if (!reader) throw new Error(`no stream (status ${response.status})`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('timed out waiting for an SSE event');
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('timed out waiting for an SSE event')),
            remaining,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) throw new Error('stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .map((line) => [
              line.slice(0, line.indexOf(':')),
              line.slice(line.indexOf(':') + 1).trim(),
            ]),
        );
        queue.push({
          event: fields['event'] ?? 'message',
          id: fields['id'] ?? '',
          data: fields['data'] === undefined ? undefined : JSON.parse(fields['data']),
        });
      }
    }
  };

  return {
    status: response.status,
    async next(timeoutMs = 5_000) {
      await pump(Date.now() + timeoutMs);
      return queue.shift() as SseEvent;
    },
    async until(predicate, timeoutMs = 5_000) {
      const seen: SseEvent[] = [];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await pump(deadline);
        const e = queue.shift() as SseEvent;
        seen.push(e);
        if (predicate(e)) return seen;
      }
    },
    close: () => controller.abort(),
  };
}
