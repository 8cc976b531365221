import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabelsDocument } from '../simulation/labels-document.js';

/** Replaces the labels file atomically (write then rename), so a reader never sees half a document. */
export async function writeLabelsFile(file: string, doc: LabelsDocument): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(doc, null, 2) + '\n', 'utf8');
  await rename(tmp, file);
}
