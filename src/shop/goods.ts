/**
 * What the shop needs from its database, as a port: tests give a fake, main.ts gives MySQL.
 */
import { ChaosError } from '../errors';

/** One row of tp5shop.goods. `price` stays the DECIMAL's exact text (mysql2 returns a string). */
export interface Good {
  id: number;
  name: string;
  price: string;
  stock: number;
}

export interface GoodsSource {
  /** All goods, or a rejection (a ShopDbError) within the source's deadline: never a hang. */
  list(): Promise<Good[]>;
  close(): Promise<void>;
}

export type ShopDbErrorCode =
  /** The lookup did not finish within the deadline (MySQL slow, paused or unreachable). */
  | 'SHOP_DB_TIMEOUT'
  /** Too many lookups already wait for a connection. */
  | 'SHOP_DB_BUSY'
  /** MySQL refused, dropped the connection or answered an error. */
  | 'SHOP_DB_ERROR';

export class ShopDbError extends ChaosError {
  constructor(code: ShopDbErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ShopDbError';
  }
}

/** Rows from the driver to goods; anything unexpected becomes a SHOP_DB_ERROR. */
export function goodsFromRows(rows: unknown): Good[] {
  if (!Array.isArray(rows))
    throw new ShopDbError('SHOP_DB_ERROR', `goods query returned ${typeof rows}, not rows`);
  return rows.map((row: unknown, i) => {
    const r = row as Record<string, unknown>;
    const id = Number(r['id']);
    const stock = Number(r['stock']);
    const name = r['name'];
    const price = r['price'];
    if (
      !Number.isInteger(id) ||
      !Number.isInteger(stock) ||
      typeof name !== 'string' ||
      (typeof price !== 'string' && typeof price !== 'number')
    ) {
      throw new ShopDbError('SHOP_DB_ERROR', `goods row ${i} is malformed: ${JSON.stringify(row)}`);
    }
    return { id, name, price: String(price), stock };
  });
}
