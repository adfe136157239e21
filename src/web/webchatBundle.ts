/**
 * Web Chat for the chat page, bundled with esbuild from botframework-webchat's own modules, with
 * only what the page uses: the minimal bundle's `renderWebChat` and `createDirectLine` (React,
 * the transcript, send box, suggested actions, its accessibility and right-to-left support, the
 * Direct Line WebSocket) plus Web Chat's own Markdown renderer (links in the bot's messages,
 * sanitised). Left out, compared with the full bundle on the npm package: Adaptive Cards (the bot
 * sends them only to Teams), speech (react-say and react-dictate-button are empty: the page gives
 * Web Chat no speech ponyfill), the Direct Line App Service extension and old-browser
 * polyfills (Promise, URLSearchParams, core-js: browsers before ES2019 are not supported), the CSS
 * parser of sanitize-html (Web Chat allows no style attributes) and htmlparser2's DOM side (it
 * uses only the parser), markdown-it's entity table (htmlparser2's decoder answers the same), the
 * file-type table of uploads (the page has no upload button), a second Markdown parser (Web Chat's
 * link definitions are read line by line), Web Chat's Globalize formatters for languages this
 * project does not have, and all its UI strings but English: the page fetches those of the
 * language chosen (webchatStrings). `npm run bench` prints what
 * each option costs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import type { Plugin } from 'esbuild';
import { PROJECT_ROOT } from '../projectRoot';

const requireHere = createRequire(join(PROJECT_ROOT, 'package.json'));
const BUNDLE_FORMAT = 10; // bump when the build below changes

/** Web Chat's tag for each language it has UI strings for (the page maps codes the same way). */
export const WEBCHAT_LOCALES: Record<string, string> = {
  ar: 'ar-SA', bg: 'bg-BG', ca: 'ca-ES', cs: 'cs-CZ', da: 'da-DK', de: 'de-DE', el: 'el-GR', en: 'en-US', es: 'es-ES',
  et: 'et-EE', eu: 'eu-ES', fi: 'fi-FI', fr: 'fr-FR', gl: 'gl-ES', he: 'he-IL', hi: 'hi-IN', hr: 'hr-HR', hu: 'hu-HU',
  id: 'id-ID', it: 'it-IT', ja: 'ja-JP', kk: 'kk-KZ', ko: 'ko-KR', lt: 'lt-LT', lv: 'lv-LV', ms: 'ms-MY', nb: 'nb-NO',
  nl: 'nl-NL', pl: 'pl-PL', pt: 'pt-PT', ro: 'ro-RO', ru: 'ru-RU', sk: 'sk-SK', sl: 'sl-SI', sv: 'sv-SE', th: 'th-TH',
  tr: 'tr-TR', uk: 'uk-UA', vi: 'vi-VN',
};

/** The folder of an installed package (its package.json need not be in its "exports"). */
export function packageDir(name: string): string {
  for (const dir of requireHere.resolve.paths(name) ?? []) if (existsSync(join(dir, name, 'package.json'))) return join(dir, name);
  throw new Error(`${name} is not installed (npm install)`);
}

