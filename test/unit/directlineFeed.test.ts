import { expect } from 'chai';
import { ConversationFeed, frameOf } from '../../src/channels/directline/feed';
import type { LoggedActivity } from '../../src/channels/directline/activityLog';

/** A conversation's log as the feed reads it, and every frame the socket was sent. */
function setUp(stored: number, from = 0) {
  const log = Array.from({ length: stored }, (_, i) => ({ id: `c|${i + 1}`, text: `m${i + 1}` }));
  const frames: { activities: { id: string }[]; watermark: string }[] = [];
  let reads = 0;
  let release: (() => void) | undefined;
  const state = { hold: false };
  const feed = new ConversationFeed(from, {
    read: async (after) => {
      reads++;
      if (state.hold) await new Promise<void>((r) => (release = r));
      const activities = log.slice(after, after + 2); // two per read: a backlog takes several
      return { activities, watermark: String(after + activities.length) };
    },
    send: (frame) => frames.push(JSON.parse(frame) as (typeof frames)[number]),
    isOpen: () => true,
    onReadError: () => undefined,
  });
  const logged = (n: number): LoggedActivity => {
    while (log.length < n) log.push({ id: `c|${log.length + 1}`, text: `m${log.length + 1}` });
    return { watermark: n, json: JSON.stringify(log[n - 1]) };
  };
  return { feed, frames, logged, reads: () => reads, state, release: () => release?.() };
}

const ids = (frames: { activities: { id: string }[] }[]) => frames.flatMap((f) => f.activities.map((a) => a.id));

describe('Direct Line feed: what one WebSocket is sent', () => {
  it('sends the backlog, then each notification as it came, without reading the log', async () => {
    const t = setUp(3);
    await t.feed.catchUp();
    expect(ids(t.frames)).to.deep.equal(['c|1', 'c|2', 'c|3']);
    const readsAfterBacklog = t.reads();
    t.feed.notify(t.logged(4));
    t.feed.notify(t.logged(5));
    expect(ids(t.frames)).to.deep.equal(['c|1', 'c|2', 'c|3', 'c|4', 'c|5']);
    expect(t.reads(), 'no read per notification').to.equal(readsAfterBacklog);
    expect(t.frames.at(-1)!.watermark).to.equal('5');
  });

  it('skips a notification it has sent already, and fills a gap from the log', async () => {
    const t = setUp(2);
    await t.feed.catchUp();
    t.feed.notify(t.logged(2)); // in the backlog already
    t.logged(3); // its notification was lost
    t.feed.notify(t.logged(4));
    await new Promise((r) => setImmediate(r));
    expect(ids(t.frames)).to.deep.equal(['c|1', 'c|2', 'c|3', 'c|4']);
  });

  it('loses nothing and sends nothing twice when notifications arrive while the backlog is read', async () => {
    const t = setUp(1);
    t.state.hold = true;
    const backlog = t.feed.catchUp();
    t.feed.notify(t.logged(2));
    t.feed.notify(t.logged(3));
    t.state.hold = false;
    t.release();
    await backlog;
    expect(ids(t.frames)).to.deep.equal(['c|1', 'c|2', 'c|3']);
  });

  it('builds a frame from the stored text as an ActivitySet', () => {
    const json = JSON.stringify({ id: 'c|0000007', type: 'message', text: 'مرحبا "x" </script>' });
    expect(JSON.parse(frameOf({ watermark: 7, json }))).to.deep.equal({ activities: [JSON.parse(json)], watermark: '7' });
  });
});
