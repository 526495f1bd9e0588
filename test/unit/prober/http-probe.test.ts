/** httpProbe against a loopback server: new connection per request, headers, timeout. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpProbe } from '../../../src/prober/http-probe';

let server: http.Server;
let base: string;
const sockets = new Set<unknown>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 500).unref();
      return;
    }
    const status = req.url === '/down' ? 503 : 200;
    res.writeHead(status, { 'X-Served-By': 'server01' }).end('ok');
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const now = () => performance.timeOrigin + performance.now();

describe('httpProbe', () => {
  it('records status, X-Served-By and latency, one connection per request', async () => {
    const probe = httpProbe({ url: new URL(`${base}/`), timeoutMs: 1000, now });
    const before = sockets.size;
    const a = await probe(now());
    const b = await probe(now());
    expect(a).toMatchObject({ ok: true, status: 200, servedBy: 'server01' });
    expect(a.error).toBeUndefined();
    expect(b.latencyMs).toBeGreaterThanOrEqual(0);
    expect(sockets.size - before).toBe(2);
  });

  it('a 503 is an answer that is not ok', async () => {
    const r = await httpProbe({ url: new URL(`${base}/down`), timeoutMs: 1000, now })(now());
    expect(r).toMatchObject({ ok: false, status: 503, servedBy: 'server01' });
  });

  it('times out the whole request', async () => {
    const r = await httpProbe({ url: new URL(`${base}/slow`), timeoutMs: 50, now })(now());
    expect(r).toMatchObject({ ok: false, status: null, servedBy: null, error: 'timeout' });
    expect(r.latencyMs).toBeLessThan(400);
  });

  it('a refused connection is recorded with its code', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await httpProbe({ url: new URL(`http://127.0.0.1:${port}/`), timeoutMs: 1000, now })(
      now(),
    );
    expect(r).toMatchObject({ ok: false, status: null, error: 'ECONNREFUSED' });
  });
});
