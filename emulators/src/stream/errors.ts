// Stream's error envelope. Every failure the emulator answers, including the ones for features it does not
// implement, uses it so the SDK turns it into the same `StreamChat error code N: …` error as the real service.
export const MORE_INFO = 'https://getstream.io/chat/docs/api_errors_response';

export interface StreamErrorBody {
  code: number;
  message: string;
  StatusCode: number;
  duration: string;
  more_info: string;
  details: unknown[];
}

export class StreamApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'StreamApiError';
  }
}

export const inputError = (detail: string): StreamApiError => new StreamApiError(400, 4, detail);
export const notAllowed = (detail: string): StreamApiError => new StreamApiError(403, 17, detail);
export const doesNotExist = (detail: string): StreamApiError => new StreamApiError(404, 16, detail);

export function formatDuration(ms: number): string {
  return `${ms.toFixed(2)}ms`;
}

/** `endpoint` is Stream's handler name (`UpdateUsers`); without one the detail is the message (WebSocket errors). */
export function errorBody(err: StreamApiError, endpoint: string | undefined, ms: number): StreamErrorBody {
  return {
    code: err.code,
    message: endpoint ? `${endpoint} failed with error: "${err.detail}"` : err.detail,
    StatusCode: err.status,
    duration: formatDuration(ms),
    more_info: MORE_INFO,
    details: [],
  };
}
