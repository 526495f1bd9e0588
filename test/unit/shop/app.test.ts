import { ChaosError } from '../../../src/errors';
import { handleShopRequest } from '../../../src/shop/app';
import { ShopDbError, type Good, type GoodsSource } from '../../../src/shop/goods';

const GOODS: Good[] = [{ id: 1, name: 'VRRP coffee mug', price: '9.50', stock: 80 }];

/** A fake database: answers goods, or fails with the given error. */
function fakeDb(result: Good[] | Error): GoodsSource & { calls: number } {
  return {
    calls: 0,
    list() {
      this.calls++;
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
    },
    close: () => Promise.resolve(),
  };
}

function deps(result: Good[] | Error = GOODS) {
  return { servedBy: 'server01', goods: fakeDb(result) };
}

describe('handleShopRequest', () => {
  it('GET / is the HTML page with the goods and the node', async () => {
    const res = await handleShopRequest({ method: 'GET', url: '/' }, deps());
    expect(res.status).toBe(200);
    expect(res.headers['X-Served-By']).toBe('server01');
    expect(res.body).toContain('VRRP coffee mug');
  });

  it('GET /api/goods is JSON, query string ignored', async () => {
    const res = await handleShopRequest({ method: 'GET', url: '/api/goods?x=1' }, deps());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ servedBy: 'server01', goods: GOODS });
  });

  it('HEAD is answered like GET', async () => {
    const res = await handleShopRequest({ method: 'HEAD', url: '/' }, deps());
    expect(res.status).toBe(200);
  });

  it('/api/ping does not touch the database', async () => {
    const d = deps(new Error('down'));
    const res = await handleShopRequest({ method: 'GET', url: '/api/ping' }, d);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ servedBy: 'server01', ok: true });
    expect(d.goods.calls).toBe(0);
  });

  it.each([
    ['/', false],
    ['/api/goods', true],
  ])('a database timeout on %s is a 503 with its code', async (url, json) => {
    const err = new ShopDbError('SHOP_DB_TIMEOUT', 'goods lookup took longer than 1200 ms');
    const res = await handleShopRequest({ method: 'GET', url }, deps(err));
    expect(res.status).toBe(503);
    expect(res.headers['X-Served-By']).toBe('server01');
    if (json) expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'SHOP_DB_TIMEOUT' } });
    else expect(res.body).toContain('data-code="SHOP_DB_TIMEOUT"');
  });

  it('an unexpected error is a 503 SHOP_DB_ERROR', async () => {
    const res = await handleShopRequest({ method: 'GET', url: '/api/goods' }, deps(new Error('x')));
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'SHOP_DB_ERROR', message: 'x' } });
  });

  it('keeps the code of any ChaosError', async () => {
    const res = await handleShopRequest(
      { method: 'GET', url: '/api/goods' },
      deps(new ChaosError('SHOP_DB_BUSY', 'queue full')),
    );
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'SHOP_DB_BUSY' } });
  });

  it('unknown paths are 404 and other methods 405', async () => {
    expect((await handleShopRequest({ method: 'GET', url: '/nope' }, deps())).status).toBe(404);
    const res = await handleShopRequest({ method: 'POST', url: '/' }, deps());
    expect(res.status).toBe(405);
    expect(res.headers['Allow']).toBe('GET, HEAD');
  });
});
