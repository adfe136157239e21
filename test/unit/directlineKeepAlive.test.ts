import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import sinon from 'sinon';
import type { WebSocket } from 'ws';
import { KeepAlive } from '../../src/channels/directline/stream';

/** Just what the keep-alive uses of a WebSocket. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: number[] = [];
  constructor(private readonly clock: sinon.SinonFakeTimers) {
    super();
  }
  send(data: string): void {
    if (data === '') this.sent.push(this.clock.now);
  }
}

describe('Direct Line keep-alive: one timer for every WebSocket', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers()));
  afterEach(() => clock.restore());

  it('sends each open socket an empty frame every 20 s, spread so that no tick sends to more than a twentieth of them', () => {
    const keepAlive = new KeepAlive();
    const sockets = Array.from({ length: 1000 }, () => new FakeSocket(clock));
    for (const s of sockets) keepAlive.add(s as unknown as WebSocket);
    const perTick: number[] = [];
    for (let t = 0; t < 60; t++) {
      const before = sockets.reduce((n, s) => n + s.sent.length, 0);
      clock.tick(1000);
      perTick.push(sockets.reduce((n, s) => n + s.sent.length, 0) - before);
    }
    for (const s of sockets) {
      expect(s.sent).to.have.length(3);
      expect(s.sent[1] - s.sent[0]).to.equal(20_000);
    }
    expect(Math.max(...perTick)).to.equal(50);
    keepAlive.stop();
  });

  it('forgets a closed socket and sends nothing after stop', () => {
    const keepAlive = new KeepAlive();
    const open = new FakeSocket(clock);
    const closed = new FakeSocket(clock);
    keepAlive.add(open as unknown as WebSocket);
    keepAlive.add(closed as unknown as WebSocket);
    closed.readyState = 3;
    closed.emit('close');
    clock.tick(20_000);
    expect(open.sent).to.have.length(1);
    expect(closed.sent).to.deep.equal([]);
    keepAlive.stop();
    clock.tick(60_000);
    expect(open.sent).to.have.length(1);
  });
});
