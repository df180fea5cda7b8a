import Router from '@koa/router';
import { AddContactBody, ContactListQuery, type Contact } from '@parley/protocol';
import type { ContactEntry } from '../../chat/ContactService.js';
import type { AppContext } from '../../context.js';
import { currentUser, requireAuth } from '../requireAuth.js';
import { validateBody, validateQuery } from '../validateRequest.js';

/**
 * POST /api/contacts {userId} → 201 `{contact}` (mutual; creates or returns the pair's direct
 * conversation). GET /api/contacts?limit=&after= → `{contacts}`: one page by username, at most
 * CONTACT_LIST_LIMIT, after the username `after`. `online` comes from presence.
 */
export function contactsRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api' });
  const withPresence = async (entries: ContactEntry[]): Promise<Contact[]> => {
    const online = await app.presence.onlineAmong(entries.map((entry) => entry.user.id));
    return entries.map((entry) => ({ ...entry, online: online.has(entry.user.id) }));
  };

  router.post('/contacts', requireAuth(app.auth), async (ctx) => {
    const { userId } = validateBody(ctx, AddContactBody);
    const entry = await app.chat.contacts.add(currentUser(ctx).id, userId);
    const [contact] = await withPresence([entry]);
    ctx.status = 201;
    ctx.body = { contact };
  });

  router.get('/contacts', requireAuth(app.auth), async (ctx) => {
    const { limit, after } = validateQuery(ctx, ContactListQuery);
    const cap = app.config.limits.contactList;
    const page = await app.chat.contacts.list(currentUser(ctx).id, { limit: Math.min(limit ?? cap, cap), after });
    ctx.body = { contacts: await withPresence(page) };
  });
  return router;
}
