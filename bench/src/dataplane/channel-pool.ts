// gRPC channels for the simulated proxies: one channel (its own HTTP/2 connection,
// through a local subchannel pool) per `perChannel` proxies, waited on until ready.
import { Client, credentials, type ChannelOptions } from '@grpc/grpc-js';

const OPTIONS: ChannelOptions = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

export class ChannelPool {
  private readonly clients: Client[] = [];
  private assigned = 0;

  constructor(
    private address: string,
    private readonly perChannel: number,
  ) {}

  get size(): number {
    return this.clients.length;
  }

  /** The channel for the next proxy (a new one every `perChannel` proxies). */
  next(): Client {
    const index = Math.floor(this.assigned / this.perChannel);
    this.assigned += 1;
    let client = this.clients[index];
    if (client === undefined) {
      client = new Client(this.address, credentials.createInsecure(), OPTIONS);
      this.clients.push(client);
    }
    return client;
  }

  /** Resolves when every channel is connected (rejects after `timeoutMs`). */
  async ready(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      this.clients.map(
        (client) =>
          new Promise<void>((resolve, reject) =>
            client.waitForReady(deadline, (error) => (error ? reject(error) : resolve())),
          ),
      ),
    );
  }

  close(): void {
    for (const client of this.clients.splice(0)) client.close();
    this.assigned = 0;
  }

  /** Closes every channel; the next ones go to `address`. */
  retarget(address: string): void {
    this.close();
    this.address = address;
  }
}
