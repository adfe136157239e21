import { OPEN_STATES, applyTransition, queueScore, type HandoffRecord, type HandoffStore, type Note, type Transition, type TransitionResult } from './types';

interface Entry<T> {
  value: T;
  expires: number;
}

/** The handoff store in one process (no Redis): the same rules as the Redis store, kept for the retention time. */
export class MemoryHandoffStore implements HandoffStore {
  readonly kind = 'memory' as const;
  private readonly records = new Map<string, Entry<HandoffRecord>>();
  private readonly notesOf = new Map<string, Entry<Note[]>>();

  constructor(private readonly options: { ttlMs: number; now?: () => number }) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private live<T>(map: Map<string, Entry<T>>, id: string): T | undefined {
    const entry = map.get(id);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      map.delete(id);
      return undefined;
    }
    return entry.value;
  }

  async get(conversationId: string): Promise<HandoffRecord | undefined> {
    const record = this.live(this.records, conversationId);
    return record ? (structuredClone(record) as HandoffRecord) : undefined;
  }

  async transition(conversationId: string, change: Transition, now: number): Promise<TransitionResult> {
    const current = this.live(this.records, conversationId);
    const result = applyTransition(current ? structuredClone(current) : undefined, change, now);
    if (result.ok) this.records.set(conversationId, { value: structuredClone(result.record), expires: this.now() + this.options.ttlMs });
    return result;
  }

  async open(limit = 200): Promise<HandoffRecord[]> {
    const open: HandoffRecord[] = [];
    for (const id of [...this.records.keys()]) {
      const record = this.live(this.records, id);
      if (record && OPEN_STATES.includes(record.state)) open.push(structuredClone(record));
    }
    return open.sort((a, b) => queueScore(a) - queueScore(b)).slice(0, limit);
  }

  async reindex(): Promise<void> {
    // the memory store's index is the records themselves
  }

  async addNote(conversationId: string, note: Note): Promise<void> {
    const list = this.live(this.notesOf, conversationId) ?? [];
    list.push({ ...note });
    this.notesOf.set(conversationId, { value: list, expires: this.now() + this.options.ttlMs });
  }

  async notes(conversationId: string): Promise<Note[]> {
    return (this.live(this.notesOf, conversationId) ?? []).map((n) => ({ ...n }));
  }

  async erase(conversationId: string): Promise<void> {
    this.records.delete(conversationId);
    this.notesOf.delete(conversationId);
  }

  async close(): Promise<void> {
    this.records.clear();
    this.notesOf.clear();
  }
}
