/**
 * Where presence lives: which sockets each user has open, on any instance. Transitions are
 * decided by the store atomically, so two instances never both announce the same change.
 */
export interface PresenceStore {
  /** Records a socket; true when it is the user's first one on any instance. */
  add(userId: string, socketId: string): Promise<boolean>;
  /** Forgets a socket; true when it was the user's last one on any instance. */
  remove(userId: string, socketId: string): Promise<boolean>;
  /** The users among `userIds` with at least one socket. */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /**
   * Starts background upkeep. `onChanged` hears of transitions the store finds on its own: users
   * left without sockets by a crashed instance (offline), or re-registered after this instance
   * was wrongly presumed dead (online).
   */
  start(onChanged: (userIds: string[], online: boolean) => void): Promise<void>;
  /** Stops upkeep and removes this instance's sockets; resolves with the users that went offline. */
  stop(): Promise<string[]>;
}
