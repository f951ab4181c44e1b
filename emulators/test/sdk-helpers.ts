import { StreamChat } from 'stream-chat';
import type { StreamEmulator } from '../src/stream';

/** The SDK's ErrorFromResponse, or a plain Error for failures below HTTP. */
export interface SdkError extends Error {
  code?: number | string | null;
  status?: number;
  response?: { status: number; headers: Record<string, string>; data: Record<string, unknown> };
}

/** The error a stream-chat SDK call rejects with; fails the test when the call succeeds. */
export async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (e) {
    return e as SdkError;
  }
  throw new Error('expected the call to fail');
}

/** A client-side (browser-like) SDK for the emulator, before connectUser. */
export function clientSdk(emu: StreamEmulator): StreamChat {
  const c = new StreamChat(emu.apiKey, { baseURL: emu.baseUrl, allowServerSideConnect: true, timeout: 2000 });
  // connectUser races the handshake against an uncleared sleep(defaultWSTimeout) (15 s), which would keep jest alive.
  c.defaultWSTimeout = 1000;
  return c;
}
