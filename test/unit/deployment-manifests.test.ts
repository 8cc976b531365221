/**
 * The deployment files cannot be run here (no container runtime, no cluster), so they are checked
 * by schema and against the services' own declarations:
 * - every compose file against the Compose Specification's JSON Schema (shipped by dclint);
 * - every Kustomize overlay rendered in-process (test/support/kustomize.ts) and every object
 *   validated against its Kubernetes schema (kubernetes-models);
 * - every environment variable a compose service or a container sets is one that service
 *   declares, and the settings it ends up with load (secrets never given as literal values);
 * - probes hit paths the services' HTTP server answers, on the port the service listens on.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger, createMetricsRegistry, kafkaSecurityProblems, loadConfig, registrySettings, ServiceHttpServer, type ConfigDeclaration,
} from '@telfraud/common';
import { createTopicsSettings } from '../../services/common/src/provision/provision-settings.js';
import { parseTopicList, TOPICS_FILE } from '../../services/common/src/provision/topic-list.js';
import { alertSinkSettings } from '../../services/alert-sink/src/config.js';
import { blockerSettings } from '../../services/blocker/src/config.js';
import { loadPolicy } from '../../services/blocker/src/policy-loader.js';
import { detectorConfig } from '../../services/detector/src/config.js';
import { loadRulePackFile } from '../../services/detector/src/adapters/rule-pack-loader.js';
import { generatorSettings } from '../../services/generator/src/config.js';
import { registryConfig } from '../../services/schema-registry/src/config.js';
import { socSettings } from '../../services/soc/src/config.js';
import { Namespace, ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { renderKustomization, type K8sObject } from '../support/kustomize.js';
import { ROOT } from '../support/stack.js';

/** What each name the image runs (deploy/docker/commands.json) reads its settings from. */
const DECLARATIONS: Record<string, ConfigDeclaration> = {
  detector: detectorConfig,
  'alert-sink': alertSinkSettings,
  blocker: blockerSettings,
  soc: socSettings,
  generator: generatorSettings,
  'schema-registry': registryConfig,
  'create-topics': createTopicsSettings,
  // The schema job (schema-registry's register-schemas-cli.ts) reads the services' registry settings.
  'register-schemas': registrySettings,
};
/** Read by the image itself (deploy/docker/entrypoint.mjs), not by a service. */
const IMAGE_VARIABLES = new Set(['SERVICE']);

const COMPOSE_DIR = path.join(ROOT, 'deploy/compose');
const K8S_DIR = path.join(ROOT, 'deploy/k8s');
const OVERLAYS = readdirSync(path.join(K8S_DIR, 'overlays'));

interface CommandsFile { [name: string]: { main: string; httpPort?: { env: string; default: number } } }
const COMMANDS = JSON.parse(readFileSync(path.join(ROOT, 'deploy/docker/commands.json'), 'utf8')) as CommandsFile;

function declared(name: string): ConfigDeclaration {
  const declaration = DECLARATIONS[name];
  if (!declaration) throw new Error(`no configuration declaration known for "${name}"`);
  return declaration;
}

function envNames(declaration: ConfigDeclaration): Set<string> {
  return new Set(Object.values(declaration).map((s) => s.env));
}

function secretNames(declaration: ConfigDeclaration): Set<string> {
  return new Set(Object.values(declaration).filter((s) => s.secret).map((s) => s.env));
}

/** Variables a service gets but does not declare (so it would silently ignore them). */
function undeclared(name: string, variables: Iterable<string>): string[] {
  const known = envNames(declared(name));
  return [...variables].filter((v) => !known.has(v) && !IMAGE_VARIABLES.has(v));
}

