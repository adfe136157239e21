/**
 * The chat page's static files, built once into dist/web/ (`npm run build`, or on the first start
 * when they are missing or older than their sources):
 *
 * - Web Chat, bundled with esbuild from botframework-webchat's own modules with only what the page
 *   uses (see webchatBundle.ts), under a content-hashed name;
 * - public/app.js and public/app.css under content-hashed names (the CSS gains the @font-face rules);
 * - the script fonts (fontsource packages) for the languages that need one, hashed, with their licence;
 * - every other top-level file of public/ (index.html pointing at the hashed names, privacy.html…)
 *   under its own name;
 * - each compressible file also precompressed as brotli (.br) and gzip (.gz).
 *
 * manifest.json lists them; the server (staticFiles.ts) reads it into memory.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { PROJECT_ROOT } from '../projectRoot';
import { buildWebchatBundle, packageDir, webchatBundleKey, webchatStrings } from './webchatBundle';

export const WEB_DIR = join(PROJECT_ROOT, 'dist', 'web');
const PUBLIC_DIR = join(PROJECT_ROOT, 'public');
const LOCALES_DIR = join(PROJECT_ROOT, 'locales');
const DIALOGS_DIR = join(PROJECT_ROOT, 'dialogs');
const FORMAT = 5;
const WEBCHAT_LICENCES = 'webchat-LICENSES.txt'; // bump when the layout of dist/web changes

export const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.ico']);

/** A font for a script the usual phone and PC fonts may lack, used only for the languages written in it. */
export interface ScriptFont {
  family: string;
  /** Names the font has when installed on the device: then nothing is downloaded. */
  localNames: string[];
  packageName: string;
  /** The script's file in the package's files/ folder (the package's @font-face block for it carries the unicode-range). */
  file: string;
  /** Cut down (at build time, harfbuzz's hb-subset) to the characters of these languages' texts (locales/, dialogs/) and `always`. */
  languages: string[];
  /** Characters kept whether the texts have them or not (the script's punctuation). */
  always: string;
  /** The weights kept of the variable font: regular only (bold is drawn by the browser; the texts have little), 17 KB instead of 27 KB with bold. */
  weights: { min: number; max: number };
}

export const SCRIPT_FONTS: ScriptFont[] = [
  {
    family: 'Noto Sans Ethiopic Variable',
    localNames: ['Noto Sans Ethiopic', 'NotoSansEthiopic-Regular'],
    packageName: '@fontsource-variable/noto-sans-ethiopic',
    file: 'noto-sans-ethiopic-ethiopic-wght-normal.woff2',
    languages: ['ti', 'am'],
    always: '\u1360\u1361\u1362\u1363\u1364\u1365\u1366\u1367\u1368', // ፠ ፡ ። ፣ ፤ ፥ ፦ ፧ ፨
    weights: { min: 400, max: 400 },
  },
];

/** The web font family a language's texts need, if any. */
export function fontFamilyFor(language: string): string | undefined {
  return SCRIPT_FONTS.find((f) => f.languages.includes(language))?.family;
}

export interface AssetEntry {
  /** File name under dist/web/. */
  file: string;
  type: string;
  /** Content-hashed name: cached for a year, never revalidated. */
  immutable: boolean;
  etag: string;
  /** Precompressed variants next to it (`<file>.br`, `<file>.gz`). */
  encodings: ('br' | 'gzip')[];
}

export interface AssetManifest {
  format: number;
  /** Hash of every input: a different one means the files are stale. */
  sourceKey: string;
  webchatKey: string;
  /** The hashed Web Chat file under dist/web/. */
  webchatFile: string;
  /** URL path → file. */
  files: Record<string, AssetEntry>;
  /** What each Web Chat option would cost, measured when the bundle was built (bench prints it). */
  webchatBytes: { raw: number; gzip: number; br: number };
}

function sha(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}


