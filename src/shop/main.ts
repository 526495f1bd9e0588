#!/usr/bin/env node
/**
 * The shop app of a web node (behind nginx): `node dist/src/shop/main.js`, settings from the
 * environment (see config.ts). Exit codes: 0 stopped by a signal, 2 bad settings, 3 could not
 * listen.
 */
import http from 'node:http';
import os from 'node:os';
import { ChaosError, InputError } from '../errors';
import { handleShopRequest, type ShopDeps } from './app';
import { shopConfigFromEnv } from './config';
import { createMysqlPool, MysqlGoods } from './mysql-goods';

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} shop: ${message}\n`);
}

export function createShopServer(deps: ShopDeps): http.Server {
  return http.createServer((req, res) => {
    handleShopRequest({ method: req.method ?? 'GET', url: req.url ?? '/' }, deps).then(
      (answer) => {
        const body = req.method === 'HEAD' ? '' : answer.body;
        res.writeHead(answer.status, {
          ...answer.headers,
          'Content-Length': String(Buffer.byteLength(answer.body)),
        });
        res.end(body);
        if (answer.status >= 500) log(`${req.method} ${req.url} -> ${answer.status}`);
      },
      (error: unknown) => {
        log(`handler error: ${String(error)}`);
        res.writeHead(500, { 'X-Served-By': deps.servedBy }).end();
      },
    );
  });
}

async function main(): Promise<number> {
  const config = shopConfigFromEnv(process.env, os.hostname());
  const pool = createMysqlPool(config.db);
  // mysql2 emits pool-level errors for connections that die while idle; they are not fatal.
  pool.on('connection', (conn) => conn.on('error', () => undefined));
  const goods = new MysqlGoods(pool, config.db, `${config.db.host}:${config.db.port}`);
  const server = createShopServer({ servedBy: config.servedBy, goods });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new ChaosError('SHOP_LISTEN_FAILED', `Cannot listen on ${config.host}:${config.port}`, {
          cause: error,
        }),
      ),
    );
    server.listen(config.port, config.host, resolve);
  });
  log(
    `listening on ${config.host}:${config.port} as ${config.servedBy}; MySQL ${config.db.user}@${config.db.host}:${config.db.port}/${config.db.database}, deadline ${config.db.deadlineMs} ms`,
  );
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: stopping`);
      server.close();
      server.closeAllConnections();
      goods.close().then(
        () => resolve(0),
        () => resolve(0),
      );
      setTimeout(() => resolve(0), 2000).unref();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`shop: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(error instanceof InputError ? 2 : 3);
    },
  );
}
