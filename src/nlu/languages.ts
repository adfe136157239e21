/** The ten languages the bot understands, whether or not their path texts are enabled yet. */
export const NLU_LANGUAGES = ['da', 'en', 'de', 'uk', 'ru', 'ar', 'fa', 'ps', 'ti', 'so'] as const;

export type NluLanguage = (typeof NLU_LANGUAGES)[number];

export function isNluLanguage(code: string | undefined): code is NluLanguage {
  return code !== undefined && (NLU_LANGUAGES as readonly string[]).includes(code);
}
