import { GOODS_SQL, MysqlGoods, type QueryPool } from '../../../src/shop/mysql-goods';

/** A pool whose query does what the test says. */
function fakePool(query: () => Promise<[unknown, unknown]>): QueryPool & { sql: string[] } {
  const sql: string[] = [];
  return {
    sql,
    query(options) {
      sql.push(options.sql);
      return query();
    },
    end: () => Promise.resolve(),
  };
}

const limits = { deadlineMs: 40, queryTimeoutMs: 1000 };

describe('MysqlGoods', () => {
  it('lists goods with the goods query', async () => {
    const pool = fakePool(() =>
      Promise.resolve([[{ id: 1, name: 'mug', price: '9.50', stock: 80 }], []]),
    );
    await expect(new MysqlGoods(pool, limits).list()).resolves.toEqual([
      { id: 1, name: 'mug', price: '9.50', stock: 80 },
    ]);
    expect(pool.sql).toEqual([GOODS_SQL]);
  });

  it('gives up at the deadline when MySQL never answers', async () => {
    const pool = fakePool(() => new Promise(() => undefined));
    const started = Date.now();
    await expect(new MysqlGoods(pool, limits, 'db:3306').list()).rejects.toMatchObject({
      code: 'SHOP_DB_TIMEOUT',
      message: expect.stringContaining('db:3306 took longer than 40 ms'),
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'SHOP_DB_ERROR'],
    [{ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }, 'SHOP_DB_TIMEOUT'],
    [{ code: 'PROTOCOL_SEQUENCE_TIMEOUT', message: 'Query inactivity timeout' }, 'SHOP_DB_TIMEOUT'],
    [{ message: 'Queue limit reached.' }, 'SHOP_DB_BUSY'],
  ])('classifies %j as %s', async (error, code) => {
    const pool = fakePool(() => Promise.reject(Object.assign(new Error(error.message), error)));
    await expect(new MysqlGoods(pool, limits).list()).rejects.toMatchObject({ code });
  });

  it('an answer after the deadline changes nothing', async () => {
    let answer: (v: [unknown, unknown]) => void = () => undefined;
    const pool = fakePool(() => new Promise((resolve) => (answer = resolve)));
    const p = new MysqlGoods(pool, { deadlineMs: 5, queryTimeoutMs: 1000 }).list();
    await expect(p).rejects.toMatchObject({ code: 'SHOP_DB_TIMEOUT' });
    answer([[], []]);
  });
});
