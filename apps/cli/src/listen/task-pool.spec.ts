import { TaskPool } from './task-pool';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('TaskPool', () => {
  it('runs at most `limit` tasks at once, the others in order as places free up', async () => {
    const pool = new TaskPool(2);
    const started: number[] = [];
    const finish: (() => void)[] = [];
    for (let n = 0; n < 4; n++) {
      pool.push(() => {
        started.push(n);
        return new Promise<void>((resolve) => (finish[n] = resolve));
      });
    }
    expect(started).toEqual([0, 1]);
    finish[1]();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    finish[0]();
    finish[2]();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    finish[3]();
    await pool.idle();
  });

  it('drops waiting tasks on clear and is idle once the running ones end', async () => {
    const pool = new TaskPool(1);
    let release!: () => void;
    const ran: string[] = [];
    pool.push(() => new Promise<void>((resolve) => (release = resolve)));
    pool.push(async () => {
      ran.push('dropped');
    });
    pool.clear();
    let idle = false;
    void pool.idle().then(() => (idle = true));
    await tick();
    expect(idle).toBe(false);
    release();
    await tick();
    expect(idle).toBe(true);
    expect(ran).toEqual([]);
  });
});
