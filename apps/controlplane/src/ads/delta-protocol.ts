// Incremental (Delta) xDS per stream: per type URL, the subscription and the
// version of each resource the client holds (from initial_resource_versions and
// what was sent). A response carries only resources the client lacks or holds at
// another version, plus removed_resources for subscribed ones that disappeared.
import { PUSH_ORDER, type ProxySnapshot } from '../contracts';
import { encodeDeltaResponse, type DeltaRequest } from './discovery-messages';
import {
  reportAnswer,
  type OutgoingResponse,
  type ProtocolContext,
  type StreamProtocol,
} from './protocol';
import { selectEntries, WILDCARD, WILDCARD_TYPES } from './resource-selection';

/** Responses kept for matching ACKs and NACKs; older ones are forgotten. */
const MAX_IN_FLIGHT = 32;

interface SentResponse {
  version: string;
  names: string[];
  snapshot: ProxySnapshot;
}

interface TypeState {
  wildcard: boolean;
  names: Set<string>;
  /** name -> version the client holds. */
  held: Map<string, string>;
  /** Owed an answer even when nothing differs (first wildcard request). */
  owed: boolean;
  inFlight: Map<string, SentResponse>;
}

export class DeltaProtocol implements StreamProtocol<DeltaRequest> {
  private readonly types = new Map<string, TypeState>();

  constructor(private readonly context: ProtocolContext) {}

  typeUrlOf(request: DeltaRequest): string {
    return request.typeUrl;
  }

  handle(request: DeltaRequest): boolean {
    const typeUrl = request.typeUrl;
    let state = this.types.get(typeUrl);
    const first = state === undefined;
    if (state === undefined) {
      state = {
        wildcard: false,
        names: new Set(),
        held: new Map(request.initialVersions),
        owed: false,
        inFlight: new Map(),
      };
      this.types.set(typeUrl, state);
      if (request.subscribe.length === 0 && WILDCARD_TYPES.has(typeUrl)) state.wildcard = true;
    }
    for (const name of request.subscribe) {
      if (name === WILDCARD) state.wildcard = true;
      else state.names.add(name);
    }
    for (const name of request.unsubscribe) {
      if (name === WILDCARD) state.wildcard = false;
      else {
        state.names.delete(name);
        state.held.delete(name);
      }
    }
    if (first && state.wildcard) state.owed = true;
    const sent =
      request.responseNonce === '' ? undefined : state.inFlight.get(request.responseNonce);
    if (sent !== undefined) {
      state.inFlight.delete(request.responseNonce);
      this.report(typeUrl, sent, request);
    }
    return first || request.subscribe.length > 0 || request.unsubscribe.length > 0;
  }

  private report(typeUrl: string, sent: SentResponse, request: DeltaRequest): void {
    reportAnswer(this.context, typeUrl, sent, request.errorDetail);
  }

  responses(snapshot: ProxySnapshot): OutgoingResponse[] {
    const out: OutgoingResponse[] = [];
    for (const typeUrl of PUSH_ORDER) {
      const state = this.types.get(typeUrl);
      if (state === undefined) continue;
      const wanted = selectEntries(snapshot, typeUrl, state);
      const present = new Set(wanted.map((e) => e.name));
      const changed = wanted.filter((e) => state.held.get(e.name) !== e.version);
      const removed = [...state.held.keys()].filter((name) => !present.has(name)).sort();
      if (changed.length === 0 && removed.length === 0 && !state.owed) continue;
      state.owed = false;
      for (const entry of changed) state.held.set(entry.name, entry.version);
      for (const name of removed) state.held.delete(name);
      const version = snapshot.types.get(typeUrl)?.version ?? '';
      const nonce = this.context.nextNonce();
      const bytes = encodeDeltaResponse({
        systemVersionInfo: version,
        typeUrl,
        nonce,
        entries: changed,
        removed,
      });
      state.inFlight.set(nonce, { version, names: changed.map((e) => e.name), snapshot });
      if (state.inFlight.size > MAX_IN_FLIGHT) {
        const oldest = state.inFlight.keys().next();
        if (oldest.done !== true) state.inFlight.delete(oldest.value);
      }
      out.push({ typeUrl, version, bytes, changeSeenAt: snapshot.changeSeenAt });
    }
    return out;
  }
}
