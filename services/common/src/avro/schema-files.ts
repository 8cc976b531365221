import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PipelineError } from '../errors.js';

/** The repository's `schemas/` folder: the single source of every Avro schema. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../../../schemas/', import.meta.url));

export interface TopicSchema {
  topic: string;
  subject: string;
  schema: Record<string, unknown>;
}

interface TopicsFile {
  [topic: string]: { schema: string; subject: string };
}

/** Reads the topic → schema mapping declared in `schemas/topics.json`. */
export function loadTopicSchema(topic: string, dir: string = SCHEMAS_DIR): TopicSchema {
  const topics = JSON.parse(readFileSync(path.join(dir, 'topics.json'), 'utf8')) as TopicsFile;
  const entry = topics[topic];
  if (!entry) throw new PipelineError('NOT_FOUND', `no schema declared for topic ${topic} in ${path.join(dir, 'topics.json')}`);
  const schema = JSON.parse(readFileSync(path.join(dir, entry.schema), 'utf8')) as Record<string, unknown>;
  return { topic, subject: entry.subject, schema };
}

/** Every topic's schema declared in `schemas/topics.json`, in the file's order. */
export function loadTopicSchemas(dir: string = SCHEMAS_DIR): TopicSchema[] {
  const topics = JSON.parse(readFileSync(path.join(dir, 'topics.json'), 'utf8')) as TopicsFile;
  return Object.keys(topics).map((topic) => loadTopicSchema(topic, dir));
}
