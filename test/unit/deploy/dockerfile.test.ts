import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/projectRoot';
import { lintDockerfile, parseDockerfile } from '../../support/dockerfileLint';

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
const DOCKERFILE = read('deploy/Dockerfile');

describe('deploy/Dockerfile', () => {
  it('keeps every rule: pinned base, multi-stage with production dependencies only, non-root, NODE_ENV, HEALTHCHECK, exec-form node', () => {
    expect(lintDockerfile(DOCKERFILE)).to.deep.equal([]);
  });

  describe('the rules catch what they are for', () => {
    const broken: [string, (d: string) => string, RegExp][] = [
      ['an unpinned base', (d) => d.replace(/ARG NODE_IMAGE=\S+/, 'ARG NODE_IMAGE=node:latest'), /must be pinned/],
      ['a major-only tag', (d) => d.replace(/ARG NODE_IMAGE=\S+/, 'ARG NODE_IMAGE=node:24'), /must be pinned/],
      ['no USER', (d) => d.replace(/^USER node$/m, ''), /non-root USER/],
      ['USER root', (d) => d.replace(/^USER node$/m, 'USER root'), /non-root USER/],
      ['no NODE_ENV', (d) => d.replace('NODE_ENV=production', 'NODE_ENV=development'), /NODE_ENV=production/],
      ['a shell-form CMD', (d) => d.replace(/^CMD \[.*\]$/m, 'CMD node dist/src/main.js'), /exec form/],
      ['npm as PID 1', (d) => d.replace(/^CMD \[.*\]$/m, 'CMD ["npm", "start"]'), /start node itself/],
      ['no HEALTHCHECK', (d) => d.replace(/^HEALTHCHECK[^]*?\n(?=\S)/m, ''), /needs a HEALTHCHECK/],
      ['a secret baked in', (d) => d.replace('PORT=3978', 'PORT=3978 DIRECTLINE_TOKEN_SECRET=abc'), /a secret in ENV/],
      ['the whole context copied', (d) => d.replace('COPY src ./src', 'COPY . .'), /whole build context/],
      ['dev dependencies at run time', (d) => d.replace(/COPY --from=prod-deps /, 'COPY --from=build '), /production dependencies only/],
      ['one stage only', (d) => d.slice(d.lastIndexOf('FROM ${NODE_IMAGE} AS runtime')).replace('${NODE_IMAGE}', 'node:24.1.0-bookworm-slim'), /multi-stage/],
    ];
    for (const [what, breakIt, complaint] of broken) {
      it(`rejects ${what}`, () => {
        const problems = lintDockerfile(breakIt(DOCKERFILE));
        expect(problems.join('\n')).to.match(complaint);
      });
    }
  });

  it('runs the Node.js version CI tests with (.nvmrc), which the engines field and the README promise', () => {
    const nvmrc = read('.nvmrc').trim();
    const { args } = parseDockerfile(DOCKERFILE);
    expect(args.NODE_IMAGE).to.equal(`node:${nvmrc}-bookworm-slim`);
    const major = Number(nvmrc.split('.')[0]);
    const engines = JSON.parse(read('package.json')).engines.node as string;
    const minimum = Number(/^>=\s*(\d+)/.exec(engines)?.[1]);
    expect(major).to.be.at.least(minimum);
    // restify 12 declares Node >= 22: the promise may not be below what a dependency needs.
    const restifyEngines = JSON.parse(read('node_modules/restify/package.json')).engines.node as string;
    expect(minimum).to.be.at.least(Number(/(\d+)/.exec(restifyEngines)?.[1]));
    const typesNode = JSON.parse(read('package.json')).devDependencies['@types/node'] as string;
    expect(typesNode).to.match(new RegExp(`^\\^${major}\\.`));
    expect(read('README.md')).to.include(`Node.js ${nvmrc}`);
    expect(read('.ci/run')).to.include('.nvmrc');
  });

  it('has a .dockerignore that keeps secrets, node_modules and dist out of the build context', () => {
    const ignore = read('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignore[ignore.findIndex((l) => l && !l.startsWith('#'))]).to.equal('**');
    for (const line of ['**/.env', '**/node_modules', '**/dist']) expect(ignore).to.include(line);
    // Everything the Dockerfile copies from the context is let back in.
    const copied = parseDockerfile(DOCKERFILE)
      .stages.flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.from)
      .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1));
    for (const path of copied) expect(ignore, `${path} is copied but ignored`).to.include(`!${path}`);
  });
});
