import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a self-hosted Direct Line token allows. */
export interface TokenClaims {
  /** `user`: one conversation (the page, a Direct Line client); `bot`: the Bot Connector endpoints. */
  kind: 'user' | 'bot';
  /** The conversation a user token is scoped to ('' for bot tokens). */
  conversationId: string;
  /** The user the token was issued for; activities posted with it are sent as this user. */
  userId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'missing' | 'malformed' | 'forged' | 'expired' };

/** How long a token lives, as Azure's Direct Line does. */
export const TOKEN_TTL_SECONDS = 1800;
const VERSION = 'dl1';

/** A random secret for one process (local mode, when DIRECTLINE_TOKEN_SECRET is unset). */
export function randomTokenSecret(): string {
  return randomBytes(32).toString('hex');
}

/**
 * HMAC-signed, expiring tokens: `dl1.<claims, base64url JSON>.<HMAC-SHA256, base64url>`. Every
 * instance that shares the secret accepts every other instance's tokens; nothing is stored.
 */
export class DirectLineTokens {
  /** The secret's digest for isSecret(), made once (every request is checked against it). */
  private readonly secretDigest: Buffer;

  constructor(private readonly secret: string, private readonly now: () => number = Date.now) {
    this.secretDigest = compareDigest(secret);
  }

  issue(claims: Omit<TokenClaims, 'exp'>, ttlSeconds = TOKEN_TTL_SECONDS): string {
    const exp = Math.floor(this.now() / 1000) + ttlSeconds;
    const body = Buffer.from(JSON.stringify({ k: claims.kind, c: claims.conversationId, u: claims.userId, exp })).toString('base64url');
    return `${VERSION}.${body}.${this.sign(body)}`;
  }

  /** Checks signature and expiry of a token (without "Bearer "). */
  verify(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(parts[1]));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' };
    let raw: { k?: unknown; c?: unknown; u?: unknown; exp?: unknown };
    try {
      raw = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof raw;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if ((raw.k !== 'user' && raw.k !== 'bot') || typeof raw.c !== 'string' || typeof raw.u !== 'string' || typeof raw.exp !== 'number') {
      return { ok: false, reason: 'malformed' };
    }
    if (raw.exp * 1000 <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { kind: raw.k, conversationId: raw.c, userId: raw.u, exp: raw.exp } };
  }

  /** The claims of an authentic token even when it has expired (renewal by the page). */
  verifyIgnoringExpiry(token: string): TokenClaims | undefined {
    const check = new DirectLineTokens(this.secret, () => 0).verify(token);
    return check.ok ? check.claims : undefined;
  }

  /** Seconds until the token expires (for `expires_in`). */
  expiresIn(claims: TokenClaims): number {
    return Math.max(0, claims.exp - Math.floor(this.now() / 1000));
  }

  /** True when `value` is the server's secret itself (server-side callers of tokens/generate). */
  isSecret(value: string | undefined): boolean {
    if (!value) return false;
    return timingSafeEqual(compareDigest(value), this.secretDigest);
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(`${VERSION}.${body}`).digest('base64url');
  }
}

/** A fixed-length digest, so values of any length compare in constant time. */
function compareDigest(value: string): Buffer {
  return createHmac('sha256', 'compare').update(value).digest();
}

/** The token in an `Authorization: Bearer …` header, if any. */
export function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : undefined;
}