function publicFiles(): string[] {
  return readdirSync(PUBLIC_DIR)
    .filter((f) => statSync(join(PUBLIC_DIR, f)).isFile() && TYPES[extname(f)])
    .sort();
}

function fontPackageVersions(): string {
  return SCRIPT_FONTS.map((f) => `${f.packageName}@${(JSON.parse(readFileSync(join(packageDir(f.packageName), 'package.json'), 'utf8')) as { version: string }).version}`).join(',');
}

/** The project's languages (locales/ folders): Web Chat keeps its UI strings for these only. */
export function projectLanguages(): string[] {
  return readdirSync(LOCALES_DIR).filter((d) => existsSync(join(LOCALES_DIR, d, 'meta.json'))).sort();
}

/** The code points a unicode-range (`U+1200-1399, U+2D80-2DDE`) covers, as a test. */
function inRange(range: string): (codePoint: number) => boolean {
  const spans = range.split(',').map((part) => {
    const [from, to] = part.trim().replace(/^U\+/i, '').split('-');
    return [parseInt(from, 16), parseInt(to ?? from, 16)] as const;
  });
  return (c) => spans.some(([from, to]) => c >= from && c <= to);
}

/** Every character of the font's script that its languages' texts use (locales/<lng>/*.json, dialogs/*.yaml), and its punctuation. */
export function subsetText(font: ScriptFont): string {
  const files = [
    ...font.languages.flatMap((l) => (existsSync(join(LOCALES_DIR, l)) ? readdirSync(join(LOCALES_DIR, l)).filter((f) => f.endsWith('.json')).map((f) => join(LOCALES_DIR, l, f)) : [])),
    ...(existsSync(DIALOGS_DIR) ? readdirSync(DIALOGS_DIR).filter((f) => f.endsWith('.yaml')).map((f) => join(DIALOGS_DIR, f)) : []),
  ];
  const covered = inRange(unicodeRange(font));
  const chars = new Set([...font.always]);
  for (const file of files.sort()) for (const c of readFileSync(file, 'utf8')) if (covered(c.codePointAt(0)!)) chars.add(c);
  return [...chars].sort().join('');
}

type SubsetFont = (font: Buffer, text: string, options: { targetFormat: 'woff2'; variationAxes?: Record<string, { min: number; max: number }> }) => Promise<Buffer>;

async function subsetFontFile(font: ScriptFont): Promise<Buffer> {
  const subset = createRequire(join(PROJECT_ROOT, 'package.json'))('subset-font') as SubsetFont;
  const whole = readFileSync(join(packageDir(font.packageName), 'files', font.file));
  return subset(whole, subsetText(font), { targetFormat: 'woff2', variationAxes: { wght: font.weights } });
}

function sourceKey(webchatKey: string): string {
  const hash = createHash('sha256').update(`format ${FORMAT}\n${webchatKey}\n${fontPackageVersions()}\n`);
  for (const font of SCRIPT_FONTS) hash.update(`${font.file} ${JSON.stringify(font.weights)} ${subsetText(font)}\n`);
  for (const file of publicFiles()) hash.update(`${file}\n`).update(readFileSync(join(PUBLIC_DIR, file)));
  return hash.digest('hex');
}

export function readManifest(dir = WEB_DIR): AssetManifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as AssetManifest;
    return manifest.format === FORMAT ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** The unicode-range of the package's @font-face block for `file`. */
function unicodeRange(font: ScriptFont): string {
  const css = readFileSync(join(packageDir(font.packageName), 'index.css'), 'utf8');
  const block = css.split('@font-face').find((b) => b.includes(font.file));
  const range = block && /unicode-range:\s*([^;]+);/.exec(block);
  if (!range) throw new Error(`${font.packageName}: no unicode-range for ${font.file} in index.css`);
  return range[1].trim();
}

function hashedName(name: string, body: Buffer): string {
  const ext = extname(name);
  return `${basename(name, ext)}.${sha(body).slice(0, 12)}${ext}`;
}

