// Parses a Server-Sent Events byte stream (the API's watch) into events.

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** Yields each event of an SSE body; ends when the stream ends. */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let current: { event: string; id?: string; data: string[] } = { event: 'message', data: [] };
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (current.data.length > 0 || current.event !== 'message')
            yield {
              event: current.event,
              data: current.data.join('\n'),
              ...(current.id === undefined ? {} : { id: current.id }),
            };
          current = { event: 'message', data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') current.event = value;
        else if (field === 'data') current.data.push(value);
        else if (field === 'id') current.id = value;
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
