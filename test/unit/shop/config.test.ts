import { SHOP_DEFAULTS, shopConfigFromEnv } from '../../../src/shop/config';

describe('shopConfigFromEnv', () => {
  it('defaults to the course lab, named by the host', () => {
    const c = shopConfigFromEnv({}, 'web-a');
    expect(c).toMatchObject({ host: '127.0.0.1', port: 3000, servedBy: 'web-a' });
    expect(c.db).toMatchObject({
      host: '192.168.17.100',
      user: 'tp5shop',
      password: '$Abc3721',
      database: 'tp5shop',
      deadlineMs: SHOP_DEFAULTS.deadlineMs,
    });
  });

  it('reads NODE_NAME, DB_HOST and the limits', () => {
    const c = shopConfigFromEnv(
      { NODE_NAME: 'server01', DB_HOST: '10.217.0.100', DB_DEADLINE_MS: '800', DB_PASSWORD: '' },
      'abc',
    );
    expect(c.servedBy).toBe('server01');
    expect(c.db.host).toBe('10.217.0.100');
    expect(c.db.deadlineMs).toBe(800);
    expect(c.db.password).toBe('');
  });

  it.each([
    ['PORT', '70000'],
    ['DB_DEADLINE_MS', '0'],
    ['DB_POOL_SIZE', 'x'],
  ])('rejects %s=%s with SHOP_BAD_ENV', (name, value) => {
    expect(() => shopConfigFromEnv({ [name]: value }, 'h')).toThrow(/SHOP_BAD_ENV/);
  });
});
