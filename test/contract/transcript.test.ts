import { expect } from 'chai';
import Redis from 'ioredis';
import { MemoryTranscriptStore, RedisTranscriptStore, TRANSCRIPT_MAX, type TranscriptStore } from '../../src/handoff/transcript';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';

/** One contract for every transcript store (memory, Redis): order, originals, limit, retention, erasure. */
const opened: TranscriptStore[] = [];
const implementations: { name: string; make(ttlMs?: number): TranscriptStore }[] = [
  { name: 'MemoryTranscriptStore', make: (ttlMs = 60_000) => new MemoryTranscriptStore({ ttlMs }) },
  { name: 'RedisTranscriptStore', make: (ttlMs = 60_000) => new RedisTranscriptStore(new Redis(testRedisUrl()), { prefix: uniquePrefix('tr'), ttlMs, ownsClient: true }) },
];
let n = 0;
const newId = () => `tr${Date.now().toString(36)}x${(n += 1)}`;

for (const impl of implementations) {
  describe(`TranscriptStore contract: ${impl.name}`, () => {
    const make = (ttlMs?: number) => {
      const store = impl.make(ttlMs);
      opened.push(store);
      return store;
    };
    after(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('keeps entries in order with their original text, time, language and node', async () => {
      const store = make();
      const id = newId();
      await store.append(id, [{ at: 1, from: 'user', text: 'أريد التحدث مع موظف', locale: 'ar' }]);
      await store.append(id, [
        { at: 2, from: 'bot', text: 'line one\n<b>two</b>', locale: 'ar', node: 'handoff.queued' },
        { at: 3, from: 'caseworker', text: 'hej', author: 'anna' },
      ]);
      expect(await store.read(id)).to.deep.equal([
        { at: 1, from: 'user', text: 'أريد التحدث مع موظف', locale: 'ar' },
        { at: 2, from: 'bot', text: 'line one\n<b>two</b>', locale: 'ar', node: 'handoff.queued' },
        { at: 3, from: 'caseworker', text: 'hej', author: 'anna' },
      ]);
      expect((await store.read(id, 2)).map((e) => e.at), 'the newest, oldest first').to.deep.equal([2, 3]);
      expect(await store.read(newId())).to.deep.equal([]);
    });

    it(`keeps at most ${TRANSCRIPT_MAX} entries, dropping the oldest`, async () => {
      const store = make();
      const id = newId();
      const many = Array.from({ length: TRANSCRIPT_MAX + 5 }, (_, i) => ({ at: i, from: 'user' as const, text: `m${i}` }));
      await store.append(id, many);
      const kept = await store.read(id);
      expect(kept).to.have.length(TRANSCRIPT_MAX);
      expect(kept[0].at).to.equal(5);
    });

    it('erases, and forgets after the retention time', async () => {
      // A retention long enough that a loaded machine reads b before it expires, then a wait for the expiry.
      const store = make(1000);
      const a = newId();
      const b = newId();
      await store.append(a, [{ at: 1, from: 'user', text: 'x' }]);
      await store.append(b, [{ at: 1, from: 'user', text: 'y' }]);
      await store.erase(a);
      expect(await store.read(a)).to.deep.equal([]);
      expect(await store.read(b)).to.have.length(1);
      const deadline = Date.now() + 6000;
      while ((await store.read(b)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await store.read(b)).to.deep.equal([]);
    });
  });
}
