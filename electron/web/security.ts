// The web host's gate: a random session token (header, cookie, or once in the page URL)
// and a Host/Origin check against DNS rebinding. Everything else is refused.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const TOKEN_COOKIE = 'iwb_session'

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url')
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`])
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie
  if (!header) return null
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return null
}

export type GateResult = { ok: true; via: 'header' | 'cookie' | 'query' } | { ok: false; status: 401 | 403 | 421; reason: string }

export function checkRequest(req: IncomingMessage, url: URL, token: string, port: number): GateResult {
  const hosts = allowedHosts(port)
  if (!req.headers.host || !hosts.has(req.headers.host)) {
    return { ok: false, status: 421, reason: 'This host only answers to 127.0.0.1 or localhost on its own port.' }
  }
  const origin = req.headers.origin
  if (origin !== undefined && origin !== 'null') {
    let originHost = ''
    try {
      originHost = new URL(origin).host
    } catch {
      // fall through: refused below
    }
    if (!hosts.has(originHost)) return { ok: false, status: 403, reason: 'Cross-origin requests are refused.' }
  }
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ') && sameToken(auth.slice(7), token)) return { ok: true, via: 'header' }
  const cookie = cookieValue(req, TOKEN_COOKIE)
  if (cookie && sameToken(cookie, token)) return { ok: true, via: 'cookie' }
  const query = url.searchParams.get('token')
  if (query && sameToken(query, token)) return { ok: true, via: 'query' }
  return { ok: false, status: 401, reason: 'Missing or wrong session token. Open the URL that `npm run web` printed.' }
}

/** CSP for the renderer page: nothing but this host, no inline script, no framing. */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'"
].join('; ')