function version(name: string): string {
  return (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;
}

/** What the bundle depends on: a change in any of them means a new build. */
export function webchatBundleKey(languages: string[]): string {
  const versions = ['botframework-webchat', 'react', 'react-dom', 'esbuild'].map((n) => `${n}@${version(n)}`);
  return createHash('sha256').update(JSON.stringify({ BUNDLE_FORMAT, versions, languages: keptLocales(languages) })).digest('hex');
}

function keptLocales(languages: string[]): string[] {
  return [...new Set(['en-US', ...languages.map((l) => WEBCHAT_LOCALES[l]).filter(Boolean)])].sort();
}

/** Web Chat's UI strings of each of the project's languages it has (as its own table merges them), without English, which the bundle keeps. */
export function webchatStrings(languages: string[]): Record<string, Record<string, unknown>> {
  const dir = join(packageDir('botframework-webchat-api'), 'src', 'localization');
  const overrides = JSON.parse(readFileSync(join(dir, 'overrides.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  const out: Record<string, Record<string, unknown>> = {};
  for (const tag of keptLocales(languages)) {
    if (tag === 'en-US') continue;
    out[tag] = { ...(JSON.parse(readFileSync(join(dir, `${tag}.json`), 'utf8')) as Record<string, unknown>), ...(overrides[tag] ?? {}) };
  }
  return out;
}

/** The esbuild plugin that makes the package's modules bundle to what the page needs, and no more. */
export function webchatPlugin(languages: string[]): Plugin {
  const modules = join(PROJECT_ROOT, 'node_modules');
  const api = join(packageDir('botframework-webchat-api'), 'src');
  // Web Chat's UI strings: English (its fallback) and the per-language settings in the bundle; the other languages' come
  // with the page, one file per language (webchatStrings), fetched for the language chosen only
  const keep = new Set(['en-US', 'overrides']);
  return {
    name: 'tonder-webchat',
    setup(build) {
      // The "-es5" wrappers are compiled by an install script the project does not run; their source re-exports the real package.
      build.onResolve({ filter: /^(p-defer|markdown-it-attrs|abort-controller)-es5$/ }, (args) => ({ path: join(modules, args.path, 'src', 'index.mjs') }));
      // Web Chat's CommonJS modules (the Markdown renderer) use the same ES module copies as the rest, not a second copy.
      build.onResolve({ filter: /^botframework-webchat-(core|component)(\/.*)?$/ }, async (args) => {
        if (args.kind !== 'require-call' || args.pluginData === 'esm') return undefined;
        const resolved = await build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, pluginData: 'esm' });
        return resolved.errors.length ? undefined : { path: resolved.path };
      });
      // botframework-webchat-api from its TypeScript source, so its UI strings can be limited to this project's languages.
      build.onResolve({ filter: /^botframework-webchat-api(\/internal|\/decorator)?$/ }, (args) => {
        const sub = args.path.slice('botframework-webchat-api'.length);
        return { path: sub === '' ? join(api, 'index.ts') : sub === '/internal' ? join(api, 'internal.ts') : join(api, 'decorator', 'index.ts') };
      });
      build.onLoad({ filter: /botframework-webchat-api[\\/]src[\\/]localization[\\/][^\\/]+\.json$/ }, (args) => (keep.has(basename(args.path, '.json')) ? undefined : { contents: '{}', loader: 'json' }));
      // Direct Line over HTTP and WebSocket only: no App Service extension (botframework-streaming), no IE polyfills.
      build.onResolve({ filter: /^\.\/directLineStreaming$/ }, (args) => (args.importer.includes('botframework-directlinejs') ? { path: 'directLineStreaming', namespace: 'tonder-stub' } : undefined));
      build.onResolve({ filter: /^(core-js\/features\/promise|url-search-params-polyfill)$/ }, (args) => (args.importer.includes('botframework-directlinejs') ? { path: 'empty', namespace: 'tonder-stub' } : undefined));
      // sanitize-html parses style attributes with postcss; Web Chat allows none, and a parse that throws drops the attribute.
      build.onResolve({ filter: /^postcss$/ }, (args) => (/sanitize-html/.test(args.importer) ? { path: 'postcss', namespace: 'tonder-stub' } : undefined));
      // Babel's core-js polyfills (the package is built for IE11): the browser's own built-ins, which every browser
      // the page supports (ES2019) has. `instance/map` is `it => it.map`, `object/keys` is `Object.keys`, and so on.
      build.onResolve({ filter: /^@babel\/runtime-corejs3\/core-js(-stable)?\/.+$/ }, (args) => ({ path: args.path.replace(/^.*core-js(-stable)?\//, ''), namespace: 'tonder-native' }));
      build.onLoad({ filter: /.*/, namespace: 'tonder-native' }, (args) => ({ contents: nativeBuiltIn(args.path), loader: 'js' }));
      build.onResolve({ filter: /^@babel\/runtime-corejs3\/(helpers\/.+|regenerator)$/ }, (args) => {
        const plain = join(packageDir('@babel/runtime'), args.path.slice('@babel/runtime-corejs3/'.length));
        return existsSync(`${plain}.js`) || existsSync(join(plain, 'index.js')) ? build.resolve(args.path.replace('runtime-corejs3', 'runtime'), { kind: args.kind, resolveDir: args.resolveDir }) : undefined;
      });
      build.onResolve({ filter: /^core-js\/modules\/es\.[\w.-]+(\.js)?$/ }, () => ({ path: 'empty', namespace: 'tonder-stub' }));
      // Globalize's formatters precompiled for every language Web Chat has: only this project's (and English) are kept.
      build.onLoad({ filter: /botframework-webchat-api[\\/]src[\\/]external[\\/]PrecompiledGlobalize\.js$/ }, (args) => ({ contents: keepGlobalizeLanguages(readFileSync(args.path, 'utf8'), keptLocales(languages)), loader: 'js' }));
      // mime names the type of an uploaded file; the page has no upload button (the type falls back to application/octet-stream).
      build.onResolve({ filter: /^mime$/ }, (args) => (args.importer.includes('botframework-webchat-core') ? { path: 'mime', namespace: 'tonder-stub' } : undefined));
      // sanitize-html uses only htmlparser2's Parser: not its DOM builder, DOM utilities and serializer (with the entity encoder).
      build.onResolve({ filter: /^htmlparser2$/ }, async (args) => {
        if (!/sanitize-html/.test(args.importer) || args.pluginData === 'whole') return undefined;
        const whole = await build.resolve('htmlparser2', { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'whole' });
        if (whole.errors.length || !whole.path.endsWith(join('lib', 'index.js'))) return undefined;
        return { path: whole.path.replace(/index\.js$/, 'Parser.js') };
      });
      // markdown-it's table of the 2,125 HTML entity names (33 KB): the same answers from the decoder htmlparser2 already brings.
      build.onResolve({ filter: /^entities\/lib\/maps\/entities\.json$/ }, (args) => (/markdown-it/.test(args.importer) ? { path: 'markdownEntities', namespace: 'tonder-stub', pluginData: args.resolveDir } : undefined));
      // Web Chat parses each message a second time (mdast-util-from-markdown, micromark: 50 KB) only for its link
      // reference definitions (`[1]: https://… "title"`, its citations): one line each is read here instead.
      build.onResolve({ filter: /^mdast-util-from-markdown$/ }, (args) => (/botframework-webchat/.test(args.importer) ? { path: 'linkDefinitions', namespace: 'tonder-stub' } : undefined));
      // Speech (text to speech, dictation) needs a speech ponyfill the page does not give Web Chat: its React parts are empty.
      build.onResolve({ filter: /^react-(say|dictate-button)$/ }, (args) => (/botframework-webchat-component/.test(args.importer) ? { path: args.path, namespace: 'tonder-stub' } : undefined));
      const stubs: Record<string, string> = {
        'react-say': 'export default function Say() { return null; }\nexport function SayUtterance() { return null; }\nexport function Composer(props) { return props.children === undefined ? null : props.children; }',
        'react-dictate-button': 'export function Composer() { return null; }',
        linkDefinitions: LINK_DEFINITIONS,
        markdownEntities: [
          `var decodeHTMLStrict = require(${JSON.stringify(join(packageDir('entities'), 'lib', 'decode.js'))}).decodeHTMLStrict;`,
          // "name" is an entity when "&name;" decodes (strictly: all of it, with its semicolon)
          'function lookup(name) { if (typeof name !== "string" || !/^[A-Za-z][A-Za-z0-9]{1,31}$/.test(name)) return undefined; var text = decodeHTMLStrict("&" + name + ";"); return text === "&" + name + ";" ? undefined : text; }',
          'module.exports = new Proxy({}, {',
          '  get: function (_, name) { return lookup(name); },',
          '  has: function (_, name) { return lookup(name) !== undefined; },',
          '  getOwnPropertyDescriptor: function (_, name) { var value = lookup(name); return value === undefined ? undefined : { value: value, writable: false, enumerable: true, configurable: true }; }',
          '});',
        ].join('\n'),
        mime: 'export default { getType: function () { return null; } };',
        empty: '',
        directLineStreaming: 'export class DirectLineStreaming { constructor() { throw new Error("Direct Line App Service extension is not in this build of Web Chat"); } }',
        postcss: 'export function parse() { throw new Error("no CSS parser in this build"); }',
      };
      build.onLoad({ filter: /.*/, namespace: 'tonder-stub' }, (args) => ({ contents: stubs[args.path], loader: 'js', resolveDir: PROJECT_ROOT }));
    },
  };
}

/**
 * `fromMarkdown` as far as Web Chat uses it: the top-level link reference definitions, as mdast
 * `definition` nodes (identifier, label, url, title). CommonMark's one-line form only: a definition
 * split over lines, or one inside a code block, is read differently (the bot's texts have none).
 */
export const LINK_DEFINITIONS = [
  'var DEFINITION = /^ {0,3}\\[((?:[^\\[\\]\\\\]|\\\\.){1,999})\\]:[ \\t]*(?:<([^<>\\n]*)>|(\\S+))(?:[ \\t]+(?:"((?:[^"\\\\]|\\\\.)*)"|\'((?:[^\'\\\\]|\\\\.)*)\'|\\(((?:[^()\\\\]|\\\\.)*)\\)))?[ \\t]*$/;',
  'export function fromMarkdown(markdown) {',
  '  var children = [];',
  '  String(markdown || "").split(/\\r?\\n/).forEach(function (line) {',
  '    var m = DEFINITION.exec(line);',
  '    if (!m || !m[1].trim()) return;',
  '    var title = m[4] !== undefined ? m[4] : m[5] !== undefined ? m[5] : m[6] !== undefined ? m[6] : null;',
  '    children.push({ type: "definition", identifier: m[1].replace(/\\s+/g, " ").trim().toLowerCase(), label: m[1], url: m[2] !== undefined ? m[2] : m[3], title: title });',
  '  });',
  '  return { type: "root", children: children };',
  '}',
].join('\n');

const NATIVE_GLOBALS: Record<string, string> = { json: 'JSON', math: 'Math', 'parse-float': 'parseFloat', 'parse-int': 'parseInt', 'set-timeout': 'setTimeout', 'set-interval': 'setInterval', 'clear-timeout': 'clearTimeout', 'clear-interval': 'clearInterval', url: 'URL' };
const camel = (s: string) => s.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
const pascal = (s: string) => camel(s).replace(/^\w/, (c) => c.toUpperCase());

/** The built-in a core-js path stands for: `instance/for-each` → a function returning `it.forEach`, `object/keys` → `Object.keys`, `set` → `Set`. */
export function nativeBuiltIn(path: string): string {
  const [first, second] = path.replace(/(\/index)?\.js$/, '').split('/');
  if (first === 'instance' && second) return `module.exports = function (it) { return it.${camel(second)}; };`;
  const global = NATIVE_GLOBALS[first] ?? pascal(first);
  return `module.exports = globalThis.${global}${second ? `.${camel(second)}` : ''};`;
}

/** PrecompiledGlobalize.js without the statements that build formatters for languages not kept (`Globalize("zh-Hant-MO")…`). */
export function keepGlobalizeLanguages(source: string, locales: string[]): string {
  const kept = new Set(locales.map((l) => l.split('-')[0]));
  const ending = '\nexport default Globalize;';
  if (!source.includes(ending)) throw new Error('PrecompiledGlobalize.js: its layout changed (no "export default Globalize;")');
  const statements = source
    .replace(ending, '')
    .split(/\n(?=Globalize\.[ab]\d+ = )/)
    .filter((statement) => [...statement.matchAll(/Globalize\("([^"]+)"\)/g)].every((m) => kept.has(m[1].split('-')[0])));
  return `${statements.join('\n')}${ending}\n`;
}

/**
 * The page's Web Chat as one minified script that sets `window.WebChat = { createDirectLine,
 * renderWebChat }`, and the licence notices of everything in it.
 */
export async function buildWebchatBundle(languages: string[]): Promise<{ script: Buffer; licences: Buffer }> {
  const esbuild = await import('esbuild');
  const lib = join(packageDir('botframework-webchat'), 'lib');
  const dist = join(packageDir('botframework-webchat'), 'dist');
  const entry = [
    `import { createDirectLine, renderWebChat } from ${JSON.stringify(join(dist, 'botframework-webchat.minimal.mjs'))};`,
    `import renderMarkdown from ${JSON.stringify(join(lib, 'markdown', 'renderMarkdown.js'))};`,
    // `WebSocket` (DirectLineJS's own option, which Web Chat's createDirectLine does not pass on): the page hands over the socket it opened early
    'function createPageDirectLine(options) { var directLine = createDirectLine(options); if (options.WebSocket && directLine.services) directLine.services.WebSocket = options.WebSocket; return directLine; }',
    'window.WebChat = { createDirectLine: createPageDirectLine, renderWebChat: function (props, element) { return renderWebChat(Object.assign({ renderMarkdown: renderMarkdown }, props), element); } };',
  ].join('\n');
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: PROJECT_ROOT, loader: 'js', sourcefile: 'webchat-entry.js' },
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    target: ['es2019'],
    loader: { '.js': 'jsx' },
    define: { 'process.env.NODE_ENV': '"production"', 'process.env': '{}', global: 'globalThis' },
    legalComments: 'external',
    outfile: join(PROJECT_ROOT, 'dist', 'web-build', 'webchat.js'),
    logLevel: 'error',
    plugins: [webchatPlugin(languages)],
  });
  const file = (suffix: string) => Buffer.from(result.outputFiles.find((f) => f.path.endsWith(suffix))?.contents ?? new Uint8Array());
  return { script: file('webchat.js'), licences: file('.LEGAL.txt') };
}
