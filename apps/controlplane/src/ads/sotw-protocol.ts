// State-of-the-world xDS per stream: per type URL, the subscription (legacy or
// explicit wildcard, or names), what the client holds, and the responses it has not
// answered yet.
//
// Decisions:
// - LDS and CDS are complete: every response carries every subscribed resource (a
//   resource left out is deleted by the client), and one is sent only when that
//   content differs from the last response (content digest).
// - RDS, EDS and SDS are incremental (xDS protocol, "Resource types": only LDS and
//   CDS responses must hold all resources; grpc-js-xds follows it since
//   grpc/grpc-node#1925): a response carries only the resources whose version the
//   client does not hold, so an endpoint change sends one ClusterLoadAssignment.
//   Their removal is said by the LDS/CDS that stops referring to them.
// - What the client holds is not copied per stream: `held` is the entries map of the
//   last snapshot the stream was brought up to (shared by every stream of its group).
//   For each subscribed name the client holds held.get(name), except names in `owed`
//   (newly subscribed: sent now) and in `rejected` (the names of a NACKed response:
//   the client kept its previous versions, so they go again with the next change of
//   the type, not at once, which would only be rejected again as the old SotW did).
// - Sending is optimistic: `held` moves on when a response is sent, not when it is
//   ACKed, so a response in flight is not sent twice; a NACK puts its names back
//   into `owed`. Only the answer to the latest response is reported (ACK/NACK
//   events), as before; older answers only settle what the client holds.
import { PUSH_ORDER, type ProxySnapshot, type SnapshotEntry } from '../contracts';
import { encodeSotwResponse, type SotwRequest } from './discovery-messages';
import {
  reportAnswer,
  type OutgoingResponse,
  type ProtocolContext,
  type StreamProtocol,
} from './protocol';
import {
  canonicalType,
  contentDigest,
  selectEntries,
  WILDCARD,
  WILDCARD_TYPES,
} from './resource-selection';

/** Unanswered responses remembered per type; a client answers each, in order. */
const MAX_PENDING = 16;

interface SentResponse {
  nonce: string;
  version: string;
  /** Names carried (for NACK reports and to owe them again). */
  names: string[];
  snapshot: ProxySnapshot;
}

interface TypeState {
  /** LDS and CDS: every response is complete. */
  complete: boolean;
  wildcard: boolean;
  /** Still in legacy wildcard mode: every request so far had an empty name list. */
  legacyWildcard: boolean;
  names: ReadonlySet<string>;
  /** Complete types: digest of the last response. */
  digest: string | undefined;
  /** Incremental types: entries of the snapshot the client was last brought up to. */
  held: ReadonlyMap<string, SnapshotEntry> | undefined;
  /** Incremental types: names to send now whatever `held` says (undefined when none). */
  owed: Set<string> | undefined;
  /** Incremental types: NACKed names, sent again with the next response of the type. */
  rejected: Set<string> | undefined;
  /** Sent and not answered yet, oldest first. */
  pending: SentResponse[];
  /** Nonce of the latest response: only its answer is reported. */
  lastNonce: string;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function owe(state: TypeState, names: Iterable<string>): void {
  for (const name of names) (state.owed ??= new Set()).add(name);
}

function reject(state: TypeState, names: Iterable<string>): void {
  for (const name of names) (state.rejected ??= new Set()).add(name);
}

export class SotwProtocol implements StreamProtocol<SotwRequest> {
  private readonly types = new Map<string, TypeState>();

  constructor(private readonly context: ProtocolContext) {}

  typeUrlOf(request: SotwRequest): string {
    return request.typeUrl;
  }

  handle(request: SotwRequest): boolean {
    const typeUrl = canonicalType(request.typeUrl);
    let state = this.types.get(typeUrl);
    const first = state === undefined;
    if (state === undefined) {
      state = {
        complete: WILDCARD_TYPES.has(typeUrl),
        wildcard: false,
        legacyWildcard: true,
        names: new Set(),
        digest: undefined,
        held: undefined,
        owed: undefined,
        rejected: undefined,
        pending: [],
        lastNonce: '',
      };
      this.types.set(typeUrl, state);
    }
    const changed = this.subscribe(typeUrl, state, request.resourceNames);
    this.settle(typeUrl, state, request);
    return first || changed;
  }

