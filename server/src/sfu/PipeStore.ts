/**
 * Shared bookkeeping of a meeting spread over several media nodes (docs/sfu.md "Across nodes"):
 * the nodes it has routers on, one pipe transport pair per node pair, and which producer is
 * piped to which node. Every server instance sees the same records (Redis with REDIS_URL,
 * memory otherwise), so a producer is piped once to a node whichever instance asks.
 */

/** A pipe transport pair between two nodes of a meeting: node id → its pipe transport id. */
export type PipePair = Record<string, string>;

/** A producer of `from` re-created on `to` through the pair's pipe transports. */
export interface PipedProducer {
  producerId: string;
  from: string;
  to: string;
  /** The pipe consumer on `from` that feeds the copy. */
  pipeConsumerId: string;
}

export interface PipeStore {
  /** Records that the meeting has a router on `nodeId`. */
  addNode(meetingId: string, nodeId: string): Promise<void>;
  /** Nodes the meeting has (or had) routers on. */
  nodes(meetingId: string): Promise<string[]>;
  getPair(meetingId: string, a: string, b: string): Promise<PipePair | null>;
  putPair(meetingId: string, a: string, b: string, pair: PipePair): Promise<void>;
  getPiped(meetingId: string, producerId: string, to: string): Promise<PipedProducer | null>;
  putPiped(meetingId: string, piped: PipedProducer): Promise<void>;
  /**
   * Removes and returns the piped copies of a producer (only the one on node `to` when given);
   * of instances calling it at the same time, each copy goes to one of them only.
   */
  takePiped(meetingId: string, producerId: string, to?: string): Promise<PipedProducer[]>;
  listPiped(meetingId: string): Promise<PipedProducer[]>;
  /**
   * A node of the meeting went (or lost its routers): forgets it, and removes and returns the
   * pairs and piped copies involving it (each to one caller only, who closes what is left).
   */
  forgetNode(meetingId: string, nodeId: string): Promise<{ pairs: PipePair[]; piped: PipedProducer[] }>;
  /** Forgets the meeting's pipes and nodes; true for the one caller that found something. */
  clear(meetingId: string): Promise<boolean>;
}

/** Order-independent name of a node pair. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);
export const pipedKey = (producerId: string, to: string): string => `${producerId}>${to}`;

/** PipeStore of a single instance (no REDIS_URL): synchronous work, settled promises. */
export class MemoryPipeStore implements PipeStore {
  private readonly meetingNodes = new Map<string, Set<string>>();
  private readonly pairs = new Map<string, Map<string, PipePair>>();
  private readonly piped = new Map<string, Map<string, PipedProducer>>();

  private map<V>(maps: Map<string, Map<string, V>>, meetingId: string): Map<string, V> {
    let map = maps.get(meetingId);
    if (!map) maps.set(meetingId, (map = new Map<string, V>()));
    return map;
  }

  addNode(meetingId: string, nodeId: string): Promise<void> {
    let set = this.meetingNodes.get(meetingId);
    if (!set) this.meetingNodes.set(meetingId, (set = new Set()));
    set.add(nodeId);
    return Promise.resolve();
  }

  nodes(meetingId: string): Promise<string[]> {
    return Promise.resolve([...(this.meetingNodes.get(meetingId) ?? [])]);
  }

  getPair(meetingId: string, a: string, b: string): Promise<PipePair | null> {
    const pair = this.pairs.get(meetingId)?.get(pairKey(a, b));
    return Promise.resolve(pair ? { ...pair } : null);
  }

  putPair(meetingId: string, a: string, b: string, pair: PipePair): Promise<void> {
    this.map(this.pairs, meetingId).set(pairKey(a, b), { ...pair });
    return Promise.resolve();
  }

  getPiped(meetingId: string, producerId: string, to: string): Promise<PipedProducer | null> {
    const piped = this.piped.get(meetingId)?.get(pipedKey(producerId, to));
    return Promise.resolve(piped ? { ...piped } : null);
  }

  putPiped(meetingId: string, piped: PipedProducer): Promise<void> {
    this.map(this.piped, meetingId).set(pipedKey(piped.producerId, piped.to), { ...piped });
    return Promise.resolve();
  }

  takePiped(meetingId: string, producerId: string, to?: string): Promise<PipedProducer[]> {
    const map = this.piped.get(meetingId);
    if (!map) return Promise.resolve([]);
    const taken = [...map.values()].filter((p) => p.producerId === producerId && (to === undefined || p.to === to));
    for (const p of taken) map.delete(pipedKey(p.producerId, p.to));
    return Promise.resolve(taken);
  }

  listPiped(meetingId: string): Promise<PipedProducer[]> {
    return Promise.resolve([...(this.piped.get(meetingId)?.values() ?? [])].map((p) => ({ ...p })));
  }

  forgetNode(meetingId: string, nodeId: string): Promise<{ pairs: PipePair[]; piped: PipedProducer[] }> {
    this.meetingNodes.get(meetingId)?.delete(nodeId);
    const pairs: PipePair[] = [];
    for (const [key, pair] of this.pairs.get(meetingId) ?? []) {
      if (nodeId in pair) {
        this.pairs.get(meetingId)!.delete(key);
        pairs.push(pair);
      }
    }
    const piped: PipedProducer[] = [];
    for (const [key, p] of this.piped.get(meetingId) ?? []) {
      if (p.from === nodeId || p.to === nodeId) {
        this.piped.get(meetingId)!.delete(key);
        piped.push(p);
      }
    }
    return Promise.resolve({ pairs, piped });
  }

  clear(meetingId: string): Promise<boolean> {
    const found = this.meetingNodes.has(meetingId) || this.pairs.has(meetingId) || this.piped.has(meetingId);
    this.meetingNodes.delete(meetingId);
    this.pairs.delete(meetingId);
    this.piped.delete(meetingId);
    return Promise.resolve(found);
  }
}
