/**
 * A lab spec from a YAML lab file on disk, or the seed's lab when no file is given: what
 * `chaos lab up [LAB.yaml]` and the library's startLab() bring up (the I/O edge of lab-file.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import { fsSource } from '../keepalived/fs-source';
import { parseLabFile } from './lab-file';
import { seedLabSpec } from './lab-spec';
import type { LabSpec } from './lab-spec';

/** LAB_FILE_NOT_FOUND when the file cannot be read; the lab file's own errors otherwise. */
export function loadLabSpec(file: string | undefined, rootDir: string): LabSpec {
  if (file === undefined) return seedLabSpec(rootDir, fsSource());
  const full = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (error) {
    throw new InputError('LAB_FILE_NOT_FOUND', `lab file not found: ${full}`, { cause: error });
  }
  return parseLabFile(text, full, fsSource());
}
