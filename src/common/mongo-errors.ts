/** MongoDB's duplicate key error (11000): a unique index refused the write. */
export const isDuplicateKey = (error: unknown): boolean => (error as { code?: number })?.code === 11000;
