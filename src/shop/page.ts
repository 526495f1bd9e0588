/**
 * The shop's answers as plain data (pure): the HTML page, the JSON API, the 503s.
 */
import type { Good } from './goods';

export interface ShopResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function baseHeaders(servedBy: string, contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    'X-Served-By': servedBy,
  };
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

function layout(title: string, servedBy: string, content: string): string {
  const node = escapeHtml(servedBy);
  return [
    '<!doctype html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>Served by <strong id="served-by">${node}</strong></p>`,
    content,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function renderGoodsPage(servedBy: string, goods: readonly Good[]): ShopResponse {
  const rows = goods.map(
    (g) =>
      `<tr><td>${g.id}</td><td class="name">${escapeHtml(g.name)}</td>` +
      `<td>${escapeHtml(g.price)}</td><td>${g.stock}</td></tr>`,
  );
  const table =
    goods.length === 0
      ? '<p>No goods.</p>'
      : [
          '<table id="goods">',
          '<tr><th>id</th><th>name</th><th>price</th><th>stock</th></tr>',
          ...rows,
          '</table>',
        ].join('\n');
  return {
    status: 200,
    headers: baseHeaders(servedBy, HTML),
    body: layout('tp5shop', servedBy, table),
  };
}

export function renderGoodsJson(servedBy: string, goods: readonly Good[]): ShopResponse {
  return {
    status: 200,
    headers: baseHeaders(servedBy, JSON_TYPE),
    body: JSON.stringify({ servedBy, goods }) + '\n',
  };
}

/** The database is down, slow or busy: 503 at once, with the reason. */
export function renderUnavailable(
  servedBy: string,
  code: string,
  message: string,
  json: boolean,
): ShopResponse {
  const headers = {
    ...baseHeaders(servedBy, json ? JSON_TYPE : HTML),
    'Retry-After': '1',
  };
  const body = json
    ? JSON.stringify({ servedBy, error: { code, message } }) + '\n'
    : layout(
        'tp5shop: service unavailable',
        servedBy,
        `<p id="error" data-code="${escapeHtml(code)}">${escapeHtml(message)}</p>`,
      );
  return { status: 503, headers, body };
}

export function renderStatus(servedBy: string, status: number, message: string): ShopResponse {
  return {
    status,
    headers: baseHeaders(servedBy, 'text/plain; charset=utf-8'),
    body: `${message}\n`,
  };
}
