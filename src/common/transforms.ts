/** class-transformer transforms shared by the DTOs (strings only; anything else is left for validation). */
type TransformInput = { value: unknown };

export const trimmed = ({ value }: TransformInput): unknown =>
  typeof value === 'string' ? value.trim() : value;

// Emails are unique and languages are matched exactly: "Ana@X.com"/"ana@x.com" and "English"/"english" are one.
export const trimmedLowerCase = ({ value }: TransformInput): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
