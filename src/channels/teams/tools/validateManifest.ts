import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * Validates a Teams manifest (or a localization file) against the JSON schema of the version it
 * declares in `$schema`, as shipped in Microsoft's npm package @microsoft/app-manifest
 * (build/json-schemas/teams/v1.<n>/). Returns the problems, none when valid.
 */
export function validateTeamsJson(document: Record<string, unknown>): string[] {
  const ref = String(document.$schema ?? '');
  const match = /\/json-schemas\/teams\/(v[\d.]+|vDevPreview)\/(MicrosoftTeams(?:\.Localization)?\.schema\.json)$/.exec(ref);
  if (!match) return [`$schema "${ref}" is not a Teams manifest schema URL`];
  const packageDir = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const schemaPath = join(packageDir, 'build', 'json-schemas', 'teams', match[1], match[2]);
  let schema: Record<string, unknown>;
  try {
    schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  } catch {
    return [`no schema for ${match[1]} in @microsoft/app-manifest (${schemaPath})`];
  }
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }); // Microsoft's localization schema has patterns that are not valid with the u flag;
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}
