/**
 * The shop app's settings, read from the environment (pure: the environment and the host name
 * are arguments). Defaults are the course's lab: MySQL on server02 192.168.17.100, database
 * `tp5shop`, user `tp5shop` with password `$Abc3721`.
 */
import { InputError } from '../errors';

export interface ShopConfig {
  /** Address the HTTP server binds (nginx proxies to it). */
  host: string;
  port: number;
  /** Node name shown in `X-Served-By` and the page: NODE_NAME, else the host name. */
  servedBy: string;
  db: {
    host: string;
    port: number;
    user: string;
    password: string;
    database: string;
    /** TCP connect timeout of one MySQL connection. */
    connectTimeoutMs: number;
    /** mysql2's per-query inactivity timeout. */
    queryTimeoutMs: number;
    /** Hard bound on one goods lookup (pool wait + connect + query): past it the answer is 503. */
    deadlineMs: number;
    /** Pool size; small on purpose: the lab has one client per node. */
    connectionLimit: number;
    /** Requests allowed to wait for a pooled connection; more get 503 at once. */
    queueLimit: number;
  };
}

export type Env = Readonly<Record<string, string | undefined>>;

export const SHOP_DEFAULTS = {
  host: '127.0.0.1',
  port: 3000,
  dbHost: '192.168.17.100',
  dbPort: 3306,
  dbUser: 'tp5shop',
  dbPassword: '$Abc3721',
  dbName: 'tp5shop',
  connectTimeoutMs: 1000,
  queryTimeoutMs: 1000,
  deadlineMs: 1200,
  connectionLimit: 4,
  queueLimit: 16,
} as const;

function intFrom(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(
      'SHOP_BAD_ENV',
      `${name}=${JSON.stringify(raw)} is not an integer in [${min}, ${max}]`,
    );
  }
  return value;
}

function strFrom(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

export function shopConfigFromEnv(env: Env, hostname: string): ShopConfig {
  return {
    host: strFrom(env, 'HOST', SHOP_DEFAULTS.host),
    port: intFrom(env, 'PORT', SHOP_DEFAULTS.port, 0, 65535),
    servedBy: strFrom(env, 'NODE_NAME', hostname),
    db: {
      host: strFrom(env, 'DB_HOST', SHOP_DEFAULTS.dbHost),
      port: intFrom(env, 'DB_PORT', SHOP_DEFAULTS.dbPort, 1, 65535),
      user: strFrom(env, 'DB_USER', SHOP_DEFAULTS.dbUser),
      // An empty DB_PASSWORD is a real (empty) password, unlike the other settings.
      password: env['DB_PASSWORD'] ?? SHOP_DEFAULTS.dbPassword,
      database: strFrom(env, 'DB_NAME', SHOP_DEFAULTS.dbName),
      connectTimeoutMs: intFrom(
        env,
        'DB_CONNECT_TIMEOUT_MS',
        SHOP_DEFAULTS.connectTimeoutMs,
        1,
        60000,
      ),
      queryTimeoutMs: intFrom(env, 'DB_QUERY_TIMEOUT_MS', SHOP_DEFAULTS.queryTimeoutMs, 1, 60000),
      deadlineMs: intFrom(env, 'DB_DEADLINE_MS', SHOP_DEFAULTS.deadlineMs, 1, 60000),
      connectionLimit: intFrom(env, 'DB_POOL_SIZE', SHOP_DEFAULTS.connectionLimit, 1, 100),
      queueLimit: intFrom(env, 'DB_QUEUE_LIMIT', SHOP_DEFAULTS.queueLimit, 0, 10000),
    },
  };
}
