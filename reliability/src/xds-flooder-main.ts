// The flooding data plane of the xDS abuse scenario as its own process, so the flood's
// sending does not share an event loop with the clients whose latency is measured.
// Reads its orders from XDS_FLOOD (JSON: port, token, node, edsNames, perSecond),
// prints "flooding" once its first stream is open, floods until SIGTERM, then prints
// one JSON line of FloodFigures and exits.
import { Flooder } from './xds-abuse';

const orders = JSON.parse(process.env['XDS_FLOOD'] ?? '{}') as {
  port: number;
  token: string;
  node: { id: string; metadata: Record<string, unknown> };
  edsNames: [string[], string[]];
  perSecond: number;
};
const flooder = new Flooder(
  orders.port,
  orders.node,
  orders.token,
  orders.edsNames,
  orders.perSecond,
);
flooder.start();
process.stdout.write('flooding\n');
process.once('SIGTERM', () => {
  void flooder.stop().then((figures) => {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    process.exit(0);
  });
});
