/**
 * One HTTP GET per probe, each on a NEW TCP connection (`agent: false`, `Connection: close`).
 * The prober exists to notice the VIP moving: a kept-alive connection would stay pinned to the
 * old master's socket (and fail or hang in ways no real new visitor sees), while a new
 * connection per request goes through ARP and the TCP handshake like a new client does.
 *
 * `timeoutMs` bounds the whole request (connect + answer + body), not only socket idleness.
 */
import http from 'node:http';
import { isOkStatus, type ProbeRecord } from './record';

export interface HttpProbeOptions {
  url: URL;
  timeoutMs: number;
  /** Same clock as the loop's (epoch ms). */
  now: () => number;
}

function errorText(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e.code ?? e.message ?? String(error);
}

export function httpProbe(opts: HttpProbeOptions): (t: number) => Promise<ProbeRecord> {
  const { url, timeoutMs, now } = opts;
  return (t: number) =>
    new Promise<ProbeRecord>((resolve) => {
      let done = false;
      const finish = (r: Omit<ProbeRecord, 't' | 'latencyMs'>) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ t, latencyMs: now() - t, ...r });
      };
      const req = http.request(
        url,
        {
          method: 'GET',
          agent: false,
          headers: { Connection: 'close', 'User-Agent': 'chaos-prober' },
        },
        (res) => {
          const status = res.statusCode ?? null;
          const header = res.headers['x-served-by'];
          const servedBy = Array.isArray(header) ? (header[0] ?? null) : (header ?? null);
          res.resume();
          res.on('end', () =>
            finish({ ok: status !== null && isOkStatus(status), status, servedBy }),
          );
          res.on('error', (error) =>
            finish({ ok: false, status, servedBy, error: errorText(error) }),
          );
        },
      );
      const timer = setTimeout(() => {
        finish({ ok: false, status: null, servedBy: null, error: 'timeout' });
        req.destroy();
      }, timeoutMs);
      req.on('error', (error) =>
        finish({ ok: false, status: null, servedBy: null, error: errorText(error) }),
      );
      req.end();
    });
}
