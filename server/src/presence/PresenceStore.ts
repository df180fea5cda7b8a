/**
 * Where presence lives: which sockets each user has open, on any instance. Transitions are
 * decided by the store atomically, so two instances never both announce the same change.
 *
 * A user whose last socket goes may be "leaving" for a grace period (a reload, a tab handed to
 * another): a socket added meanwhile cancels the offline, so contacts see no flap.
 */
export interface PresenceStore {
  /** Records a socket; true when it brings the user online (first socket, no offline pending). */
  add(userId: string, socketId: string): Promise<boolean>;
  /**
   * Forgets a socket; true when it was the user's last one on any instance. With `leavingMs` > 0
   * the user is then leaving: confirmOffline decides after that long.
   */
  remove(userId: string, socketId: string, leavingMs: number): Promise<boolean>;
  /** Ends a leaving period: true when the user is still without sockets (announce offline). */
  confirmOffline(userId: string): Promise<boolean>;
  /** The users among `userIds` with at least one socket. */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /**
   * Starts background upkeep. `onChanged` hears of transitions the store finds on its own: users
   * left without sockets by a crashed instance, or left leaving by an instance that died before
   * confirming them (offline); or re-registered after this instance was wrongly presumed dead
   * (online).
   */
  start(onChanged: (userIds: string[], online: boolean) => void): Promise<void>;
  /** Stops upkeep and removes this instance's sockets; resolves with the users that went offline. */
  stop(): Promise<string[]>;
}
