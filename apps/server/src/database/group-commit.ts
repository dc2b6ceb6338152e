/**
 * Group commit. Writes that arrive in the same turn of the event loop, or while earlier ones
 * are running, are written together in one statement (one transaction, one commit): under load
 * a commit carries many requests, alone it carries one and waits only for the end of its turn.
 * Each caller's promise settles when the statement that holds its item has committed, never
 * before.
 *
 * Up to `maxInFlight` statements run at once (each on a connection of its own): with two, what
 * arrives while one commits starts at once rather than waiting a whole commit for its turn,
 * and PostgreSQL flushes the two commits' WAL together when they meet.
 *
 * If a group's statement fails, its items are written again one by one, so one bad item fails
 * alone and its neighbours are not lost.
 */
export class GroupCommit<T, R> {
  private readonly waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] =
    [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly write: {
      one: (item: T) => Promise<R>;
      /** Results in the order of `items`. */
      many: (items: T[]) => Promise<R[]>;
    },
    /** Items per statement, at most. */
    private readonly maxGroup = 200,
    /** Statements running at once, at most. */
    private readonly maxInFlight = 1,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.scheduled || this.inFlight >= this.maxInFlight) return;
      // A new statement waits for the end of this turn of the event loop, so that what arrived
      // in the same turn (requests read from several sockets at once) goes in the same group.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.drain();
      });
    });
  }

  /** Writes groups one after another until none wait, as one of the `maxInFlight` writers. */
  private async drain(): Promise<void> {
    if (this.inFlight >= this.maxInFlight) return;
    this.inFlight++;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.maxGroup);
        if (group.length === 1) {
          await this.settle(group[0]);
          continue;
        }
        let results: R[];
        try {
          results = await this.write.many(group.map((g) => g.item));
        } catch {
          await Promise.all(group.map((g) => this.settle(g)));
          continue;
        }
        group.forEach((g, i) => g.resolve(results[i]));
      }
    } finally {
      this.inFlight--;
    }
  }

  private async settle(entry: {
    item: T;
    resolve: (r: R) => void;
    reject: (e: unknown) => void;
  }): Promise<void> {
    try {
      entry.resolve(await this.write.one(entry.item));
    } catch (error) {
      entry.reject(error);
    }
  }
}
