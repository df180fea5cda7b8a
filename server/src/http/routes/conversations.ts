import Router from '@koa/router';
import { ConversationListQuery, ConversationParams, CreateConversationBody, HistoryQuery } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import { currentUser, requireAuth } from '../requireAuth.js';
import { validateBody, validateParams, validateQuery } from '../validateRequest.js';

/**
 * POST /api/conversations {title, memberIds} → 201 `{conversation}` (a group; the caller is a
 * member). GET /api/conversations?limit= → `{conversations}` with last message and unread count:
 * the most recently active ones, at most CONVERSATION_LIST_LIMIT.
 * GET /api/conversations/:id/messages?before=&limit= → `{messages}`, oldest first; 404 for a
 * conversation the caller is not a member of.
 */
export function conversationsRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api' });

  router.post('/conversations', requireAuth(app.auth), async (ctx) => {
    const body = validateBody(ctx, CreateConversationBody);
    const conversation = await app.chat.conversations.createGroup(currentUser(ctx).id, body);
    ctx.status = 201;
    ctx.body = { conversation };
  });

  router.get('/conversations', requireAuth(app.auth), async (ctx) => {
    const { limit } = validateQuery(ctx, ConversationListQuery);
    const cap = app.config.limits.conversationList;
    ctx.body = { conversations: await app.chat.conversations.list(currentUser(ctx).id, Math.min(limit ?? cap, cap)) };
  });

  router.get('/conversations/:id/messages', requireAuth(app.auth), async (ctx) => {
    const { id } = validateParams(ctx, ConversationParams);
    const query = validateQuery(ctx, HistoryQuery);
    ctx.body = { messages: await app.chat.messages.history(currentUser(ctx).id, id, query) };
  });
  return router;
}
