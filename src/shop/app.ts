/**
 * The shop's routes over a GoodsSource. No sockets and no timers here: the source bounds its
 * own lookups (see MysqlGoods), so the handler only maps results and errors to answers.
 *
 *   GET /            HTML page: the serving node and the goods
 *   GET /api/goods   JSON {servedBy, goods}
 *   GET /api/ping    JSON {servedBy, ok: true} without the database (is the app up?)
 * A failed lookup gives 503 with the error code; HEAD is GET without a body.
 */
import { ChaosError } from '../errors';
import type { GoodsSource } from './goods';
import {
  renderGoodsJson,
  renderGoodsPage,
  renderStatus,
  renderUnavailable,
  type ShopResponse,
} from './page';

export interface ShopRequest {
  method: string;
  /** The request target, e.g. `/api/goods?x=1`. */
  url: string;
}

export interface ShopDeps {
  servedBy: string;
  goods: GoodsSource;
}

function pathOf(url: string): string {
  const q = url.search(/[?#]/);
  return q === -1 ? url : url.slice(0, q);
}

export async function handleShopRequest(req: ShopRequest, deps: ShopDeps): Promise<ShopResponse> {
  const { servedBy } = deps;
  const method = req.method.toUpperCase();
  const path = pathOf(req.url);
  const route = path === '/' || path === '/index.html' ? 'page' : path;
  if (route !== 'page' && route !== '/api/goods' && route !== '/api/ping')
    return renderStatus(servedBy, 404, `not found: ${path}`);
  if (method !== 'GET' && method !== 'HEAD') {
    const res = renderStatus(servedBy, 405, `method not allowed: ${method}`);
    return { ...res, headers: { ...res.headers, Allow: 'GET, HEAD' } };
  }
  if (route === '/api/ping') {
    return {
      status: 200,
      headers: { ...renderStatus(servedBy, 200, '').headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ servedBy, ok: true }) + '\n',
    };
  }
  const json = route === '/api/goods';
  try {
    const goods = await deps.goods.list();
    return json ? renderGoodsJson(servedBy, goods) : renderGoodsPage(servedBy, goods);
  } catch (error) {
    const code = error instanceof ChaosError ? error.code : 'SHOP_DB_ERROR';
    const message = error instanceof Error ? error.message : String(error);
    return renderUnavailable(servedBy, code, message, json);
  }
}
