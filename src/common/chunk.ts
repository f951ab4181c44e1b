/** Splits `items` into runs of at most `size` (Stream takes at most 100 users per call). */
export const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
