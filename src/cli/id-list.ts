import { readFile } from 'node:fs/promises';

/** App user ids are MongoDB ObjectIds, and the same 24 hex digits name the user in Stream. */
export const USER_ID_PATTERN = /^[0-9a-f]{24}$/i;

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
    if (!USER_ID_PATTERN.test(entry)) {
      invalid.push(entry);
      continue;
    }
    const id = entry.toLowerCase();
    if (seen.has(id)) duplicates += 1;
    seen.add(id);
  }
  return { valid: [...seen], invalid, duplicates };
}
