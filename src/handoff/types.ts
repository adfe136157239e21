import type { ConversationReference } from 'botbuilder';

/**
 * A conversation's handoff state: `bot` (no record, or handed back), `queued` (waiting for a
 * caseworker), `assigned` (a caseworker has it), `closed` (ended by a caseworker; the next message
 * goes to the bot).
 */
export type HandoffState = 'bot' | 'queued' | 'assigned' | 'closed';
export const OPEN_STATES: readonly HandoffState[] = ['queued', 'assigned'];

export type HandoffPriority = 'urgent' | 'normal';

/** What made the bot ask for a person. */
export type HandoffTrigger = 'asked' | 'path' | 'misunderstood' | 'safety' | 'api';

/** What a caseworker needs to know about the person (from the profile; never message text). */
export interface HandoffProfile {
  group?: string;
  has_children?: boolean;
  child_age?: number;
}

/** One conversation's handoff, as stored (JSON; no arrays, so the Lua scripts keep its shape). */
export interface HandoffRecord {
  conversationId: string;
  state: HandoffState;
  /** The caseworker who has it (state `assigned`). */
  owner?: string | null;
  priority: HandoffPriority;
  /** The path's topic (`work`, `school`, ..., `other`). */
  topic: string;
  /** The reason's text key (e.g. `work.handoff_reason`) or a short code. */
  reason: string;
  trigger: HandoffTrigger;
  /** The user's language. */
  language: string;
  channel: string;
  profile: HandoffProfile;
  /** Where to send the caseworker's replies (the turn's ConversationReference). */
  reference: Partial<ConversationReference>;
  requestedAt: number;
  claimedAt?: number | null;
  updatedAt: number;
  /** Set once the user has been told that nobody has claimed the request in time. */
  timeoutNotified?: boolean;
  /** Counts every change (a transition's writes are numbered). */
  version: number;
}

/** A handoff request: everything but the store's own fields. */
export type HandoffRequest = Omit<HandoffRecord, 'state' | 'owner' | 'claimedAt' | 'updatedAt' | 'version' | 'timeoutNotified'>;

/**
 * One atomic change of a record: allowed when the current state is in `from` (`bot` also stands
 * for "no record"), and, for an assigned record, when `owner` (if given) has it.
 */
export interface Transition {
  from: readonly HandoffState[];
  owner?: string;
  /** Fields to set (null clears one). */
  patch: Partial<Record<keyof HandoffRecord, unknown>>;
  /** Whether the transition may create the record (only a request). */
  create?: boolean;
  /** Only when this flag is not yet set (e.g. `timeoutNotified`). */
  unlessFlag?: 'timeoutNotified';
}

export type TransitionResult =
  | { ok: true; record: HandoffRecord; previous: HandoffRecord | undefined }
  | { ok: false; reason: 'unknown' | 'state' | 'owner'; record: HandoffRecord | undefined };

export interface Note {
  at: number;
  author: string;
  text: string;
}

/**
 * The handoff store port (memory, Redis): one record per conversation with atomic transitions,
 * an index of the open handoffs sorted by priority then waiting time, and the caseworkers'
 * internal notes. The same contract suite runs against every implementation.
 */
export interface HandoffStore {
  readonly kind: 'memory' | 'redis';
  get(conversationId: string): Promise<HandoffRecord | undefined>;
  transition(conversationId: string, change: Transition, now: number): Promise<TransitionResult>;
  /** The open handoffs (queued and assigned), urgent first, then the longest waiting. */
  open(limit?: number): Promise<HandoffRecord[]>;
  /** Puts an open record (back) into the queue index; the index is repaired this way (see redisHandoffStore). */
  reindex(record: HandoffRecord): Promise<void>;
  addNote(conversationId: string, note: Note): Promise<void>;
  notes(conversationId: string): Promise<Note[]>;
  /** Deletes the record, its notes and its place in the queue ("delete my data"). */
  erase(conversationId: string): Promise<void>;
  close(): Promise<void>;
}

/** The queue order: urgent before normal, then by the time of the request (oldest first). */
export function queueScore(record: Pick<HandoffRecord, 'priority' | 'requestedAt'>): number {
  return (record.priority === 'urgent' ? 0 : 1e13) + record.requestedAt;
}

/** The same transition rule as the Redis script, for the memory store. */
export function applyTransition(current: HandoffRecord | undefined, change: Transition, now: number): TransitionResult {
  const state: HandoffState = current?.state ?? 'bot';
  if (!change.from.includes(state)) return { ok: false, reason: 'state', record: current };
  if (change.owner !== undefined && state === 'assigned' && current?.owner !== change.owner) return { ok: false, reason: 'owner', record: current };
  if (change.unlessFlag && current?.[change.unlessFlag]) return { ok: false, reason: 'state', record: current };
  if (!current && !change.create) return { ok: false, reason: 'unknown', record: undefined };
  const next = { ...(current ?? {}), ...change.patch } as HandoffRecord & Record<string, unknown>;
  for (const [k, v] of Object.entries(next)) if (v === null) delete next[k];
  next.version = (current?.version ?? 0) + 1;
  next.updatedAt = now;
  return { ok: true, record: next, previous: current };
}
