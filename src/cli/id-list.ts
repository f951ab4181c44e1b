import { readFile } from 'node:fs/promises';

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
