/**
 * Runs at most `limit` tasks at once, the rest in arrival order. Tasks must not reject:
 * each handles its own failure (a failed local request is a result, not an error).
 */
export class TaskPool {
  private active = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  push(task: () => Promise<void>): void {
    this.queue.push(task);
    this.pump();
  }

  /** Drops the tasks not started yet. */
  clear(): void {
    this.queue.length = 0;
    this.notifyIfIdle();
  }

  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.active < this.limit && this.queue.length > 0) {
      const task = this.queue.shift() as () => Promise<void>;
      this.active++;
      void task().finally(() => {
        this.active--;
        this.pump();
        this.notifyIfIdle();
      });
    }
  }

  private notifyIfIdle(): void {
    if (this.active > 0 || this.queue.length > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
