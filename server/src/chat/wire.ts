import type { Message, User } from '@parley/protocol';

/**
 * Rows as the chat queries select them, and their wire shapes. PostgreSQL (pg) returns int8 as
 * strings and PGlite as numbers; timestamps come back as Date from both. Everything is
 * normalised here so the wire always carries decimal-string ids and ISO timestamps.
 */
export type DbId = string | number | bigint;

export interface MessageRow {
  id: DbId;
  conversation_id: string;
  sender_id: string;
  client_id: string;
  text: string;
  created_at: Date | string;
}

export interface UserRow {
  id: string;
  username: string;
  display_name: string | null;
}

export function idString(value: DbId): string {
  return typeof value === 'string' ? value : value.toString();
}

export function nullableIdString(value: DbId | null | undefined): string | null {
  return value === null || value === undefined ? null : idString(value);
}

export function toIso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function toMessage(row: MessageRow): Message {
  return {
    id: idString(row.id),
    conversationId: row.conversation_id,
    senderId: row.sender_id,
    text: row.text,
    clientId: row.client_id,
    createdAt: toIso(row.created_at),
  };
}

export function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, displayName: row.display_name ?? row.username };
}

/** Counts arrive as strings (pg), numbers or bigints (PGlite). */
export function toCount(value: DbId | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Users and conversations have uuid ids; anything else cannot name one (and must not reach SQL). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const BIGINT_MAX = 9_223_372_036_854_775_807n;

/** A decimal message id (already shaped by the protocol schema) that PostgreSQL's bigint holds. */
export function fitsBigint(id: string): boolean {
  return BigInt(id) <= BIGINT_MAX;
}
