/**
 * The subset of Kustomize that deploy/k8s uses, rendered in-process (CI has no kustomize binary):
 * `resources` (files and kustomization folders), `configMapGenerator` (literals and files, content
 * hash suffix computed as Kustomize does, references in pod specs renamed), `patches` given by
 * `path` (strategic merge, the patch's kind and name pick the target), `images`, `labels`
 * (with includeSelectors false) and `namespace`. Any other key is refused, so a kustomization
 * never renders here differently from Kustomize without the test saying so.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

export type K8sObject = Record<string, unknown> & {
  apiVersion: string; kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'configMapGenerator', 'patches', 'images', 'labels', 'namespace']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass']);

/** List fields merged by key in a strategic merge patch (Kubernetes' patchMergeKey); other lists are replaced. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name', initContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath', ports: 'containerPort',
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function strategicMerge(target: unknown, patch: unknown, field = ''): unknown {
  if (isObject(target) && isObject(patch)) {
    const out: Record<string, unknown> = { ...target };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in target ? strategicMerge(target[key], value, key) : value;
    }
    return out;
  }
  const mergeKey = MERGE_KEYS[field];
  if (Array.isArray(target) && Array.isArray(patch) && mergeKey) {
    // As Kustomize orders them: the patch's items (merged into their originals), then the rest.
    const keyOf = (v: unknown): string | number | undefined => {
      const key = isObject(v) ? v[mergeKey] : undefined;
      return typeof key === 'string' || typeof key === 'number' ? key : undefined;
    };
    const patched = patch.map((item) => {
      const original = target.find((t) => keyOf(t) !== undefined && keyOf(t) === keyOf(item));
      return original === undefined ? item : strategicMerge(original, item);
    });
    const patchedKeys = new Set(patch.map(keyOf).filter((k) => k !== undefined));
    return [...patched, ...target.filter((t) => !patchedKeys.has(keyOf(t) as string | number))];
  }
  return patch;
}

/**
 * Kustomize's content hash of a generated ConfigMap (api/hasher): sha256 of the JSON of its kind,
 * data and name (empty when Kustomize hashes it), keys sorted, first 10 hex digits with 0, 1, 3,
 * a, e swapped for letters. Checked against `kubectl kustomize` on these manifests.
 */
