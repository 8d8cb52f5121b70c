// The push floor's wire: one proto-less bidi method whose messages are raw bytes. A
// message starts with a 32-bit round number; HELLO registers a client stream.
import type { MethodDefinition } from '@grpc/grpc-js';

export const PUSH_FLOOR_PATH = '/crossway.bench.PushFloor/Push';
export const HELLO = 0xffffffff;

const raw = (value: Buffer): Buffer => value;

export const pushFloorMethod: MethodDefinition<Buffer, Buffer> = {
  path: PUSH_FLOOR_PATH,
  requestStream: true,
  responseStream: true,
  requestSerialize: raw,
  requestDeserialize: raw,
  responseSerialize: raw,
  responseDeserialize: raw,
};

/** A message of `bytes` (at least 4) carrying `round`. */
export function roundMessage(round: number, bytes: number): Buffer {
  const message = Buffer.alloc(Math.max(4, bytes));
  message.writeUInt32BE(round >>> 0, 0);
  return message;
}

export function roundOf(message: Buffer): number {
  return message.length >= 4 ? message.readUInt32BE(0) : -1;
}

/** What the parent tells the client process (argv[2], JSON). */
export interface PushFloorClientConfig {
  address: string;
  streams: number;
  /** TCP connections the streams are spread over (1 per stream: each like its own proxy). */
  connections: number;
}

/** What the client process tells the parent over IPC. */
export type PushFloorClientMessage =
  { type: 'opened'; streams: number } | { type: 'failed'; message: string };