/** Loads the declaration from `env` as the service would at start-up; returns the problems' text. */
function loadProblems(name: string, env: Record<string, string>): string[] {
  const declaration = declared(name);
  try {
    const config = loadConfig(name, declaration, env) as Record<string, unknown>;
    if ('kafkaSsl' in config) {
      return kafkaSecurityProblems(config as unknown as Parameters<typeof kafkaSecurityProblems>[0]).map((p) => `${p.env}: ${p.expected}`);
    }
    return [];
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)];
  }
}

// ---------------------------------------------------------------- compose

const require = createRequire(import.meta.url);
// dclint ships the Compose Specification's schema (schemas/compose.schema.json) without exporting it.
const COMPOSE_SCHEMA = JSON.parse(readFileSync(path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json'), 'utf8')) as Record<string, unknown>;
// Formats (durations, ...) are not checked: the schema's structure and types are.
// It names draft-07 by its https address, which Ajv (draft-07 by default) knows by the http one.
delete COMPOSE_SCHEMA['$schema'];
const validateCompose = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(COMPOSE_SCHEMA);

function composeFiles(): string[] {
  return readdirSync(COMPOSE_DIR).filter((f) => /^(docker-)?compose[\w.-]*\.ya?ml$/.test(f)).map((f) => path.join(COMPOSE_DIR, f));
}

function dotenv(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

/** Compose's interpolation for the forms the files use: $$, ${VAR}, ${VAR:-default} (nested), ${VAR:?message}. */
function interpolate(text: string, vars: Record<string, string>): string {
  const one = (s: string): string => s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)((?:[^{}]|\$\{[^{}]*\})*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    const value = vars[name];
    if (value !== undefined && value !== '') return value;
    if (op === ':-') return one(arg ?? '');
    if (op === ':?') throw new Error(`compose needs ${name}: ${arg}`);
    return '';
  });
  const out = one(text.replace(/\$\$/g, '\u0000'));
  if (/\$\{/.test(out)) throw new Error(`an interpolation form the test does not know is left: ${/\$\{[^}]*\}/.exec(out)?.[0]}`);
  return out.replace(/\u0000/g, '$');
}

function schemaErrors(doc: unknown): string[] {
  return validateCompose(doc) ? [] : (validateCompose.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

interface ComposeService {
  image?: string; build?: unknown; command?: string[];
  environment?: Record<string, string | number | boolean | null>; healthcheck?: unknown;
}

/** The compose services that run the telfraud image, with the name it runs them by. */
function telfraudServices(doc: { services: Record<string, ComposeService> }): [string, string, ComposeService][] {
  return Object.entries(doc.services)
    .filter(([, s]) => s.build !== undefined)
    .map(([key, s]) => [key, String(s.environment?.['SERVICE'] ?? s.command?.[0] ?? ''), s]);
}

describe('compose files', () => {
  const files = composeFiles();
  const vars = dotenv(path.join(COMPOSE_DIR, '.env.example'));

  it('there is at least one, with every service of the pipeline', () => {
    expect(files.length).toBeGreaterThan(0);
    const doc = parse(readFileSync(files[0] ?? '', 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
    expect(telfraudServices(doc).map(([, name]) => name).sort()).toEqual(
      expect.arrayContaining(['alert-sink', 'blocker', 'create-topics', 'detector', 'generator', 'register-schemas', 'soc']),
    );
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))('%s is valid against the Compose Specification, as written and interpolated', (_rel, file) => {
    const text = readFileSync(file, 'utf8');
    expect(schemaErrors(parse(text, { merge: true }))).toEqual([]);
    expect(schemaErrors(parse(interpolate(text, vars), { merge: true }))).toEqual([]);
  });

  it('the schema check catches a misspelled key and a wrong type', () => {
    const doc = parse(interpolate(readFileSync(files[0] ?? '', 'utf8'), vars), { merge: true }) as { services: Record<string, Record<string, unknown>> };
    const kafka = doc.services['kafka'] ?? {};
    kafka['helthcheck'] = kafka['healthcheck'];
    expect(schemaErrors(doc).join('\n')).toMatch(/helthcheck/);
    delete kafka['helthcheck'];
    kafka['ports'] = 29092;
    expect(schemaErrors(doc).length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))('%s sets only variables each service declares, and they load', (_rel, file) => {
    const doc = parse(interpolate(readFileSync(file, 'utf8'), vars), { merge: true }) as { services: Record<string, ComposeService> };
    for (const [key, name, service] of telfraudServices(doc)) {
      expect(COMMANDS[name], `compose service ${key} runs "${name}", which the image does not know`).toBeDefined();
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
      expect(undeclared(name, Object.keys(env)), `compose service ${key} (${name})`).toEqual([]);
      expect(loadProblems(name, env), `compose service ${key} (${name})`).toEqual([]);
    }
  });

  it('the compose file knows the topic job reads the same list as the local stack', () => {
    const doc = parse(readFileSync(files[0] ?? '', 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
    // The job reads the image's infra/kafka/topics.txt (TOPICS_FILE unset): the local stack's own list.
    expect(doc.services['create-topics']?.environment?.['TOPICS_FILE']).toBeUndefined();
    expect(parseTopicList(readFileSync(TOPICS_FILE, 'utf8')).filter((t) => !t.localOnly).length).toBeGreaterThan(5);
  });
});

// ---------------------------------------------------------------- Kubernetes

type ModelClass = new (data: never) => { validate(): void };

/** The Kubernetes kinds the manifests may use, each with its schema-validating model. */
const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap, 'v1/Namespace': Namespace, 'v1/Service': Service,
  'apps/v1/Deployment': Deployment, 'batch/v1/Job': Job, 'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

function validateObject(obj: K8sObject): void {
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) throw new Error(`${obj.apiVersion} ${obj.kind} ${obj.metadata.name}: a kind the test has no schema for (add it to MODELS)`);
  new Model(obj as never).validate();
}

interface Container {
  name: string; image: string; args?: string[];
  env?: { name: string; value?: string; valueFrom?: Record<string, { name?: string; key?: string }> }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Workload extends K8sObject {
  spec: {
    replicas?: number;
    selector?: { matchLabels: Record<string, string> };
    template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: Container[] } };
  };
}

function workloads(objects: K8sObject[]): Workload[] {
  return objects.filter((o): o is Workload => o.kind === 'Deployment' || o.kind === 'Job');
}

/** The variables a container gets: its env and every key of the ConfigMaps it takes whole. */
function containerEnv(c: Container, objects: K8sObject[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const from of c.envFrom ?? []) {
    if (from.secretRef) throw new Error(`${c.name}: envFrom secretRef hides which variables it sets; use secretKeyRef`);
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef?.name) as { data?: Record<string, string> } | undefined;
    if (!map) throw new Error(`${c.name}: envFrom names ConfigMap ${from.configMapRef?.name}, which the overlay does not render`);
    for (const [k, v] of Object.entries(map.data ?? {})) env.set(k, v);
  }
  // A secret's value is not in the manifests: a required one stands for any non-empty value; an
  // optional one is taken as absent, as it is until the operator creates it (with the settings it
  // goes with, docs/deployment.md: SASL credentials need KAFKA_SASL_MECHANISM).
  for (const e of c.env ?? []) {
    const secret = e.valueFrom?.['secretKeyRef'] as { optional?: boolean } | undefined;
    if (secret?.optional) continue;
    env.set(e.name, e.value ?? (secret ? 'a-secret-value-of-24-chars' : 'from-the-pod'));
  }
  return env;
}

describe.each(OVERLAYS)('Kubernetes overlay %s', (overlay) => {
  const objects = renderKustomization(path.join(K8S_DIR, 'overlays', overlay));
  const deployments = objects.filter((o): o is Workload => o.kind === 'Deployment');

  it('renders, and every object is valid against its Kubernetes schema', () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const obj of objects) expect(() => validateObject(obj), `${obj.kind} ${obj.metadata.name}`).not.toThrow();
  });

  it('the schema check catches a wrong type and a missing required field', () => {
    const wrongType = structuredClone(deployments[0]) as Workload;
    (wrongType.spec as Record<string, unknown>)['replicas'] = 'three';
    expect(() => validateObject(wrongType)).toThrow();
    const unnamed = structuredClone(deployments[0]) as Workload;
    delete (unnamed.spec.template.spec.containers[0] as Partial<Container>).name;
    expect(() => validateObject(unnamed)).toThrow();
  });

  it('runs every service of the pipeline, each with probes, requests and limits, a PodDisruptionBudget, a Service and scrape annotations', () => {
    expect(deployments.map((d) => d.spec.template.spec.containers[0]?.args?.[0]).sort()).toEqual(['alert-sink', 'blocker', 'detector', 'soc']);
    for (const d of deployments) {
      const label = d.spec.selector?.matchLabels ?? {};
      const c = d.spec.template.spec.containers[0] as Container;
      const what = `Deployment ${d.metadata.name}`;
      expect(c.readinessProbe?.httpGet, what).toBeDefined();
      expect(c.livenessProbe?.httpGet, what).toBeDefined();
      expect(Object.keys(c.resources?.requests ?? {}).sort(), what).toEqual(['cpu', 'memory']);
      expect(c.resources?.limits?.['memory'], what).toBeDefined();
      const selects = (o: K8sObject, selector: unknown): boolean =>
        Object.entries(selector as Record<string, string>).every(([k, v]) => label[k] === v) && o.metadata.namespace === d.metadata.namespace;
      expect(objects.some((o) => o.kind === 'PodDisruptionBudget' && selects(o, (o as unknown as { spec: { selector: { matchLabels: unknown } } }).spec.selector.matchLabels)), what).toBe(true);
      expect(objects.some((o) => o.kind === 'Service' && selects(o, (o as unknown as { spec: { selector: unknown } }).spec.selector)), what).toBe(true);
      const annotations = d.spec.template.metadata?.annotations ?? {};
      expect(annotations['prometheus.io/scrape'], what).toBe('true');
      expect(Number(annotations['prometheus.io/port']), what).toBe(c.ports?.[0]?.containerPort);
    }
  });

  it('sets only variables each container\'s service declares, they load, and secrets come from Secrets', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const w of workloads(objects)) {
      for (const c of w.spec.template.spec.containers) {
        const name = c.args?.[0] ?? '';
        const what = `${w.kind} ${w.metadata.name}, container ${c.name} (${name})`;
        const env = containerEnv(c, objects);
        expect(undeclared(name, new Set([...env.keys(), ...(c.env ?? []).map((e) => e.name)])), what).toEqual([]);
        expect(loadProblems(name, Object.fromEntries(env)), what).toEqual([]);
        const secrets = secretNames(declared(name));
        const literal = (c.env ?? []).filter((e) => secrets.has(e.name) && !e.valueFrom?.['secretKeyRef']).map((e) => e.name);
        const fromConfigMaps = [...env.keys()].filter((k) => secrets.has(k) && !(c.env ?? []).some((e) => e.name === k));
        expect([...literal, ...fromConfigMaps], `${what}: secret settings given in plain text`).toEqual([]);
      }
    }
  });

  it('mounts the rule pack and the blocker policy as ConfigMaps holding valid files', () => {
    const fileOf = (deployment: string, variable: string): string => {
      const d = deployments.find((x) => x.metadata.name === deployment) as Workload;
      const c = d.spec.template.spec.containers[0] as Container & { volumeMounts?: { name: string; mountPath: string }[] };
      const target = c.env?.find((e) => e.name === variable)?.value ?? '';
      const mount = c.volumeMounts?.find((m) => target.startsWith(`${m.mountPath}/`));
      const volume = (d.spec.template.spec as { volumes?: { name: string; configMap?: { name: string } }[] }).volumes?.find((v) => v.name === mount?.name);
      const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name) as { data?: Record<string, string> } | undefined;
      const text = map?.data?.[path.basename(target)];
      if (text === undefined) throw new Error(`${deployment}: ${variable}=${target} is not a file of a mounted ConfigMap`);
      return text;
    };
    const dir = path.join(ROOT, '.data', 'deploy-test');
    const write = (name: string, text: string): string => {
      const file = path.join(dir, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, text);
      return file;
    };
    expect(loadRulePackFile(write(`${overlay}-rules.json`, fileOf('detector', 'DETECTOR_RULES_FILE'))).rules.length).toBeGreaterThan(0);
    expect(() => loadPolicy(write(`${overlay}-policy.json`, fileOf('blocker', 'BLOCKER_POLICY_FILE')), undefined)).not.toThrow();
  });
});

describe('the keyed overlay', () => {
  it('runs several detectors in keyed mode, no more than call-events-by-key has partitions', () => {
    const objects = renderKustomization(path.join(K8S_DIR, 'overlays', 'keyed'));
    const detector = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'detector') as Workload;
    const c = detector.spec.template.spec.containers[0] as Container;
    expect(c.env?.find((e) => e.name === 'DETECTOR_ROUTING')?.value).toBe('keyed');
    const partitions = parseTopicList(readFileSync(TOPICS_FILE, 'utf8')).find((t) => t.name === 'call-events-by-key')?.partitions ?? 0;
    expect(detector.spec.replicas).toBeGreaterThan(1);
    expect(detector.spec.replicas).toBeLessThanOrEqual(partitions);
  });
});

