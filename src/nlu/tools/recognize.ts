/**
 * `npm run --silent recognize -- --text "…" [--locale xx]`: one JSON line
 * {"intent","score","language","languageConfidence","safety"} for the text.
 * `--file F.jsonl` (lines {"text","locale"?}): one JSON line per input line, in order, in one process.
 * Uses Azure CLU when CLU_* are set, else the embedded recogniser (the same as the bot).
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../config';
import { Metrics } from '../../metrics';
import { createRecognizer } from '../index';
import type { Recognizer } from '../recognizer';
import { SafetyScreen } from '../safety';

interface Args {
  text?: string;
  file?: string;
  locale?: string;
}

const USAGE = 'usage: npm run --silent recognize -- --text "message" [--locale da] | --file messages.jsonl';

function parseArgs(argv: string[]): Args {
  const args: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    if (!['--text', '--file', '--locale'].includes(name) || value === undefined) throw new Error(`unexpected argument ${JSON.stringify(name)}`);
    args[name.slice(2) as keyof Args] = value;
    i++;
  }
  if ((args.text === undefined) === (args.file === undefined)) throw new Error('give either --text or --file');
  return args;
}

async function line(recognizer: Recognizer, screen: SafetyScreen, text: string, locale: string): Promise<string> {
  const r = await recognizer.recognize(text, locale);
  const safety = screen.screen(text, [locale]);
  return JSON.stringify({
    intent: r.intent,
    score: r.score,
    language: r.language?.code ?? null,
    languageConfidence: r.language ? Math.round(r.language.confidence * 1000) / 1000 : null,
    safety: safety?.category ?? null,
    ...(r.entities ? { entities: r.entities } : {}),
  });
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  // Only the settings this tool uses, so an unrelated service setting cannot stop it.
  const wanted = ['CLU_ENDPOINT', 'CLU_KEY', 'CLU_PROJECT', 'CLU_DEPLOYMENT', 'CLU_TIMEOUT_MS', 'ENABLED_LOCALES', 'DEFAULT_LOCALE'];
  const config = loadConfig(Object.fromEntries(wanted.map((name) => [name, process.env[name]])));
  const recognizer = createRecognizer(config, new Metrics({ defaultMetrics: false }));
  const screen = SafetyScreen.load();
  const locale = (args.locale ?? config.defaultLocale).toLowerCase();
  if (args.text !== undefined) {
    process.stdout.write((await line(recognizer, screen, args.text, locale)) + '\n');
    return 0;
  }
  let input: string;
  try {
    input = readFileSync(args.file!, 'utf8');
  } catch (err) {
    process.stderr.write(`cannot read ${args.file}: ${(err as Error).message}\n`);
    return 2;
  }
  const out: string[] = [];
  const lines = input.split('\n');
  if (lines[lines.length - 1].trim() === '') lines.pop();
  for (const [i, raw] of lines.entries()) {
    let item: { text?: unknown; locale?: unknown };
    try {
      item = JSON.parse(raw) as { text?: unknown; locale?: unknown };
    } catch {
      out.push(JSON.stringify({ error: `line ${i + 1} is not JSON` }));
      continue;
    }
    if (typeof item?.text !== 'string') {
      out.push(JSON.stringify({ error: `line ${i + 1} has no "text" string` }));
      continue;
    }
    const lng = typeof item.locale === 'string' && item.locale !== '' ? item.locale.toLowerCase() : locale;
    out.push(await line(recognizer, screen, item.text, lng));
  }
  process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`recognize failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
