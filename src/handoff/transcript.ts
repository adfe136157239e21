import type { RedisClient as Redis } from '../infra/redis';

/** One message of a conversation, as the caseworker reads it. */
export interface TranscriptEntry {
  /** Milliseconds since the epoch. */
  at: number;
  from: 'user' | 'bot' | 'caseworker';
  /** The original text, exactly as written or sent. */
  text: string;
  /** The language of the message (the bot's: the one it spoke; the user's: the language they chose). */
  locale?: string;
  /** The path node that produced a bot message (channelData.node). */
  node?: string;
  /** The caseworker who wrote it. */
  author?: string;
  /** The activity id, when the channel gave one. */
  id?: string;
}

/** Every channel's conversation messages, kept for the retention time (STATE_TTL_DAYS). */
export interface TranscriptStore {
  readonly kind: 'memory' | 'redis';
  append(conversationId: string, entries: TranscriptEntry[]): Promise<void>;
  /** The newest `limit` entries, oldest first. */
  read(conversationId: string, limit?: number): Promise<TranscriptEntry[]>;
  erase(conversationId: string): Promise<void>;
  close(): Promise<void>;
}

/** The most entries one conversation keeps (the oldest go first). */
export const TRANSCRIPT_MAX = 2000;

export class MemoryTranscriptStore implements TranscriptStore {
  readonly kind = 'memory' as const;
  private readonly logs = new Map<string, { entries: TranscriptEntry[]; expires: number }>();

  constructor(private readonly options: { ttlMs: number }) {}

  async append(conversationId: string, entries: TranscriptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = Date.now();
    const log = this.logs.get(conversationId);
    const list = log && log.expires > now ? log.entries : [];
    list.push(...entries.map((e) => ({ ...e })));
    if (list.length > TRANSCRIPT_MAX) list.splice(0, list.length - TRANSCRIPT_MAX);
    this.logs.set(conversationId, { entries: list, expires: now + this.options.ttlMs });
  }

  async read(conversationId: string, limit = TRANSCRIPT_MAX): Promise<TranscriptEntry[]> {
    const log = this.logs.get(conversationId);
    if (!log || log.expires <= Date.now()) return [];
    return log.entries.slice(-limit).map((e) => ({ ...e }));
  }

  async erase(conversationId: string): Promise<void> {
    this.logs.delete(conversationId);
  }

  async close(): Promise<void> {
    this.logs.clear();
  }
}

/**
 * Appends to a transcript, keeps its last entries and restarts its retention, in one step (one
 * command sent instead of MULTI, three commands and EXEC on every turn).
 * KEYS[1] the list. ARGV: most entries kept, ttl ms, then the entries.
 */
const APPEND = `
redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

interface ScriptedRedis {
  tibTranscriptAppend(key: string, max: number, ttlMs: number, ...entries: string[]): Promise<unknown>;
}

/** The transcript in Redis: a list `<prefix>tr:{<conversationId>}`, in the conversation's hash slot. */
export class RedisTranscriptStore implements TranscriptStore {
  readonly kind = 'redis' as const;
  private readonly client: Redis & ScriptedRedis;

  constructor(
    client: Redis,
    private readonly options: {
      prefix: string;
      ttlMs: number;
      ownsClient?: boolean;
      /** Called with each append's round-trip time (metrics: the transcript append is a round trip of every turn). */
      onAppend?: (seconds: number) => void;
    },
  ) {
    client.defineCommand('tibTranscriptAppend', { lua: APPEND, numberOfKeys: 1 });
    this.client = client as Redis & ScriptedRedis;
  }

  private key(conversationId: string): string {
    return `${this.options.prefix}tr:{${conversationId}}`;
  }

  async append(conversationId: string, entries: TranscriptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const started = process.hrtime.bigint();
    try {
      await this.client.tibTranscriptAppend(this.key(conversationId), TRANSCRIPT_MAX, this.options.ttlMs, ...entries.map((e) => JSON.stringify(e)));
    } finally {
      this.options.onAppend?.(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  async read(conversationId: string, limit = TRANSCRIPT_MAX): Promise<TranscriptEntry[]> {
    const raw = await this.client.lrange(this.key(conversationId), String(-limit), '-1');
    return raw.map((r) => JSON.parse(r) as TranscriptEntry);
  }

  async erase(conversationId: string): Promise<void> {
    await this.client.del(this.key(conversationId));
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
