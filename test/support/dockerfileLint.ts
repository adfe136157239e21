import { DockerfileParser, type Instruction } from 'dockerfile-ast';

/**
 * A hadolint-like check of deploy/Dockerfile, on dockerfile-ast's parse: the rules this project
 * holds its image to. Returns one sentence per broken rule (empty: all kept).
 */

export interface Stage {
  name: string | undefined;
  /** The base image with build arguments resolved from their defaults. */
  image: string;
  instructions: { keyword: string; args: string; json: string[] | undefined; line: number; from: string | undefined }[];
}

export interface ParsedDockerfile {
  stages: Stage[];
  /** The build arguments declared before the first FROM, with their defaults. */
  args: Record<string, string | undefined>;
}

function jsonArgs(instruction: Instruction): string[] | undefined {
  const raw = (instruction.getArgumentsContent() ?? '').trim();
  const start = raw.indexOf('[');
  if (start < 0 || !raw.endsWith(']')) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw.slice(start));
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const dockerfile = DockerfileParser.parse(text);
  const args: Record<string, string | undefined> = {};
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property) args[property.getName()] = property.getValue() ?? undefined;
  }
  const resolve = (s: string) => s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => args[name] ?? '');
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    const args = (instruction.getArgumentsContent() ?? '').trim();
    if (keyword === 'FROM') {
      const [image, as, name] = args.split(/\s+/);
      stages.push({ name: /^as$/i.test(as ?? '') ? name : undefined, image: resolve(image), instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) continue;
    const from = /(?:^|\s)--from=(\S+)/.exec(instruction.toString())?.[1];
    stage.instructions.push({ keyword, args, json: jsonArgs(instruction), line: instruction.getRange().start.line + 1, from });
  }
  return { stages, args };
}

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE|CREDENTIAL)/i;

export function lintDockerfile(text: string): string[] {
  const problems: string[] = [];
  const { stages } = parseDockerfile(text);
  if (stages.length < 2) problems.push('multi-stage: build with dev dependencies in one stage, run with production dependencies in another');
  const runtime = stages[stages.length - 1];
  if (!runtime) return ['no FROM'];
  const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));

  for (const stage of stages) {
    if (stageNames.has(stage.image)) continue;
    const tag = /^[^@]+:([^/@]+)$/.exec(stage.image)?.[1];
    if (!tag || tag === 'latest' || !/\d+\.\d+/.test(tag)) {
      problems.push(`base image ${stage.image || '(empty)'} must be pinned to a version tag (major.minor at least), not latest`);
    }
    for (const ins of stage.instructions) {
      if (ins.keyword === 'ADD' && /https?:\/\//.test(ins.args)) problems.push(`line ${ins.line}: ADD of a URL; download in a RUN with a checksum instead`);
      if (ins.keyword === 'COPY' && !ins.from && /^(\S+\s+)*\.\s+\S+$/.test(ins.args)) problems.push(`line ${ins.line}: COPY of the whole build context; copy what the stage needs`);
      if ((ins.keyword === 'ENV' || ins.keyword === 'ARG') && ins.args.split(/\s+/).some((kv) => SECRET_NAME.test(kv.split('=')[0]) && /=.+/.test(kv))) {
        problems.push(`line ${ins.line}: a secret in ${ins.keyword}; secrets come from the environment at run time`);
      }
    }
  }

  const final = runtime.instructions;
  const users = final.filter((i) => i.keyword === 'USER');
  const user = users[users.length - 1]?.args.split(':')[0];
  if (!user || user === 'root' || user === '0') problems.push('the runtime stage must switch to a non-root USER');

  const env = final.filter((i) => i.keyword === 'ENV').map((i) => i.args.replace(/\\\n/g, ' ')).join(' ');
  if (!/(^|\s)NODE_ENV=production(\s|$)/.test(env)) problems.push('the runtime stage must set ENV NODE_ENV=production');

  if (final.some((i) => i.keyword === 'ENTRYPOINT')) problems.push('no ENTRYPOINT: CMD runs node directly');
  const cmds = final.filter((i) => i.keyword === 'CMD');
  const cmd = cmds[cmds.length - 1];
  if (!cmd?.json) problems.push('CMD must be in exec form (JSON array), so SIGTERM reaches node and not a shell');
  else if (cmd.json[0] !== 'node') problems.push(`CMD must start node itself (not ${cmd.json[0]}): npm or a shell as PID 1 does not pass SIGTERM on`);

  const health = final.find((i) => i.keyword === 'HEALTHCHECK');
  if (!health) problems.push('the runtime stage needs a HEALTHCHECK');
  else if (!health.json || !health.json.join(' ').includes('/healthz')) problems.push('HEALTHCHECK must ask /healthz in exec form (slim images have no curl: use node -e)');

  const installs = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => ({ stage: s.name, args: i.args })));
  const copiesModules = final.find((i) => i.keyword === 'COPY' && /node_modules/.test(i.args));
  const prodStage = copiesModules?.from;
  const prodInstall = installs.find((i) => i.stage === prodStage && /(--omit=dev|--production|install-production-deps\.sh)/.test(i.args));
  if (!copiesModules || !prodInstall) problems.push('the runtime stage must take node_modules from a stage that installs production dependencies only');
  if (final.some((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args) && !/--omit=dev/.test(i.args))) {
    problems.push('the runtime stage must not install dev dependencies');
  }
  return problems;
}