// ---------------------------------------------------------------- probes and ports

describe('probes and ports', () => {
  let server: ServiceHttpServer;
  beforeAll(async () => {
    server = await ServiceHttpServer.start({ host: '127.0.0.1', port: 0, metrics: createMetricsRegistry('probe-check'), logger: createLogger({ level: 'error' }) });
    server.setReady(true);
  });
  afterAll(async () => {
    await server.close();
  });

  it('every probe path is one the services\' HTTP server answers, on the container port the service listens on', async () => {
    const paths = new Set<string>();
    for (const overlay of OVERLAYS) {
      for (const w of workloads(renderKustomization(path.join(K8S_DIR, 'overlays', overlay)))) {
        for (const c of w.spec.template.spec.containers) {
          const name = c.args?.[0] ?? '';
          for (const probe of [c.readinessProbe, c.livenessProbe]) {
            if (!probe?.httpGet) continue;
            paths.add(probe.httpGet.path);
            const port = typeof probe.httpGet.port === 'number' ? probe.httpGet.port : c.ports?.find((p) => p.name === probe.httpGet?.port)?.containerPort;
            const listens = COMMANDS[name]?.httpPort;
            expect(listens, `${overlay}: ${name} has no HTTP port`).toBeDefined();
            expect(port, `${overlay}: ${name}'s probe port`).toBe(Number(c.env?.find((e) => e.name === listens?.env)?.value ?? listens?.default));
          }
        }
      }
    }
    expect([...paths].sort()).toEqual(['/healthz', '/readyz']);
    for (const p of paths) {
      const res = await fetch(`http://127.0.0.1:${server.port}${p}`);
      expect(res.status, p).toBe(200);
    }
    expect((await fetch(`http://127.0.0.1:${server.port}/not-a-probe`)).status).toBe(404);
  });

  it('the image\'s command list names each service\'s declared port setting (the health check reads it)', () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      if (name.startsWith('$') || !command.httpPort) continue;
      const setting = Object.values(declared(name)).find((s) => s.env === command.httpPort?.env);
      expect(setting, `${name}: ${command.httpPort.env}`).toBeDefined();
      expect(setting?.default, `${name}: ${command.httpPort.env} default`).toBe(command.httpPort.default);
    }
  });
});
