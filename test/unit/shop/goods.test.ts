import { goodsFromRows, ShopDbError } from '../../../src/shop/goods';

describe('goodsFromRows', () => {
  it('maps mysql2 rows, keeping DECIMAL text exact', () => {
    expect(goodsFromRows([{ id: 1, name: 'mug', price: '9.50', stock: 80 }])).toEqual([
      { id: 1, name: 'mug', price: '9.50', stock: 80 },
    ]);
    expect(goodsFromRows([{ id: '2', name: 'x', price: 3, stock: '4' }])).toEqual([
      { id: 2, name: 'x', price: '3', stock: 4 },
    ]);
  });

  it.each([
    ['not rows', { affectedRows: 1 }],
    ['a row without a name', [{ id: 1, price: '1.00', stock: 1 }]],
    ['a non-integer id', [{ id: 'a', name: 'x', price: '1.00', stock: 1 }]],
  ])('rejects %s with SHOP_DB_ERROR', (_what, rows) => {
    expect(() => goodsFromRows(rows)).toThrow(ShopDbError);
    expect(() => goodsFromRows(rows)).toThrow(/SHOP_DB_ERROR/);
  });
});
