// The push floor's client process (forked with tsx by grpc-push-floor.ts): opens N
// bidi streams to the parent's server over `connections` TCP connections, says HELLO
// on each, then answers every pushed message at once with its round number. Exits
// when the parent says "stop" or goes away.
import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import {
  HELLO,
  PUSH_FLOOR_PATH,
  pushFloorMethod,
  roundMessage,
  roundOf,
  type PushFloorClientConfig,
  type PushFloorClientMessage,
} from './push-floor-wire';

const config = JSON.parse(process.argv[2] ?? '{}') as PushFloorClientConfig;
const send = (message: PushFloorClientMessage): void => void process.send?.(message);
let stopping = false;

const clients: Client[] = [];
for (let i = 0; i < Math.max(1, config.connections); i++)
  clients.push(
    new Client(config.address, credentials.createInsecure(), {
      // Its own subchannel, hence its own TCP connection, per client.
      'grpc.use_local_subchannel_pool': 1,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    }),
  );

const calls: ClientDuplexStream<Buffer, Buffer>[] = [];
for (let i = 0; i < config.streams; i++) {
  const client = clients[i % clients.length] as Client;
  const call = client.makeBidiStreamRequest(
    PUSH_FLOOR_PATH,
    pushFloorMethod.requestSerialize,
    pushFloorMethod.responseDeserialize,
  );
  call.on('data', (message: Buffer) => call.write(roundMessage(roundOf(message), 4)));
  call.on('error', (error: Error) => {
    if (!stopping) send({ type: 'failed', message: `stream ${i}: ${error.message}` });
  });
  call.write(roundMessage(HELLO, 4));
  calls.push(call);
}
send({ type: 'opened', streams: calls.length });

function stop(): void {
  if (stopping) return;
  stopping = true;
  for (const call of calls) call.cancel();
  for (const client of clients) client.close();
  setTimeout(() => process.exit(0), 50).unref();
}
process.on('message', (message: unknown) => {
  if (message === 'stop') stop();
});
process.on('disconnect', stop);
