import { readFile } from 'node:fs/promises';
import { toObjectId } from '../common/object-id';

export interface IdList {
  /** Valid ids, lower-cased, each once, in the order given. */
  valid: string[];
  /** Entries that are not 24 hex digits, as given. */
  invalid: string[];
  /** How many repeated ids were dropped. */
  duplicates: number;
}

/** One id per line; blank lines and `#` comments (whole-line or trailing) are ignored. */
export function parseIdFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.length > 0);
}

export async function readIdFile(path: string): Promise<string[]> {
  return parseIdFile(await readFile(path, 'utf8'));
}

export function partitionIds(entries: string[]): IdList {
  const seen = new Set<string>();
  const invalid: string[] = [];
  let duplicates = 0;
  for (const entry of entries.map((e) => e.trim()).filter((e) => e.length > 0)) {
    const id = toObjectId(entry);
    if (!id) {
      invalid.push(entry);
      continue;
    }
    if (seen.has(id)) duplicates += 1;
    seen.add(id);
  }
  return { valid: [...seen], invalid, duplicates };
}
