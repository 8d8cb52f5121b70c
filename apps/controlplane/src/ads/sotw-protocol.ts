// State-of-the-world xDS per stream: per type URL, the subscription (legacy or
// explicit wildcard, or names), the last response (nonce, version, content digest)
// and what the client said about it. A response carries every subscribed resource of
// its type; it is sent only when that content differs from the last response.
import { PUSH_ORDER, type ProxySnapshot } from '../contracts';
import { encodeSotwResponse, type SotwRequest } from './discovery-messages';
import {
  reportAnswer,
  type OutgoingResponse,
  type ProtocolContext,
  type StreamProtocol,
} from './protocol';
import { contentDigest, selectEntries, WILDCARD, WILDCARD_TYPES } from './resource-selection';

interface SentResponse {
  nonce: string;
  version: string;
  digest: string;
  names: string[];
  snapshot: ProxySnapshot;
  answered: boolean;
}

interface TypeState {
  wildcard: boolean;
  /** Still in legacy wildcard mode: every request so far had an empty name list. */
  legacyWildcard: boolean;
  names: Set<string>;
  last: SentResponse | undefined;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

export class SotwProtocol implements StreamProtocol<SotwRequest> {
  private readonly types = new Map<string, TypeState>();

  constructor(private readonly context: ProtocolContext) {}

  typeUrlOf(request: SotwRequest): string {
    return request.typeUrl;
  }

  handle(request: SotwRequest): boolean {
    const typeUrl = request.typeUrl;
    let state = this.types.get(typeUrl);
    const first = state === undefined;
    if (state === undefined) {
      state = { wildcard: false, legacyWildcard: true, names: new Set(), last: undefined };
      this.types.set(typeUrl, state);
    }
    const changed = this.subscribe(typeUrl, state, request.resourceNames);
    const last = state.last;
    // A stale nonce answers an older response: only its subscription counts.
    if (last !== undefined && request.responseNonce === last.nonce && !last.answered) {
      last.answered = true;
      this.report(typeUrl, last, request);
    }
    return first || changed;
  }

  private subscribe(typeUrl: string, state: TypeState, requested: readonly string[]): boolean {
    const names = new Set(requested.filter((n) => n !== WILDCARD));
    if (requested.length > 0) state.legacyWildcard = false;
    const wildcard =
      requested.includes(WILDCARD) || (state.legacyWildcard && WILDCARD_TYPES.has(typeUrl));
    const changed = wildcard !== state.wildcard || !sameSet(names, state.names);
    state.wildcard = wildcard;
    state.names = names;
    return changed;
  }

  private report(typeUrl: string, sent: SentResponse, request: SotwRequest): void {
    reportAnswer(this.context, typeUrl, sent, request.errorDetail);
  }

  responses(snapshot: ProxySnapshot): OutgoingResponse[] {
    const out: OutgoingResponse[] = [];
    for (const typeUrl of PUSH_ORDER) {
      const state = this.types.get(typeUrl);
      if (state === undefined || (!state.wildcard && state.names.size === 0)) continue;
      const entries = selectEntries(snapshot, typeUrl, state);
      // Absence means "deleted" only for LDS and CDS; elsewhere an empty answer says nothing.
      if (entries.length === 0 && !WILDCARD_TYPES.has(typeUrl)) continue;
      const digest = contentDigest(entries);
      if (state.last?.digest === digest) continue;
      const version = snapshot.types.get(typeUrl)?.version ?? '';
      const nonce = this.context.nextNonce();
      const bytes = encodeSotwResponse({ versionInfo: version, typeUrl, nonce, entries });
      state.last = {
        nonce,
        version,
        digest,
        names: entries.map((e) => e.name),
        snapshot,
        answered: false,
      };
      out.push({ typeUrl, version, bytes, changeSeenAt: snapshot.changeSeenAt });
    }
    return out;
  }
}
