/**
 * GoodsSource over a mysql2 pool, bounded by a deadline: a dead, paused or unreachable MySQL
 * gives a ShopDbError within `deadlineMs`, never a hanging request.
 */
import { createPool, type Pool } from 'mysql2/promise';
import type { ShopConfig } from './config';
import { goodsFromRows, ShopDbError, type Good, type GoodsSource } from './goods';

export const GOODS_SQL = 'SELECT id, name, price, stock FROM goods ORDER BY id';

/** The slice of a mysql2 promise pool we use (tests give a fake). */
export interface QueryPool {
  query(options: { sql: string; timeout: number }): Promise<[unknown, unknown]>;
  end(): Promise<void>;
}

export function createMysqlPool(db: ShopConfig['db']): Pool {
  return createPool({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    connectTimeout: db.connectTimeoutMs,
    connectionLimit: db.connectionLimit,
    queueLimit: db.queueLimit,
    waitForConnections: true,
    enableKeepAlive: true,
    // Pooled connections MySQL dropped (a restart) are not kept for long.
    idleTimeout: 10_000,
    maxIdle: db.connectionLimit,
    decimalNumbers: false,
  });
}

function classify(error: unknown): ShopDbError {
  if (error instanceof ShopDbError) return error;
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  if (/queue limit/i.test(message))
    return new ShopDbError('SHOP_DB_BUSY', `MySQL pool queue is full: ${message}`, {
      cause: error,
    });
  if (e.code === 'PROTOCOL_SEQUENCE_TIMEOUT' || e.code === 'ETIMEDOUT')
    return new ShopDbError('SHOP_DB_TIMEOUT', `MySQL timed out: ${message}`, { cause: error });
  return new ShopDbError('SHOP_DB_ERROR', `MySQL: ${e.code ? `${e.code}: ` : ''}${message}`, {
    cause: error,
  });
}

export class MysqlGoods implements GoodsSource {
  constructor(
    private readonly pool: QueryPool,
    private readonly limits: { deadlineMs: number; queryTimeoutMs: number },
    private readonly label = 'MySQL',
  ) {}

  list(): Promise<Good[]> {
    const { deadlineMs, queryTimeoutMs } = this.limits;
    return new Promise<Good[]>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(
          new ShopDbError(
            'SHOP_DB_TIMEOUT',
            `goods lookup on ${this.label} took longer than ${deadlineMs} ms`,
          ),
        );
      }, deadlineMs);
      this.pool
        .query({ sql: GOODS_SQL, timeout: queryTimeoutMs })
        .then(([rows]) => goodsFromRows(rows))
        .then(
          (goods) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve(goods);
          },
          (error: unknown) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            reject(classify(error));
          },
        );
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
