import { createServer, type IncomingMessage, type Server } from 'node:http';
import { CLU_NONE } from '../../src/nlu/cluRecognizer';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';

/** How the fake CLU service behaves: answer, never answer (timeout), or fail with 500. */
export type FakeCluMode = 'answer' | 'hang' | 'error500';

export interface FakeCluRequest {
  path: string;
  apiVersion: string | null;
  key: string | undefined;
  body: { kind?: string; analysisInput?: { conversationItem?: { text?: string; language?: string } }; parameters?: { projectName?: string; deploymentName?: string } };
}

export interface FakeClu {
  endpoint: string;
  requests: FakeCluRequest[];
  mode: FakeCluMode;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/**
 * A local stand-in for Azure AI Language on 127.0.0.1: answers
 * POST /language/:analyze-conversations?api-version=… in CLU's REST shape (wire name
 * `confidenceScore`), classifying from the same example phrases as the embedded recogniser, as a
 * CLU project imported from `npm run clu:export` would.
 */
export async function startFakeClu(options: { mode?: FakeCluMode; key?: string; classifier?: EmbeddedRecognizer } = {}): Promise<FakeClu> {
  const classifier = options.classifier ?? new EmbeddedRecognizer();
  const requests: FakeCluRequest[] = [];
  const state = { mode: options.mode ?? ('answer' as FakeCluMode) };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const raw = await readBody(req);
      let body: FakeCluRequest['body'] = {};
      try {
        body = JSON.parse(raw) as FakeCluRequest['body'];
      } catch {
        // recorded as empty
      }
      const key = req.headers['ocp-apim-subscription-key'];
      requests.push({ path: url.pathname, apiVersion: url.searchParams.get('api-version'), key: typeof key === 'string' ? key : undefined, body });
      const json = (status: number, payload: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (state.mode === 'hang') return; // never answers: the client's timeout decides
      if (state.mode === 'error500') return json(500, { error: { code: 'InternalServerError', message: 'injected failure' } });
      if (req.method !== 'POST' || url.pathname !== '/language/:analyze-conversations') return json(404, { error: { code: 'NotFound', message: 'no such route' } });
      if (options.key !== undefined && key !== options.key) return json(401, { error: { code: '401', message: 'Access denied due to invalid subscription key.' } });
      const text = body.analysisInput?.conversationItem?.text ?? '';
      const ranked = classifier.rank(text).slice(0, 5);
      const name = (label: string): string => (label === 'none' ? CLU_NONE : label);
      json(200, {
        kind: 'ConversationResult',
        result: {
          query: text,
          prediction: {
            projectKind: 'Conversation',
            topIntent: name(ranked[0]?.label ?? 'none'),
            intents: ranked.map((r) => ({ category: name(r.label), confidenceScore: Math.round(r.score * 1000) / 1000 })),
            entities: [],
          },
        },
      });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(mode: FakeCluMode) {
      state.mode = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
