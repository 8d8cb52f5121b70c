// What a stream protocol (SotW or Delta) offers the stream session: it takes the
// client's requests (subscriptions, ACKs, NACKs) and, for a snapshot, says which
// responses are due now, in PUSH_ORDER, already encoded.
import type { ProxyEvents, ProxyNode, ProxySnapshot } from '../contracts';
import { rejectedObjects } from './resource-selection';

export interface OutgoingResponse {
  typeUrl: string;
  version: string;
  bytes: Uint8Array;
  changeSeenAt: number;
}

export interface StreamProtocol<Request> {
  /** The request's type URL (requests of unknown types are ignored by the session). */
  typeUrlOf(request: Request): string;
  /** Applies a request; true when responses may now be due. */
  handle(request: Request): boolean;
  /** Responses due for `snapshot`, in push order; marks them as sent. */
  responses(snapshot: ProxySnapshot): OutgoingResponse[];
}

/** What a protocol needs from its stream: who it is and where events go. */
export interface ProtocolContext {
  node: ProxyNode;
  events: ProxyEvents;
  nextNonce(): string;
  /**
   * The snapshot's own string for a requested resource name when it has one, so the
   * names a stream subscribes to are not a copy per stream; else `name`.
   */
  intern(typeUrl: string, name: string): string;
}

/** What a protocol remembers of a response it sent, enough to report its ACK or NACK. */
export interface SentResources {
  version: string;
  names: string[];
  snapshot: ProxySnapshot;
}

/** Reports the client's answer to `sent`: an ACK, or a NACK with the objects behind what it rejected. */
export function reportAnswer(
  context: ProtocolContext,
  typeUrl: string,
  sent: SentResources,
  errorDetail: { message: string } | undefined,
): void {
  const { node, events } = context;
  if (errorDetail === undefined) {
    events.acked(node, {
      typeUrl,
      version: sent.version,
      changeSeenAt: sent.snapshot.changeSeenAt,
    });
    return;
  }
  events.nacked(node, {
    typeUrl,
    version: sent.version,
    error: errorDetail.message,
    objects: rejectedObjects(sent.snapshot, typeUrl, sent.names, errorDetail.message),
  });
}
