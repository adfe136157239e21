/**
 * What a message turn sends to one Redis process (REDIS_ONE_NODE=true, MONITOR): the conversation's lock-and-read script reads
 * the user's state and the handoff record too (no read of their own), and the transcript append goes out before
 * the commit, which Redis runs in that order, so the append is done before the lock is released
 * (the next turn's append comes after it) and before the answer. Without REDIS_ONE_NODE every
 * script keeps to one slot, as before.
 */
import { expect } from 'chai';
import Redis from 'ioredis';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { type Conversation, say } from '../support/activities';

interface Seen {
  source: string;
  args: string[];
}

/** Every command Redis is sent while `during` runs (MONITOR; commands scripts run are marked `lua`). */
async function monitor(during: () => Promise<void>): Promise<Seen[]> {
  const redis = new Redis(testRedisUrl());
  const seen: Seen[] = [];
  const m = await redis.monitor();
  m.on('monitor', (_time: string, args: string[], source: string) => seen.push({ source, args }));
  try {
    await during();
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    m.disconnect();
    redis.disconnect();
  }
  return seen;
}

for (const oneNode of [true, false]) describe(`A message turn on one Redis, REDIS_ONE_NODE=${oneNode}: its commands (MONITOR)`, function () {
  this.timeout(30_000);
  let bot: { app: App; url: string };
  let prefix: string;

  before(async () => {
    prefix = uniquePrefix('turncmds');
    bot = await startApp({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, REDIS_ONE_NODE: String(oneNode) });
  });
  after(async () => {
    await bot?.app.stop();
  });

  if (!oneNode) {
    it('keeps every script to one slot (a sharding proxy may stand behind REDIS_URL): the user and the record read beside the lock', async () => {
      const conv: Conversation = { channelId: 'emulator', conversationId: `cmds1-${Date.now()}`, userId: `u1-${Date.now()}` };
      await say(bot.url, conv, 'hej');
      await new Promise((r) => setTimeout(r, 250));
      const userKey = `${prefix}{emulator/users/${conv.userId}}/`;
      const lockKey = `${prefix}{emulator/conversations/${conv.conversationId}}#lock`;
      const recordKey = `${prefix}ho:{${conv.conversationId}}:rec`;
      const seen = await monitor(async () => {
        await say(bot.url, conv, '1');
      });
      const sent = seen.filter((c) => c.source !== 'lua');
      const lockAndRead = sent.find((c) => /^evalsha$|^eval$/i.test(c.args[0]) && c.args.includes(lockKey));
      expect(lockAndRead!.args).to.not.include(userKey);
      expect(lockAndRead!.args).to.not.include(recordKey);
      expect(sent.some((c) => c.args[0].toUpperCase() === 'GET' && c.args[1] === recordKey), 'the GET of the record').to.equal(true);
      expect(sent.some((c) => c.args.includes(userKey) && c.args.length === 5), "the user's read-and-touch").to.equal(true);
    });
    return;
  }

  it("reads the user's state and the handoff record in the lock-and-read script, and appends the transcript before the commit releases the lock", async () => {
    const conv: Conversation = { channelId: 'emulator', conversationId: `cmds-${Date.now()}`, userId: `u-${Date.now()}` };
    await say(bot.url, conv, 'hej');
    await new Promise((r) => setTimeout(r, 250)); // past RELEASE_REMEMBERED_MS: the next turn reads as it would a while later
    const transcriptKey = `${prefix}tr:{${conv.conversationId}}`;
    const userKey = `${prefix}{emulator/users/${conv.userId}}/`;
    const lockKey = `${prefix}{emulator/conversations/${conv.conversationId}}#lock`;
    let entriesWhenAnswered = 0;
    const seen = await monitor(async () => {
      await say(bot.url, conv, '1');
      const check = new Redis(testRedisUrl());
      try {
        entriesWhenAnswered = await check.llen(transcriptKey);
      } finally {
        check.disconnect();
      }
    });
    const sent = seen.filter((c) => c.source !== 'lua');
    const scripts = sent.filter((c) => /^evalsha$|^eval$/i.test(c.args[0]));
    // the lock-and-read: the first script with the lock key; it lists the user's key among its keys
    const lockAndRead = scripts.find((c) => c.args.includes(lockKey));
    expect(lockAndRead, 'a lock-and-read script').to.not.equal(undefined);
    expect(lockAndRead!.args, "the user's key read by the lock-and-read").to.include(userKey);
    // a read-and-touch of its own would carry the key and the ttl only (the user's compare-and-set write, after the turn, also carries an eTag and the value)
    const userReads = scripts.filter((c) => c.args.includes(userKey) && !c.args.includes(lockKey) && c.args.length === 5);
    expect(userReads.map((c) => c.args.join(' ')), "no script of its own reads the user's key").to.deep.equal([]);
    // the handoff record: read by the lock-and-read (listed among its keys), not by a GET of its own
    const recordKey = `${prefix}ho:{${conv.conversationId}}:rec`;
    expect(lockAndRead!.args, 'the handoff record read by the lock-and-read').to.include(recordKey);
    expect(sent.filter((c) => c.args[0].toUpperCase() === 'GET' && c.args[1] === recordKey).length, 'no GET of the record').to.equal(0);
    // in Redis: the transcript's RPUSH runs before the commit sets the released lock ('-')
    const push = seen.findIndex((c) => c.args[0].toUpperCase() === 'RPUSH' && c.args[1] === transcriptKey);
    const release = seen.findIndex((c) => c.args[0].toUpperCase() === 'SET' && c.args[1] === lockKey && c.args[2] === '-');
    expect(push, 'the transcript append').to.be.greaterThan(-1);
    expect(release, 'the release').to.be.greaterThan(push);
    // and the answer came after it: both turns' messages are in the transcript (the user's and the bot's)
    expect(entriesWhenAnswered).to.be.at.least(4);
  });
});