  private subscribe(typeUrl: string, state: TypeState, requested: readonly string[]): boolean {
    const names = new Set(requested.filter((n) => n !== WILDCARD));
    if (requested.length > 0) state.legacyWildcard = false;
    const wildcard =
      requested.includes(WILDCARD) || (state.legacyWildcard && WILDCARD_TYPES.has(typeUrl));
    const changed = wildcard !== state.wildcard || !sameSet(names, state.names);
    if (!changed) return false;
    const interned = new Set<string>();
    for (const name of names) interned.add(this.context.intern(typeUrl, name));
    if (!state.complete) {
      // Names new to the subscription are owed; a wildcard subscriber is owed everything.
      if (wildcard && !state.wildcard) state.held = undefined;
      owe(
        state,
        [...names].filter((n) => !state.names.has(n)),
      );
    }
    state.wildcard = wildcard;
    state.names = interned;
    return true;
  }

  /** Applies the answer (ACK or NACK) the request carries, if it answers a pending response. */
  private settle(typeUrl: string, state: TypeState, request: SotwRequest): void {
    const index = state.pending.findIndex((p) => p.nonce === request.responseNonce);
    if (index < 0) return;
    const sent = state.pending[index]!;
    state.pending.splice(0, index + 1);
    if (request.errorDetail !== undefined && !state.complete) reject(state, sent.names);
    // A stale nonce answers an older response: only its subscription counts.
    if (sent.nonce === state.lastNonce)
      reportAnswer(this.context, typeUrl, sent, request.errorDetail);
  }

  responses(snapshot: ProxySnapshot): OutgoingResponse[] {
    const out: OutgoingResponse[] = [];
    for (const typeUrl of PUSH_ORDER) {
      const state = this.types.get(typeUrl);
      if (state === undefined || (!state.wildcard && state.names.size === 0)) continue;
      const entries = state.complete
        ? this.completeEntries(snapshot, typeUrl, state)
        : this.incrementalEntries(snapshot, typeUrl, state);
      if (entries === undefined) continue;
      const version = snapshot.types.get(typeUrl)?.version ?? '';
      const nonce = this.context.nextNonce();
      const bytes = encodeSotwResponse({ versionInfo: version, typeUrl, nonce, entries });
      state.pending.push({ nonce, version, names: entries.map((e) => e.name), snapshot });
      if (state.pending.length > MAX_PENDING) state.pending.shift();
      state.lastNonce = nonce;
      out.push({ typeUrl, version, bytes, changeSeenAt: snapshot.changeSeenAt });
    }
    return out;
  }

  /** Every subscribed resource, or undefined when the client already has exactly that. */
  private completeEntries(
    snapshot: ProxySnapshot,
    typeUrl: string,
    state: TypeState,
  ): SnapshotEntry[] | undefined {
    const entries = selectEntries(snapshot, typeUrl, state);
    const digest = contentDigest(entries);
    if (state.digest === digest) return undefined;
    state.digest = digest;
    return entries;
  }

  /** The subscribed resources the client does not hold at their current version. */
  private incrementalEntries(
    snapshot: ProxySnapshot,
    typeUrl: string,
    state: TypeState,
  ): SnapshotEntry[] | undefined {
    const held = state.held;
    const owed = state.owed;
    const selected = selectEntries(snapshot, typeUrl, state);
    const due = selected.filter(
      (e) => owed?.has(e.name) === true || held?.get(e.name)?.version !== e.version,
    );
    const rejected = state.rejected;
    if (due.length > 0 && rejected !== undefined) {
      const dueNames = new Set(due.map((e) => e.name));
      for (const entry of selected)
        if (rejected.has(entry.name) && !dueNames.has(entry.name)) due.push(entry);
      due.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      state.rejected = undefined;
    }
    // An owed name missing from the snapshot is not in `held` either: sent once it appears.
    state.owed = undefined;
    state.held = snapshot.types.get(typeUrl)?.entries ?? new Map<string, SnapshotEntry>();
    return due.length === 0 ? undefined : due;
  }
}
