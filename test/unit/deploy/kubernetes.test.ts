import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../../../src/projectRoot';

/**
 * deploy/kubernetes: plain manifests with kustomize overlays. Rendered by `kubectl kustomize` (it
 * needs no cluster), every object is checked against the Kubernetes OpenAPI schemas that the npm
 * package kubernetes-models ships, then against this service's own rules.
 */

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const DIR = join(PROJECT_ROOT, 'deploy', 'kubernetes');
const hasKubectl = !spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error;

function render(folder: string): Doc[] {
  if (hasKubectl) {
    const run = spawnSync('kubectl', ['kustomize', join(DIR, folder)], { encoding: 'utf8', timeout: 30_000 });
    if (run.status !== 0) throw new Error(`kubectl kustomize ${folder} failed: ${run.stderr}`);
    return parseAllDocuments(run.stdout).map((d) => d.toJSON() as Doc);
  }
  // Without kubectl: the base's resources as written (no labels, no overlay).
  const kustomization = parse(readFileSync(join(DIR, folder, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return kustomization.resources.flatMap((r) => parseAllDocuments(readFileSync(join(DIR, folder, r), 'utf8')).map((d) => d.toJSON() as Doc));
}

/** Validates one object with kubernetes-models (an ESM-only package: loaded with import()). */
async function schemaErrors(doc: Doc): Promise<string | undefined> {
  const models = (await import(`kubernetes-models/${doc.apiVersion}`)) as Record<string, new (d: unknown) => { validate(): void }>;
  const Model = models[doc.kind];
  if (!Model) return `no schema for ${doc.apiVersion} ${doc.kind}`;
  try {
    new Model(doc).validate();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const byKind = (docs: Doc[], kind: string) => docs.filter((d) => d.kind === kind) as Any[];

describe('deploy/kubernetes manifests', () => {
  const folders = ['base', 'overlays/example'];
  const rendered: Record<string, Doc[]> = {};
  before(function () {
    if (!hasKubectl) console.log('      (no kubectl here: checking the base files as written, without rendering the overlay)');
    for (const f of hasKubectl ? folders : ['base']) rendered[f] = render(f);
  });

  it('renders to a ServiceAccount, ConfigMap, Deployment, Service, Ingress, HorizontalPodAutoscaler and PodDisruptionBudget', () => {
    expect(rendered.base.map((d) => d.kind).sort()).to.deep.equal(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'PodDisruptionBudget', 'Service', 'ServiceAccount'],
    );
  });

  it('every object is valid against the Kubernetes schemas (kubernetes-models)', async () => {
    for (const [folder, docs] of Object.entries(rendered)) {
      for (const doc of docs) expect(await schemaErrors(doc), `${folder}: ${doc.kind} ${doc.metadata.name}`).to.equal(undefined);
    }
  });

  // The Kubernetes schemas allow unknown fields (a cluster's strict field validation catches
  // those), so the check is for types, required fields and enumerations.
  it('the schema check catches a missing required field and a wrong type', async () => {
    const deployment = structuredClone(byKind(rendered.base, 'Deployment')[0]);
    delete deployment.spec.template.spec.containers[0].name;
    expect(await schemaErrors(deployment)).to.be.a('string');
    const hpa = structuredClone(byKind(rendered.base, 'HorizontalPodAutoscaler')[0]);
    hpa.spec.minReplicas = 'two';
    expect(await schemaErrors(hpa)).to.be.a('string');
  });

  it('probes /readyz for readiness and /healthz for liveness, sets resources, and runs as non-root with a read-only root', () => {
    const [deployment] = byKind(rendered.base, 'Deployment');
    const pod = deployment.spec.template.spec;
    const [bot] = pod.containers;
    expect(bot.readinessProbe.httpGet.path).to.equal('/readyz');
    expect(bot.livenessProbe.httpGet.path).to.equal('/healthz');
    expect(bot.resources.requests).to.have.keys('cpu', 'memory');
    expect(bot.resources.limits).to.have.property('memory');
    expect(pod.securityContext.runAsNonRoot).to.equal(true);
    expect(pod.securityContext.runAsUser).to.be.greaterThan(0);
    expect(bot.securityContext).to.include({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(bot.securityContext.capabilities.drop).to.deep.equal(['ALL']);
    expect(bot.volumeMounts.map((m: Any) => m.mountPath)).to.include('/tmp');
    expect(bot.env.find((e: Any) => e.name === 'NODE_ENV').value).to.equal('production');
  });

  it('gives turns in flight time to finish: terminationGracePeriodSeconds above SHUTDOWN_GRACE_MS plus the preStop pause', () => {
    const [deployment] = byKind(rendered.base, 'Deployment');
    const [config] = byKind(rendered.base, 'ConfigMap');
    const pod = deployment.spec.template.spec;
    const preStop = pod.containers[0].lifecycle.preStop.sleep.seconds as number;
    const graceMs = Number(config.data.SHUTDOWN_GRACE_MS);
    expect(graceMs).to.be.greaterThan(0);
    expect(pod.terminationGracePeriodSeconds * 1000).to.be.greaterThan(graceMs + preStop * 1000);
    expect(pod.containers[0].envFrom.map((e: Any) => e.configMapRef?.name).filter(Boolean)).to.deep.equal([config.metadata.name]);
  });

  it('takes secrets by reference only: a Secret named in envFrom, no secret value in any manifest', () => {
    const [deployment] = byKind(rendered.base, 'Deployment');
    const bot = deployment.spec.template.spec.containers[0];
    expect(bot.envFrom.some((e: Any) => e.secretRef?.name === 'tonder-bot-secrets')).to.equal(true);
    expect(rendered.base.some((d) => d.kind === 'Secret')).to.equal(false);
    for (const e of bot.env) expect(e.name).not.to.match(/SECRET|PASSWORD|KEY|TOKEN|REDIS_URL/i);
    const [config] = byKind(rendered.base, 'ConfigMap');
    for (const name of Object.keys(config.data)) expect(name).not.to.match(/SECRET|PASSWORD|KEY|TOKEN|REDIS_URL/i);
  });

  it('points the Service, PodDisruptionBudget and autoscaler at the Deployment\'s pods', () => {
    const docs = rendered[hasKubectl ? 'overlays/example' : 'base'];
    const [deployment] = byKind(docs, 'Deployment');
    const labels = deployment.spec.template.metadata.labels as Record<string, string>;
    const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(matches(byKind(docs, 'Service')[0].spec.selector)).to.equal(true);
    expect(matches(byKind(docs, 'PodDisruptionBudget')[0].spec.selector.matchLabels)).to.equal(true);
    expect(matches(deployment.spec.selector.matchLabels)).to.equal(true);
    const [hpa] = byKind(docs, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).to.include({ kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).to.be.at.least(2);
    expect(byKind(docs, 'PodDisruptionBudget')[0].spec.minAvailable).to.be.below(hpa.spec.minReplicas);
  });

  it('lets WebSocket and SSE through the Ingress: long reads, no buffering', () => {
    const annotations = byKind(rendered.base, 'Ingress')[0].metadata.annotations as Record<string, string>;
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).to.be.at.least(600);
    expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).to.equal('off');
  });

  it('the example overlay sets image, host and namespace', function () {
    if (!hasKubectl) this.skip();
    const docs = rendered['overlays/example'];
    expect(byKind(docs, 'Deployment')[0].spec.template.spec.containers[0].image).to.equal('registry.example.dk/tonder-bot:0.1.0');
    expect(byKind(docs, 'Ingress')[0].spec.rules[0].host).to.equal('chat.example.dk');
    for (const d of docs) expect(d.metadata.namespace, d.kind).to.equal('tonder-bot');
  });
});
