import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  EMPTY_REFERENCE, parseAllowlistCsv, parseDnoCsv, parseNetworkJson, type ReferenceData,
} from '@telfraud/core';
import { PipelineError } from '@telfraud/common';

/** Reads a reference directory (contract section 3); every file is optional. */
export function loadReferenceDir(dir: string | undefined): ReferenceData {
  if (!dir) return EMPTY_REFERENCE;
  if (!existsSync(dir)) throw new PipelineError('REFERENCE_INVALID', `reference directory ${dir} does not exist`);
  const read = (name: string): string | undefined => {
    const file = path.join(dir, name);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };
  const dno = read('dno.csv');
  const allow = read('allowlist.csv');
  const network = read('network.json');
  return {
    dno: dno === undefined ? new Map() : parseDnoCsv(dno),
    allowlist: allow === undefined ? new Map() : parseAllowlistCsv(allow),
    network: network === undefined ? undefined : parseNetworkJson(network),
  };
}