export function configMapHash(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // Go's encoding/json escapes <, > and & in strings; so must we to get the same bytes.
  const json = JSON.stringify({ data: sorted, kind: 'ConfigMap', name: '' }).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  const hex = createHash('sha256').update(json).digest('hex');
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

function readYamlDocs(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message}`);
      return d.toJS() as unknown;
    })
    .filter((o): o is K8sObject => isObject(o));
}

/** Every pod spec of a workload (Deployment, Job, ...), to rename ConfigMaps in. */
function podSpec(obj: K8sObject): Record<string, unknown> | undefined {
  const spec = obj['spec'];
  if (!isObject(spec)) return undefined;
  const template = spec['template'];
  return isObject(template) && isObject(template['spec']) ? template['spec'] : undefined;
}

function containersOf(pod: Record<string, unknown>): Record<string, unknown>[] {
  return [...(pod['containers'] as unknown[] ?? []), ...(pod['initContainers'] as unknown[] ?? [])].filter(isObject);
}

function renameConfigMaps(objects: K8sObject[], names: Map<string, string>): void {
  const rename = (ref: unknown): void => {
    if (isObject(ref) && typeof ref['name'] === 'string' && names.has(ref['name'])) ref['name'] = names.get(ref['name']);
  };
  for (const obj of objects) {
    const pod = podSpec(obj);
    if (!pod) continue;
    for (const volume of (pod['volumes'] as unknown[] | undefined) ?? []) if (isObject(volume)) rename(volume['configMap']);
    for (const c of containersOf(pod)) {
      for (const e of (c['envFrom'] as unknown[] | undefined) ?? []) if (isObject(e)) rename(e['configMapRef']);
      for (const e of (c['env'] as unknown[] | undefined) ?? []) {
        if (isObject(e) && isObject(e['valueFrom'])) rename(e['valueFrom']['configMapKeyRef']);
      }
    }
  }
}

interface Generator { name: string; literals?: string[]; files?: string[]; behavior?: string }

export function renderKustomization(dir: string): K8sObject[] {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`no kustomization in ${dir}`);
  const k = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new Error(`${file}: not supported by the test's kustomize subset: ${unsupported.join(', ')}`);

  let objects: K8sObject[] = [];
  for (const resource of (k['resources'] as string[] | undefined) ?? []) {
    const target = path.resolve(dir, resource);
    objects.push(...(statSync(target).isDirectory() ? renderKustomization(target) : readYamlDocs(target)));
  }

  const renamed = new Map<string, string>();
  for (const g of (k['configMapGenerator'] as Generator[] | undefined) ?? []) {
    if (g.behavior !== undefined && g.behavior !== 'create') throw new Error(`${file}: configMapGenerator behavior ${g.behavior} is not supported`);
    const data: Record<string, string> = {};
    for (const literal of g.literals ?? []) {
      const eq = literal.indexOf('=');
      data[literal.slice(0, eq)] = literal.slice(eq + 1);
    }
    for (const entry of g.files ?? []) {
      const eq = entry.indexOf('=');
      const [key, source] = eq > 0 ? [entry.slice(0, eq), entry.slice(eq + 1)] : [path.basename(entry), entry];
      const resolved = path.resolve(dir, source);
      // Kustomize's default load restrictor: files must be inside the kustomization's folder.
      if (!resolved.startsWith(path.resolve(dir) + path.sep)) throw new Error(`${file}: ${source} is outside ${dir} (Kustomize refuses it)`);
      data[key] = readFileSync(resolved, 'utf8');
    }
    const hashed = `${g.name}-${configMapHash(data)}`;
    renamed.set(g.name, hashed);
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: hashed }, data });
  }
  renameConfigMaps(objects, renamed);

  for (const p of (k['patches'] as { path?: string; target?: unknown }[] | undefined) ?? []) {
    if (!p.path || p.target !== undefined) throw new Error(`${file}: only patches given by path, targeted by their own kind and name, are supported`);
    for (const patch of readYamlDocs(path.resolve(dir, p.path))) {
      const at = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (at < 0) throw new Error(`${file}: patch ${p.path} matches no ${patch.kind} ${patch.metadata.name}`);
      objects[at] = strategicMerge(objects[at], patch) as K8sObject;
    }
  }

  for (const image of (k['images'] as { name: string; newName?: string; newTag?: string }[] | undefined) ?? []) {
    for (const obj of objects) {
      const pod = podSpec(obj);
      for (const c of pod ? containersOf(pod) : []) {
        const current = String(c['image']);
        const [repo = current, tag] = current.includes('@') ? [current, undefined] : current.split(/:(?=[^:/]+$)/);
        if (repo !== image.name) continue;
        c['image'] = `${image.newName ?? repo}${image.newTag ?? tag ? `:${image.newTag ?? tag}` : ''}`;
      }
    }
  }

  for (const label of (k['labels'] as { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[] | undefined) ?? []) {
    if (label.includeSelectors) throw new Error(`${file}: labels with includeSelectors are not supported`);
    for (const obj of objects) {
      obj.metadata.labels = { ...obj.metadata.labels, ...label.pairs };
      const spec = obj['spec'];
      const template = isObject(spec) ? spec['template'] : undefined;
      if (label.includeTemplates && isObject(template)) {
        const meta = (isObject(template['metadata']) ? template['metadata'] : {}) as { labels?: Record<string, string> };
        template['metadata'] = { ...meta, labels: { ...meta.labels, ...label.pairs } };
      }
    }
  }

  if (typeof k['namespace'] === 'string') {
    const namespace = k['namespace'];
    objects = objects.map((o) => (CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace } }));
  }
  return objects;
}
