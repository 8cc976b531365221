import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { allowlistCsv, dnoCsv, networkJson } from './reference-data.js';

/** Writes dno.csv, allowlist.csv and network.json into `dir` (created if missing); returns the paths. */
export async function writeReferenceDir(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [['dno.csv', dnoCsv()], ['allowlist.csv', allowlistCsv()], ['network.json', networkJson()]];
  await Promise.all(files.map(([name, text]) => writeFile(path.join(dir, name), text, 'utf8')));
  return files.map(([name]) => path.join(dir, name));
}
