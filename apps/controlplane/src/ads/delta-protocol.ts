// Incremental (Delta) xDS per stream: per type URL, the subscription and the
// version of each resource the client holds (from initial_resource_versions and
// what was sent). A response carries only resources the client lacks or holds at
// another version, plus removed_resources for subscribed ones that disappeared.
//
// Decisions (memory per stream, issue 8): what the client holds is not a name ->
// version map per stream. It is `base`, the entries map of the snapshot the client
// was last brought up to (shared by every stream of its group), read through the
// subscription, plus `extra` for what that cannot say (initial_resource_versions,
// resources answered by lookup) and `owed` for names newly subscribed (the client
// does not hold them yet, whatever `base` says). Both are usually empty.
import { PUSH_ORDER, type ProxySnapshot, type SnapshotEntry } from '../contracts';
import { encodeDeltaResponse, type DeltaRequest } from './discovery-messages';
import {
  reportAnswer,
  type OutgoingResponse,
  type ProtocolContext,
  type StreamProtocol,
} from './protocol';
import { canonicalType, selectEntries, WILDCARD, WILDCARD_TYPES } from './resource-selection';

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
  /** Entries of the snapshot the client was last brought up to (see the header). */
  base: ReadonlyMap<string, SnapshotEntry> | undefined;
  /** name -> version held beyond what `base` says (undefined when none). */
  extra: Map<string, string> | undefined;
  /** Subscribed names the client does not hold yet (undefined when none). */
  owed: Set<string> | undefined;
  /** Owed an answer even when nothing differs (first wildcard request). */
  answerOwed: boolean;
  inFlight: Map<string, SentResponse>;
}

function subscribed(state: TypeState, name: string): boolean {
  return state.wildcard || state.names.has(name);
}

/** The version of `name` the client holds, if any. */
function heldVersion(state: TypeState, name: string): string | undefined {
  const extra = state.extra?.get(name);
  if (extra !== undefined) return extra;
  if (state.owed?.has(name) === true || !subscribed(state, name)) return undefined;
  return state.base?.get(name)?.version;
}

/** Every name the client holds. */
function heldNames(state: TypeState): Set<string> {
  const held = new Set<string>(state.extra?.keys());
  const base = state.base;
  if (base !== undefined) {
    const candidates = state.wildcard ? base.keys() : state.names.values();
    for (const name of candidates)
      if (base.has(name) && state.owed?.has(name) !== true) held.add(name);
  }
  return held;
}

/** Writes down what `heldVersion` says for every held name, and forgets `base`. */
function materialize(state: TypeState): void {
  const extra = new Map<string, string>();
  for (const name of heldNames(state)) extra.set(name, heldVersion(state, name) ?? '');
  state.extra = extra.size === 0 ? undefined : extra;
  state.base = undefined;
  state.owed = undefined;
}

export class DeltaProtocol implements StreamProtocol<DeltaRequest> {
  private readonly types = new Map<string, TypeState>();

  constructor(private readonly context: ProtocolContext) {}

  typeUrlOf(request: DeltaRequest): string {
    return request.typeUrl;
  }

  handle(request: DeltaRequest): boolean {
    const typeUrl = canonicalType(request.typeUrl);
    let state = this.types.get(typeUrl);
    const first = state === undefined;
    if (state === undefined) {
      state = {
        wildcard: false,
        names: new Set(),
        base: undefined,
        extra: request.initialVersions.size > 0 ? new Map(request.initialVersions) : undefined,
        owed: undefined,
        answerOwed: false,
        inFlight: new Map(),
      };
      this.types.set(typeUrl, state);
      if (request.subscribe.length === 0 && WILDCARD_TYPES.has(typeUrl)) state.wildcard = true;
    }
    for (const name of request.subscribe) {
      if (name === WILDCARD) {
        // What `base` says under the wildcard is not what the client holds: write it down.
        if (!state.wildcard && state.base !== undefined) materialize(state);
        state.wildcard = true;
      } else if (!subscribed(state, name)) {
        const interned = this.context.intern(typeUrl, name);
        state.names.add(interned);
        if (state.extra?.has(name) !== true) (state.owed ??= new Set()).add(interned);
      } else state.names.add(this.context.intern(typeUrl, name));
    }
    for (const name of request.unsubscribe) {
      if (name === WILDCARD) {
        if (state.wildcard && state.base !== undefined) materialize(state);
        state.wildcard = false;
      } else {
        state.names.delete(name);
        state.extra?.delete(name);
        state.owed?.delete(name);
      }
    }
    if (first && state.wildcard) state.answerOwed = true;
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
      const changed = wanted.filter((e) => heldVersion(state, e.name) !== e.version);
      const removed = [...heldNames(state)].filter((name) => !present.has(name)).sort();
      const entries = snapshot.types.get(typeUrl)?.entries ?? new Map<string, SnapshotEntry>();
      // The client now holds `wanted`: in `base`, or in `extra` for what base lacks.
      state.base = entries;
      state.owed = undefined;
      let extra: Map<string, string> | undefined;
      for (const entry of wanted)
        if (entries.get(entry.name) !== entry) (extra ??= new Map()).set(entry.name, entry.version);
      state.extra = extra;
      if (changed.length === 0 && removed.length === 0 && !state.answerOwed) continue;
      state.answerOwed = false;
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
