import type { Good } from '../../../src/shop/goods';
import {
  escapeHtml,
  renderGoodsJson,
  renderGoodsPage,
  renderUnavailable,
} from '../../../src/shop/page';

const goods: Good[] = [
  { id: 1, name: 'Keepalived T-shirt', price: '19.90', stock: 120 },
  { id: 2, name: '<script>alert("x")</script> & co', price: '9.50', stock: 0 },
];

describe('renderGoodsPage', () => {
  it('names the serving node in the header and the body and lists every good', () => {
    const res = renderGoodsPage('server01', goods);
    expect(res.status).toBe(200);
    expect(res.headers['X-Served-By']).toBe('server01');
    expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.headers['Cache-Control']).toBe('no-store');
    expect(res.body).toContain('<strong id="served-by">server01</strong>');
    expect(res.body).toContain('<td class="name">Keepalived T-shirt</td><td>19.90</td>');
  });

  it('escapes names from the database', () => {
    const { body } = renderGoodsPage('server01', goods);
    expect(body).not.toContain('<script>');
    expect(body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
  });

  it('says so when there are no goods', () => {
    expect(renderGoodsPage('server03', []).body).toContain('<p>No goods.</p>');
  });

  it('renders the whole page', () => {
    expect(renderGoodsPage('server01', goods.slice(0, 1)).body).toMatchInlineSnapshot(`
"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>tp5shop</title></head>
<body>
<h1>tp5shop</h1>
<p>Served by <strong id="served-by">server01</strong></p>
<table id="goods">
<tr><th>id</th><th>name</th><th>price</th><th>stock</th></tr>
<tr><td>1</td><td class="name">Keepalived T-shirt</td><td>19.90</td><td>120</td></tr>
</table>
</body>
</html>
"
`);
  });
});

describe('renderGoodsJson', () => {
  it('answers servedBy and the goods', () => {
    const res = renderGoodsJson('server03', goods);
    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body)).toEqual({ servedBy: 'server03', goods });
  });
});

describe('renderUnavailable', () => {
  it('is a 503 with the code, in JSON', () => {
    const res = renderUnavailable('server01', 'SHOP_DB_TIMEOUT', 'too slow', true);
    expect(res.status).toBe(503);
    expect(res.headers['Retry-After']).toBe('1');
    expect(res.headers['X-Served-By']).toBe('server01');
    expect(JSON.parse(res.body)).toEqual({
      servedBy: 'server01',
      error: { code: 'SHOP_DB_TIMEOUT', message: 'too slow' },
    });
  });

  it('is a 503 page naming the node, in HTML', () => {
    const res = renderUnavailable('server01', 'SHOP_DB_ERROR', 'ECONNREFUSED <x>', false);
    expect(res.status).toBe(503);
    expect(res.body).toContain('<strong id="served-by">server01</strong>');
    expect(res.body).toContain('data-code="SHOP_DB_ERROR">ECONNREFUSED &lt;x&gt;</p>');
  });
});

describe('escapeHtml', () => {
  it.each([
    ['plain', 'plain'],
    [`a<b>&"c'`, 'a&lt;b&gt;&amp;&quot;c&#39;'],
  ])('%s', (input, out) => expect(escapeHtml(input)).toBe(out));
});
