import { ServerEvents, type Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ChatNotifier } from '../../src/chat/ChatNotifier.js';
import { RecordingClientRooms } from '../support/recordingClientRooms.js';

const message: Message = {
  id: '7',
  conversationId: 'c',
  senderId: 'a',
  clientId: 'k',
  text: 'hi',
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('ChatNotifier', () => {
  it("sends each event to its recipients' user rooms, and nothing to an empty recipient list", () => {
    const io = new RecordingClientRooms();
    const notifier = new ChatNotifier(io);
    notifier.message(['a', 'b'], message);
    notifier.read('a', { conversationId: 'c', messageId: '7', unreadCount: 0 });
    notifier.typing(['b'], { conversationId: 'c', userId: 'a', isTyping: true });
    notifier.message([], message);
    notifier.typing([], { conversationId: 'c', userId: 'a', isTyping: false });
    expect(io.emits).toEqual([
      { to: ['user:a', 'user:b'], except: [], event: ServerEvents.message, payload: { message } },
      {
        to: ['user:a'],
        except: [],
        event: ServerEvents.read,
        payload: { conversationId: 'c', messageId: '7', unreadCount: 0 },
      },
      {
        to: ['user:b'],
        except: [],
        event: ServerEvents.typing,
        payload: { conversationId: 'c', userId: 'a', isTyping: true },
      },
    ]);
  });
});
