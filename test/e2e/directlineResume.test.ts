/**
 * Web Chat's way of resuming: botframework-directlinejs given the token's `conversationId`
 * reconnects (GET /conversations/{id}) instead of starting. Azure's Direct Line accepts that for a
 * conversation its token endpoint minted but nobody started yet; so does this service (#14).
 */
import { expect } from 'chai';
import WebSocket from 'ws';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';

const g = globalThis as Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
g.XMLHttpRequest ??= require('xhr2');
g.WebSocket ??= WebSocket;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs') as typeof import('botframework-directlinejs');

for (const webSocket of [false, true]) {
  describe(`botframework-directlinejs resumes a minted, not yet started conversation (${webSocket ? 'WebSocket' : 'polling'})`, function () {
    this.timeout(30_000);
    let app: App;
    let url: string;
    before(async () => ({ app, url } = await startApp({ DIRECTLINE_TOKEN_SECRET: 'e2e-resume-secret-0123456789abcdef0123' })));
    after(() => app.stop());

    it('connects with the token\'s conversationId and is welcomed', async () => {
      const res = await fetch(`${url}/api/directline/token`, { method: 'POST' });
      const token = (await res.json()) as { conversationId: string; token: string };
      const dl = new DirectLine({ domain: `${url}/v3/directline`, token: token.token, conversationId: token.conversationId, webSocket, pollingInterval: 200, timeout: 10_000 });
      const statuses: number[] = [];
      const received: { from?: { role?: string }; conversation?: { id?: string } }[] = [];
      dl.connectionStatus$.subscribe({ next: (s) => statuses.push(s), error: () => undefined });
      dl.activity$.subscribe({ next: (a) => received.push(a as never), error: () => undefined });
      try {
        const deadline = Date.now() + 15_000;
        while (!received.some((a) => a.from?.role === 'bot')) {
          if (Date.now() > deadline || statuses.includes(ConnectionStatus.FailedToConnect)) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        expect(statuses, 'connection statuses').to.not.include(ConnectionStatus.FailedToConnect);
        expect(statuses).to.include(ConnectionStatus.Online);
        expect(received.some((a) => a.from?.role === 'bot'), 'the welcome').to.equal(true);
        expect(received.every((a) => a.conversation?.id === token.conversationId)).to.equal(true);
      } finally {
        dl.end();
      }
    });
  });
}
