import { randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from '../../infra/redis';

export type Role = 'caseworker' | 'admin';

export interface Account {
  user: string;
  role: Role;
  /** argon2id hash (PHC string); never the password. Empty: no password sign-in (an OpenID Connect account). */
  hash: string;
  created: number;
  /** The OpenID Connect identity that signs in as this account: Entra ID's `oid` claim (`sub` for other providers). */
  oidcSubject?: string;
  /** The Teams user (Entra ID object id, `from.aadObjectId`) who acts as this account from a Teams card or thread. */
  teamsAadId?: string;
}

export interface Session {
  user: string;
  role: Role;
  csrf: string;
  created: number;
  /** How the caseworker signed in (absent in sessions from before OpenID Connect: password). */
  method?: 'password' | 'oidc';
}

/** An OpenID Connect sign-in in progress, kept server-side until the provider sends the browser back. */
export interface OidcFlow {
  codeVerifier: string;
  nonce: string;
  /** A hash of the browser's flow cookie: the callback must come from the browser that started. */
  browser: string;
}

/** One caseworker action (who did what to which conversation, when); never message text. */
export interface AuditEntry {
  at: number;
  user: string;
  action: string;
  conversationId?: string;
  detail?: string;
}

/**
 * What the console keeps: accounts, sessions (idle timeout), failed sign-in counters and the
 * audit log (its own retention, apart from transcripts). Memory or Redis.
 */
export interface ConsoleStore {
  getAccount(user: string): Promise<Account | undefined>;
  putAccount(account: Account): Promise<void>;
  /** The account whose `oidcSubject` is `subject`, if any. */
  findAccountByOidcSubject(subject: string): Promise<Account | undefined>;
  /** The account whose `teamsAadId` is `aadId`, if any. */
  findAccountByTeamsAadId(aadId: string): Promise<Account | undefined>;
  /** Keeps a sign-in in progress under `id` (a hash of its state) for `ttlMs`. */
  putOidcFlow(id: string, flow: OidcFlow, ttlMs: number): Promise<void>;
  /** Reads and deletes a sign-in in progress: each can be finished once. */
  takeOidcFlow(id: string): Promise<OidcFlow | undefined>;
  /** The session for `id`, its idle time restarted; undefined when unknown or expired. */
  touchSession(id: string, idleMs: number): Promise<Session | undefined>;
  /** Whether the session still exists (without restarting its idle time). */
  hasSession(id: string): Promise<boolean>;
  putSession(id: string, session: Session, idleMs: number): Promise<void>;
  deleteSession(id: string): Promise<void>;
  /** Counts one failure for `key` in a window; returns the count so far. */
  countFailure(key: string, windowMs: number): Promise<number>;
  failures(key: string): Promise<number>;
  clearFailures(key: string): Promise<void>;
  audit(entry: AuditEntry, retentionMs: number): Promise<void>;
  readAudit(limit: number): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export class MemoryConsoleStore implements ConsoleStore {
  private readonly accounts = new Map<string, Account>();
  private readonly sessions = new Map<string, { session: Session; expires: number }>();
  private readonly fails = new Map<string, { n: number; expires: number }>();
  private auditLog: AuditEntry[] = [];
  private readonly flows = new Map<string, { flow: OidcFlow; expires: number }>();

  async getAccount(user: string) {
    const a = this.accounts.get(user);
    return a ? { ...a } : undefined;
  }
  async putAccount(account: Account) {
    this.accounts.set(account.user, { ...account });
  }
  async findAccountByOidcSubject(subject: string) {
    const a = [...this.accounts.values()].find((x) => x.oidcSubject === subject);
    return a ? { ...a } : undefined;
  }
  async findAccountByTeamsAadId(aadId: string) {
    const a = [...this.accounts.values()].find((x) => x.teamsAadId === aadId);
    return a ? { ...a } : undefined;
  }
  async putOidcFlow(id: string, flow: OidcFlow, ttlMs: number) {
    this.flows.set(id, { flow: { ...flow }, expires: Date.now() + ttlMs });
  }
  async takeOidcFlow(id: string) {
    const f = this.flows.get(id);
    this.flows.delete(id);
    return f && f.expires > Date.now() ? f.flow : undefined;
  }
  async touchSession(id: string, idleMs: number) {
    const s = this.sessions.get(id);
    if (!s || s.expires <= Date.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    s.expires = Date.now() + idleMs;
    return { ...s.session };
  }
  async hasSession(id: string) {
    const s = this.sessions.get(id);
    return s !== undefined && s.expires > Date.now();
  }
  async putSession(id: string, session: Session, idleMs: number) {
    this.sessions.set(id, { session: { ...session }, expires: Date.now() + idleMs });
  }
  async deleteSession(id: string) {
    this.sessions.delete(id);
  }
  async countFailure(key: string, windowMs: number) {
    const f = this.fails.get(key);
    if (!f || f.expires <= Date.now()) {
      this.fails.set(key, { n: 1, expires: Date.now() + windowMs });
      return 1;
    }
    return (f.n += 1);
  }
  async failures(key: string) {
    const f = this.fails.get(key);
    return f && f.expires > Date.now() ? f.n : 0;
  }
  async clearFailures(key: string) {
    this.fails.delete(key);
  }
  async audit(entry: AuditEntry, retentionMs: number) {
    const oldest = Date.now() - retentionMs;
    this.auditLog = this.auditLog.filter((e) => e.at >= oldest);
    this.auditLog.push({ ...entry });
  }
  async readAudit(limit: number) {
    return this.auditLog.slice(-limit).reverse();
  }
  async close() {}
}

/**
 * The console's data in Redis: `<prefix>cw:acct:<user>`, `<prefix>cw:oidc-sub:<subject>` (the user
 * name of the account with that OpenID Connect subject), `<prefix>cw:teams-aad:<object id>` (the
 * same for the Teams user linked to an account), `<prefix>cw:oidc-flow:<id>` (a sign-in in
 * progress, minutes), `<prefix>cw:sess:<id>` (expires after the
 * idle time, restarted by every request), `<prefix>cw:fail:<key>`, and the audit log
 * `<prefix>cw:audit` (a sorted set by time; entries older than AUDIT_RETENTION_DAYS are removed on
 * every write). Each command touches one key, so any Redis Cluster slot layout works.
 */
export class RedisConsoleStore implements ConsoleStore {
  constructor(private readonly client: Redis, private readonly prefix: string) {}

  private k(part: string): string {
    return `${this.prefix}cw:${part}`;
  }
  async getAccount(user: string) {
    const raw = await this.client.get(this.k(`acct:${user}`));
    return raw ? (JSON.parse(raw) as Account) : undefined;
  }
  async putAccount(account: Account) {
    await this.client.set(this.k(`acct:${account.user}`), JSON.stringify(account));
    if (account.oidcSubject) await this.client.set(this.k(`oidc-sub:${account.oidcSubject}`), account.user);
    if (account.teamsAadId) await this.client.set(this.k(`teams-aad:${account.teamsAadId}`), account.user);
  }
  async findAccountByOidcSubject(subject: string) {
    const user = await this.client.get(this.k(`oidc-sub:${subject}`));
    const account = user ? await this.getAccount(user) : undefined;
    // The index may name an account since given another subject: the account itself decides.
    return account?.oidcSubject === subject ? account : undefined;
  }
  async findAccountByTeamsAadId(aadId: string) {
    const user = await this.client.get(this.k(`teams-aad:${aadId}`));
    const account = user ? await this.getAccount(user) : undefined;
    // As for OpenID Connect subjects: the account itself decides.
    return account?.teamsAadId === aadId ? account : undefined;
  }
  async putOidcFlow(id: string, flow: OidcFlow, ttlMs: number) {
    await this.client.set(this.k(`oidc-flow:${id}`), JSON.stringify(flow), 'PX', ttlMs);
  }
  async takeOidcFlow(id: string) {
    const raw = await this.client.getdel(this.k(`oidc-flow:${id}`));
    return raw ? (JSON.parse(raw) as OidcFlow) : undefined;
  }
  async touchSession(id: string, idleMs: number) {
    const raw = await this.client.getex(this.k(`sess:${id}`), 'PX', idleMs);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  }
  async hasSession(id: string) {
    return (await this.client.exists(this.k(`sess:${id}`))) === 1;
  }
  async putSession(id: string, session: Session, idleMs: number) {
    await this.client.set(this.k(`sess:${id}`), JSON.stringify(session), 'PX', idleMs);
  }
  async deleteSession(id: string) {
    await this.client.del(this.k(`sess:${id}`));
  }
  async countFailure(key: string, windowMs: number) {
    const k = this.k(`fail:${key}`);
    const n = await this.client.incr(k);
    if (n === 1) await this.client.pexpire(k, String(windowMs));
    return n;
  }
  async failures(key: string) {
    return Number((await this.client.get(this.k(`fail:${key}`))) ?? 0);
  }
  async clearFailures(key: string) {
    await this.client.del(this.k(`fail:${key}`));
  }
  async audit(entry: AuditEntry, retentionMs: number) {
    const k = this.k('audit');
    const member = JSON.stringify({ ...entry, n: randomBytes(4).toString('hex') });
    await this.client.multi().zadd(k, entry.at, member).zremrangebyscore(k, '-inf', `(${entry.at - retentionMs}`).exec();
  }
  async readAudit(limit: number) {
    const raw = await this.client.zrevrange(this.k('audit'), '0', String(limit - 1));
    return raw.map((r) => {
      const entry = JSON.parse(r) as AuditEntry & { n?: string };
      delete entry.n;
      return entry as AuditEntry;
    });
  }
  async close() {}
}
