import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Phone numbers never appear in clear in logs, keys or conversation ids: they are named by a keyed
 * hash (HMAC-SHA-256 with the service's secret), and where the Twilio bridge must keep a number to
 * text it back, it is sealed (AES-256-GCM with a key derived from the same secret).
 */
export class NumberHash {
  private readonly hmacKey: Buffer;
  private readonly sealKey: Buffer;

  constructor(secret: string) {
    this.hmacKey = createHash('sha256').update(`tib-sms-hash\n${secret}`).digest();
    this.sealKey = createHash('sha256').update(`tib-sms-seal\n${secret}`).digest();
  }

  /** A short, stable, URL- and key-safe name for `value` (22 characters, 132 bits). */
  of(value: string): string {
    return createHmac('sha256', this.hmacKey).update(value).digest('base64url').slice(0, 22);
  }

  seal(value: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The sealed value, or undefined when it was sealed with another secret or changed. */
  open(sealed: string): string | undefined {
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/** The keys of one SMS conversation, in one Redis hash slot (`{…}`), named by its hash. */
export function smsKeys(conversationHash: string): { stop: string; more: string; number: string } {
  const tag = `sms:{${conversationHash}}`;
  return { stop: `${tag}:stop`, more: `${tag}:more`, number: `${tag}:number` };
}
