// What every command gets: the output streams and a client for the chosen server.
import { CrosswayClient } from '@crossway/client';
import { resolveConnection } from './context';
import type { Out } from './io';

export interface GlobalFlags {
  server?: string;
  token?: string;
  context?: string;
}

export interface RunContext {
  out: Out;
  client(): CrosswayClient;
}

export function makeContext(out: Out, globals: () => GlobalFlags): RunContext {
  return {
    out,
    client: () => {
      const connection = resolveConnection(globals(), out.env);
      return new CrosswayClient(connection);
    },
  };
}
