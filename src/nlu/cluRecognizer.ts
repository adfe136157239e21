import { AzureKeyCredential, ConversationAnalysisClient, type ConversationalTask } from '@azure/ai-language-conversations';
import type { CluConfig } from '../config';
import { MIN_INTENT_SCORE, type EmbeddedRecognizer } from './embeddedRecognizer';
import { isIntent, type Intent } from './intents';
import type { Recognition, Recognizer } from './recognizer';

export type FallbackReason = 'timeout' | 'error' | 'unusable';

export interface CluRecognizerDeps {
  config: CluConfig;
  /** Answers when CLU does not: on error, after the timeout, or with an answer it cannot use. */
  fallback: EmbeddedRecognizer;
  onFallback?(reason: FallbackReason): void;
}

/** CLU's built-in intent for "nothing fits"; `clu:export` files our `none` phrases under it. */
export const CLU_NONE = 'None';

/** CLU's intent names are the project's own (`clu:export` writes them), e.g. `topic.work.igu`. */
export function fromCluIntent(category: string | undefined): Intent | undefined {
  if (category === CLU_NONE) return 'none';
  return category !== undefined && isIntent(category) ? category : undefined;
}

/**
 * Understanding through Azure AI Language (CLU) with Microsoft's client library. Numbers and the
 * message's language come from the same deterministic readers as the embedded recogniser, so both
 * answer alike; on an error, after `timeoutMs`, or with an answer it cannot use, the embedded
 * recogniser answers instead. Never rejects.
 */
export class CluRecognizer implements Recognizer {
  private readonly client: ConversationAnalysisClient;

  constructor(private readonly deps: CluRecognizerDeps) {
    this.client = new ConversationAnalysisClient(deps.config.endpoint, new AzureKeyCredential(deps.config.key), {
      // One attempt: a retry would only make the user wait for the fallback.
      retryOptions: { maxRetries: 0 },
      // Plain http only for a service on this machine (config allows it for loopback hosts only).
      allowInsecureConnection: deps.config.endpoint.startsWith('http://'),
    });
  }

  async recognize(text: string, locale: string): Promise<Recognition> {
    const { fallback } = this.deps;
    const number = fallback.numbers.read(text);
    const language = fallback.languages.identify(text);
    if (number?.alone || text.trim() === '') return fallback.recognize(text, locale);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.deps.config.timeoutMs);
    let reason: FallbackReason = 'error';
    try {
      const task: ConversationalTask = {
        kind: 'Conversation',
        analysisInput: { conversationItem: { id: '1', participantId: 'user', text, language: language?.code ?? locale, modality: 'text' } },
        parameters: { projectName: this.deps.config.project, deploymentName: this.deps.config.deployment, stringIndexType: 'Utf16CodeUnit', isLoggingEnabled: false },
      };
      const response = await this.client.analyzeConversation(task, { abortSignal: abort.signal });
      const prediction = response.kind === 'ConversationResult' ? response.result.prediction : undefined;
      if (prediction?.projectKind === 'Conversation') {
        const top = prediction.intents.find((i) => i.category === prediction.topIntent) ?? prediction.intents[0];
        const intent = fromCluIntent(top?.category);
        if (intent && typeof top.confidence === 'number') {
          // Below the same threshold as the embedded recogniser, nothing fits.
          const sure = top.confidence >= MIN_INTENT_SCORE;
          return {
            intent: sure ? intent : 'none',
            score: Math.round((sure ? top.confidence : 1 - top.confidence) * 1000) / 1000,
            ...(number ? { entities: { number: number.value } } : {}),
            ...(language ? { language } : {}),
          };
        }
      }
      reason = 'unusable';
    } catch {
      reason = abort.signal.aborted ? 'timeout' : 'error';
    } finally {
      clearTimeout(timer);
    }
    this.deps.onFallback?.(reason);
    return fallback.recognize(text, locale);
  }
}
