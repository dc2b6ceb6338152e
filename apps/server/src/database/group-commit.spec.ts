import { GroupCommit } from './group-commit';

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A writer whose statements the test completes by hand, recording the groups it was given. */
function manualWriter() {
  const groups: number[][] = [];
  const pending: (() => void)[] = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      groups.push(items);
      pending.push(() =>
        items.includes(13) ? reject(new Error('poison')) : resolve(items.map((i) => `ok ${i}`)),
      );
    });
  return {
    groups,
    commitNext: async () => {
      // Let submitted callers reach the queue, then finish the oldest statement.
      await endOfTurn();
      pending.shift()?.();
      await endOfTurn();
    },
    batcher: new GroupCommit<number, string>(
      { one: async (i) => (await write([i]))[0], many: write },
      3,
    ),
  };
}

describe('GroupCommit', () => {
  it('writes what arrives in one turn together, and what arrives meanwhile in the next statement', async () => {
    const { groups, commitNext, batcher } = manualWriter();
    const sameTurn = [1, 2].map((i) => batcher.submit(i));
    await endOfTurn();
    // [1, 2] is being written; these wait for it.
    const rest = [3, 4, 5, 6].map((i) => batcher.submit(i));
    await commitNext();
    expect(await Promise.all(sameTurn)).toEqual(['ok 1', 'ok 2']);
    await commitNext();
    await commitNext();
    expect(await Promise.all(rest)).toEqual(['ok 3', 'ok 4', 'ok 5', 'ok 6']);
    // At most 3 per statement.
    expect(groups).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it('writes a lone item alone, once its turn is over', async () => {
    const { groups, commitNext, batcher } = manualWriter();
    const lone = batcher.submit(7);
    expect(groups).toEqual([]);
    await commitNext();
    expect(await lone).toBe('ok 7');
    expect(groups).toEqual([[7]]);
  });

  it('settles no caller before its statement has committed', async () => {
    const { commitNext, batcher } = manualWriter();
    let settled = false;
    void batcher.submit(1).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await commitNext();
    expect(settled).toBe(true);
  });

  it('when a group fails, writes each item alone: only the bad one fails', async () => {
    const { groups, commitNext, batcher } = manualWriter();
    const first = batcher.submit(1);
    await endOfTurn();
    const group = [12, 13, 14].map((i) => batcher.submit(i).catch((e: Error) => e.message));
    await commitNext(); // [1]
    await commitNext(); // [12, 13, 14] fails
    for (let i = 0; i < 3; i++) await commitNext(); // each alone
    expect(await first).toBe('ok 1');
    expect(await Promise.all(group)).toEqual(['ok 12', 'poison', 'ok 14']);
    expect(groups).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it("answers a group's callers after the next group's statement is sent, on the tick the driver queued", async () => {
    const events: string[] = [];
    const pending: (() => void)[] = [];
    // As node-postgres's pool does: the statement leaves on a tick queued by the call.
    const many = (items: number[]) =>
      new Promise<string[]>((resolve) => {
        process.nextTick(() => events.push(`sent ${items.join(',')}`));
        pending.push(() => resolve(items.map((i) => `ok ${i}`)));
      });
    const batcher = new GroupCommit<number, string>({ one: async (i) => `ok ${i}`, many });
    const first = [1, 2].map((i) => batcher.submit(i).then(() => events.push(`answered ${i}`)));
    await endOfTurn();
    const second = [3, 4].map((i) => batcher.submit(i).then(() => events.push(`answered ${i}`)));
    pending.shift()?.();
    await Promise.all(first);
    pending.shift()?.();
    await Promise.all(second);
    expect(events).toEqual([
      'sent 1,2',
      'sent 3,4',
      'answered 1',
      'answered 2',
      'answered 3',
      'answered 4',
    ]);
  });
});