/**
 * Builds dist/web/ when it is missing or stale; returns its manifest. Writes into a fresh folder
 * and renames it into place, so a server reading the old one never sees half a build.
 */
export async function ensureWebAssets(options: { dir?: string; log?: (message: string) => void; force?: boolean } = {}): Promise<AssetManifest> {
  const dir = options.dir ?? WEB_DIR;
  const webchatKey = webchatBundleKey(projectLanguages());
  const key = sourceKey(webchatKey);
  const existing = readManifest(dir);
  if (!options.force && existing?.sourceKey === key) return existing;

  const started = Date.now();
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  const files: Record<string, AssetEntry> = {};
  const add = (urlPath: string, name: string, body: Buffer, immutable: boolean) => {
    const ext = extname(name);
    const encodings: AssetEntry['encodings'] = [];
    writeFileSync(join(tmp, name), body);
    if (COMPRESSIBLE.has(ext) && body.length > 256) {
      writeFileSync(join(tmp, `${name}.br`), brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }));
      writeFileSync(join(tmp, `${name}.gz`), gzipSync(body, { level: 9 }));
      encodings.push('br', 'gzip');
    }
    files[urlPath] = { file: name, type: TYPES[ext] ?? 'application/octet-stream', immutable, etag: `"${sha(body).slice(0, 27)}"`, encodings };
    return `/${urlPath.replace(/^\//, '')}`;
  };

  // Web Chat: reuse the previous bundle when its inputs are the same (esbuild takes seconds).
  let webchat: Buffer;
  let licences: Buffer;
  const previous = existing?.webchatKey === webchatKey ? existing.webchatFile : undefined;
  if (previous && existsSync(join(dir, previous)) && existsSync(join(dir, WEBCHAT_LICENCES))) {
    webchat = readFileSync(join(dir, previous));
    licences = readFileSync(join(dir, WEBCHAT_LICENCES));
  } else {
    options.log?.(`building Web Chat for ${projectLanguages().join(', ')} (esbuild)`);
    ({ script: webchat, licences } = await buildWebchatBundle(projectLanguages()));
  }
  add(`/licenses/${WEBCHAT_LICENCES}`, WEBCHAT_LICENCES, licences, false);
  const webchatName = hashedName('webchat.js', webchat);
  const webchatUrl = add(`/assets/${webchatName}`, webchatName, webchat, true);

  // Fonts and their licences.
  const fontCss: string[] = [];
  for (const font of SCRIPT_FONTS) {
    const pkg = packageDir(font.packageName);
    const body = await subsetFontFile(font);
    const name = hashedName(font.file.replace(/-wght-normal/, ''), body);
    const url = add(`/assets/${name}`, name, body, true);
    const licence = `${basename(font.packageName)}-LICENSE.txt`;
    add(`/licenses/${licence}`, licence, readFileSync(join(pkg, 'LICENSE')), false);
    const local = font.localNames.map((n) => `local('${n}')`).join(', ');
    fontCss.push(
      `/* ${font.family}: ${font.packageName}, SIL Open Font License 1.1, /licenses/${licence}; cut down to the ${subsetText(font).length} characters of the ${font.languages.join(', ')} texts and punctuation */`,
      `@font-face { font-family: '${font.family}'; font-style: normal; font-display: swap; font-weight: ${font.weights.min} ${font.weights.max}; src: ${local}, url(${url}) format('woff2'); unicode-range: ${unicodeRange(font)}; }`,
      // only when the page is in the language (html lang): the picker's own names do not load it; and only once Web
      // Chat's script is there (app.js sets webchat-ready), so that on a slow network the font does not share the
      // bandwidth with Web Chat (until then the device's own fonts show the page's few words)
      `${font.languages.map((l) => `html[lang='${l}'].webchat-ready body`).join(', ')} { font-family: '${font.family}', system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif; }`,
    );
  }

  const css = Buffer.concat([readFileSync(join(PUBLIC_DIR, 'app.css')), Buffer.from(`\n${fontCss.join('\n')}\n`)]);
  const cssName = hashedName('app.css', css);
  const cssUrl = add(`/assets/${cssName}`, cssName, css, true);
  // Web Chat's UI strings, one file per language; app.js gets their names (it fetches the chosen language's only)
  const strings: Record<string, string> = {};
  for (const [tag, texts] of Object.entries(webchatStrings(projectLanguages()))) {
    const body = Buffer.from(JSON.stringify(texts));
    const name = hashedName(`webchat-${tag}.json`, body);
    strings[tag] = add(`/assets/${name}`, name, body, true);
  }
  const placeholder = 'var WEBCHAT_STRINGS = {};';
  const page = readFileSync(join(PUBLIC_DIR, 'app.js'), 'utf8');
  if (!page.includes(placeholder)) throw new Error(`public/app.js: no "${placeholder}" to fill in`);
  const script = Buffer.from(page.replace(placeholder, `var WEBCHAT_STRINGS = ${JSON.stringify(strings)};`));
  const scriptName = hashedName('app.js', script);
  const scriptUrl = add(`/assets/${scriptName}`, scriptName, script, true);

  for (const file of publicFiles()) {
    if (file === 'app.js' || file === 'app.css') continue;
    let body = readFileSync(join(PUBLIC_DIR, file));
    if (file === 'index.html') {
      const html = body
        .toString('utf8')
        .replace('src="/vendor/webchat.js"', `src="${webchatUrl}"`)
        .replace('src="/app.js"', `src="${scriptUrl}"`)
        .replace('href="/app.css"', `href="${cssUrl}"`);
      for (const url of [webchatUrl, scriptUrl, cssUrl]) if (!html.includes(url)) throw new Error(`public/index.html: could not point it at ${url}`);
      body = Buffer.from(html);
    }
    add(`/${file}`, file, body, false);
  }

  const br = readFileSync(join(tmp, `${webchatName}.br`)).length;
  const gz = readFileSync(join(tmp, `${webchatName}.gz`)).length;
  const manifest: AssetManifest = { format: FORMAT, sourceKey: key, webchatKey, webchatFile: webchatName, files, webchatBytes: { raw: webchat.length, gzip: gz, br } };
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1));
  const old = `${dir}.old-${process.pid}-${Date.now()}`;
  if (existsSync(dir)) renameSync(dir, old);
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // another process put its build in place first: theirs is as good
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  rmSync(old, { recursive: true, force: true });
  options.log?.(`web assets built into ${dir} in ${Date.now() - started} ms`);
  return readManifest(dir) ?? manifest;
}

/**
 * For a server starting up (synchronous: before it listens): the manifest, built first in a child
 * process (esbuild's plugins need async code) when missing or stale.
 */
export function loadWebAssets(log: (message: string) => void = () => undefined): AssetManifest {
  const existing = readManifest();
  // A production install has no build tools (esbuild, React, fonts) to check the inputs against:
  // it serves the dist/web that `npm run build` made (deploy/Dockerfile's build stage).
  if (existing && process.env.NODE_ENV === 'production') return existing;
  if (existing && existing.sourceKey === sourceKey(webchatBundleKey(projectLanguages()))) return existing;
  log('web assets in dist/web are missing or older than public/: building them (npm run build does this ahead)');
  const args = __filename.endsWith('.ts') ? ['--import', 'tsx', __filename] : [__filename];
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  const built = readManifest();
  if (!built) throw new Error('Building the web assets failed (see above)');
  return built;
}

if (require.main === module) {
  ensureWebAssets({ log: (m) => process.stdout.write(`${m}\n`), force: process.argv.includes('--force') }).catch((err: unknown) => {
    console.error('Building the web assets failed:', err);
    process.exit(1);
  });
}
