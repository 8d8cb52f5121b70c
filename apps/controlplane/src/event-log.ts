// Proxy events as structured logs: connects and disconnects at info, every NACK
// at warn with the error text and the objects behind the rejected resources (so
// an operator can find what to fix without a config dump). ACKs and pushes are
// frequent and left to metrics and the registry.
import type { Logger } from 'pino';
import type { ProxyEvents, ProxyNode } from './contracts';

function who(node: ProxyNode): Record<string, string> {
  return {
    proxy: node.id,
    role: node.role,
    ...(node.gateway !== undefined ? { gateway: node.gateway } : {}),
    ...(node.service !== undefined ? { service: node.service } : {}),
  };
}

export function proxyEventLog(logger: Logger): ProxyEvents {
  return {
    connected: (node, stream) => logger.info({ ...who(node), stream }, 'data plane connected'),
    sent: () => undefined,
    acked: () => undefined,
    nacked: (node, nack) =>
      logger.warn(
        {
          ...who(node),
          type: nack.typeUrl,
          version: nack.version,
          error: nack.error.slice(0, 2000),
          objects: nack.objects,
        },
        'data plane rejected its config (NACK): it keeps its last accepted config',
      ),
    disconnected: (node) => logger.info(who(node), 'data plane disconnected'),
  };
}
