import type { Config } from '../config';
import type { Metrics } from '../metrics';
import { CluRecognizer } from './cluRecognizer';
import { EmbeddedRecognizer } from './embeddedRecognizer';
import type { Recognizer } from './recognizer';

export type { Recognition, Recognizer } from './recognizer';
export { INTENTS, type Intent, topicOf } from './intents';

let shared: EmbeddedRecognizer | undefined;

/** The embedded recogniser, trained once per process from locales/<lng>/nlu.json (the phrases do not change while it runs). */
export function embeddedRecognizer(): EmbeddedRecognizer {
  return (shared ??= new EmbeddedRecognizer());
}

/** The recogniser the configuration asks for: Azure CLU when CLU_* are set (embedded as fallback), else embedded. */
export function createRecognizer(config: Pick<Config, 'clu'>, metrics: Metrics, embedded: EmbeddedRecognizer = embeddedRecognizer()): Recognizer {
  if (!config.clu) return embedded;
  return new CluRecognizer({ config: config.clu, fallback: embedded, onFallback: (reason) => metrics.cluFallbacks.inc({ reason }) });
}
