/**
 * Who is who in the benchmark: users 0..U-1, grouped into conversations of `groupSize`
 * consecutive users (a remainder of one joins the last group); socket i belongs to user i % U
 * and lands on instance floor(i / U) % 2, so every user has sockets on both instances.
 */
export interface Topology {
  users: number;
  sockets: number;
  /** Member user indexes of each conversation. */
  groups: number[][];
  /** Conversation index of each user. */
  groupOf: number[];
  userOfSocket(socket: number): number;
  instanceOfSocket(socket: number): 0 | 1;
  /** Sockets per user. */
  socketsOf(user: number): number;
  /** The socket each sending user sends from, alternating instances between users. */
  senderSocket(user: number): number;
}

export function makeTopology(users: number, sockets: number, groupSize: number): Topology {
  const groups: number[][] = [];
  for (let start = 0; start < users; start += groupSize) {
    const members = Array.from({ length: Math.min(groupSize, users - start) }, (_, i) => start + i);
    if (members.length === 1 && groups.length > 0) groups[groups.length - 1]!.push(members[0]!);
    else groups.push(members);
  }
  const groupOf: number[] = [];
  groups.forEach((members, g) => members.forEach((u) => (groupOf[u] = g)));
  const socketCounts = Array.from(
    { length: users },
    (_, u) => Math.floor(sockets / users) + (u < sockets % users ? 1 : 0),
  );
  return {
    users,
    sockets,
    groups,
    groupOf,
    userOfSocket: (socket) => socket % users,
    instanceOfSocket: (socket) => (Math.floor(socket / users) % 2) as 0 | 1,
    socketsOf: (user) => socketCounts[user]!,
    senderSocket: (user) => (user % 2 === 1 && socketCounts[user]! > 1 ? user + users : user),
  };
}
