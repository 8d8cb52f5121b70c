// The IPC protocol between a benchmark process (handle.ts) and a data-plane worker
// process (worker-main.ts): numbered commands with one reply each, plus batched
// ACK and problem events pushed by the worker.
import type { AckEvent, ProxyProblem, ProxyState, SimulatedProxy } from './types';

export type WorkerCommand =
  | { id: number; op: 'connect'; proxies: SimulatedProxy[]; address: string }
  | { id: number; op: 'state' }
  | { id: number; op: 'disconnect' }
  | { id: number; op: 'reconnect'; address: string }
  | { id: number; op: 'stop' };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'reply'; id: number; ok: true; result?: { proxies: ProxyState[] } }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'acks'; batch: AckEvent[] }
  | { type: 'problems'; batch: ProxyProblem[] };
