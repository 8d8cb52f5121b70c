// What a stream protocol (SotW or Delta) offers the stream session: it takes the
// client's requests (subscriptions, ACKs, NACKs) and, for a snapshot, says which
// responses are due now, in PUSH_ORDER, already encoded.
import type { ProxyEvents, ProxyNode, ProxySnapshot } from '../contracts';

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
}
