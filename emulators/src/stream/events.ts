import type { Connections } from './connections';
import { doesNotExist, inputError } from './errors';
import { isObject, type Json } from './request';
import { OUTCOME, type Route } from './route';
import type { StreamStore } from './store';

/**
 * Custom events to a user (POST /users/{user_id}/event, `sendUserCustomEvent`), as Stream's "Custom Events, To a
 * user" docs describe them: server-side only; delivered to every connected client of that user and, like every
 * event, copied to the webhook; never stored, so a user with no open connection misses it. Stream answers 404 for
 * an unknown user and 400 for a type with a dot (dots mark its built-in events); the codes are its usual ones for
 * those statuses (16, 4), the wording is the emulator's.
 *
 * What a connected client receives: the event's own fields (custom data flat beside `type`, as the v1 API carries
 * it) plus `created_at`, as Stream's CustomEvent schema has it; no `user`, since no user sent it.
 */
export function userEventRoutes(
  store: StreamStore,
  connections: Connections,
  emit: (event: Json) => void,
): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/users\/([^/]+)\/event$/,
      endpoint: 'SendUserCustomEvent',
      serverOnly: true,
      handle: (ctx) => {
        const sent = ctx.body.event;
        if (!isObject(sent)) throw inputError('event is a required field');
        if (typeof sent.type !== 'string' || sent.type === '')
          throw inputError('event.type is a required field');
        if (sent.type.includes('.')) {
          throw inputError(
            `event type "${sent.type}" is not valid: custom event types cannot contain ".", which marks Stream's built-in events`,
          );
        }
        const userId = ctx.params[0];
        if (!store.state.users.has(userId)) throw doesNotExist(`user "${userId}" does not exist`);
        const event = { ...sent, created_at: new Date().toISOString() };
        const delivered = connections.sendToUser(userId, event);
        emit(event);
        return { [OUTCOME]: `delivered:${delivered}` };
      },
    },
  ];
}
