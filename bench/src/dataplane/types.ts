// The data-plane worker's public shapes (contract "Data-plane worker" of issue 8):
// what a simulated proxy is, what it reports (ACKs, problems) and the handle a
// benchmark drives a worker process through.
export interface SimulatedProxy {
  id: string;
  role: 'edge' | 'sidecar' | 'proxyless';
  gateway?: string;
  service?: string;
  workload?: string;
  token: string;
  protocol: 'sotw' | 'delta';
}

export interface AckEvent {
  proxyId: string;
  typeUrl: string;
  version: string;
  /** Encoded size of the DiscoveryResponse (or DeltaDiscoveryResponse) ACKed. */
  bytes: number;
  resources: number;
  /** Epoch ms float (performance.timeOrigin + performance.now()). */
  at: number;
}

export interface ProxyProblem {
  proxyId: string;
  kind: 'nack' | 'missing-reference' | 'stream-error';
  typeUrl?: string;
  message: string;
  at: number;
}

export interface ProxyState {
  id: string;
  /** Last ACKed version per type URL. */
  versions: Record<string, string>;
  /** Bytes received in total (every response, ACKed or not). */
  bytes: number;
}

export interface WorkerHandle {
  readonly pid: number;
  /** Resolves when every stream is open (not synced). */
  connect(proxies: SimulatedProxy[], xdsAddress: string): Promise<void>;
  /** Batched, flushed every <= 20 ms. Returns an unsubscribe function. */
  onAcks(listener: (batch: AckEvent[]) => void): () => void;
  onProblems(listener: (batch: ProxyProblem[]) => void): () => void;
  /** Per proxy: last ACKed version per typeUrl; bytes received total. */
  state(): Promise<{ proxies: ProxyState[] }>;
  disconnectAll(): Promise<void>;
  reconnectAll(xdsAddress: string): Promise<void>;
  stop(): Promise<void>;
}

/** Epoch milliseconds as a float. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
