// Serves the built renderer from app://bundle/ so the page has a real, checkable origin
// (file:// pages share the null origin). Paths are confined to the renderer folder.
import { readFile } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'
import { protocol } from 'electron'
import type { MediaServer } from '../core/media/mediaServer'
import { mediaBodyBytes } from '../core/media/mediaServer'
import { RENDERER_CSP } from '../web/security'
import { APP_HOST, APP_SCHEME } from './security'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2'
}

/** Must run before app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }
  ])
}

export function serveRenderer(rendererDir: string, media?: MediaServer): void {
  const root = resolve(rendererDir)
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 })
    // Footage: the same handler as the web host's /media/ (Range answered with 206 here, not by net.fetch).
    if (media && url.pathname.startsWith('/media/')) {
      const r = await media.handle(request.method, url.pathname, request.headers.get('range') ?? undefined)
      const body = await mediaBodyBytes(r.body)
      return new Response(body ? new Uint8Array(body) : null, { status: r.status, headers: r.headers })
    }
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
    const file = resolve(root, `.${rel}`)
    if (!file.startsWith(root + sep)) return new Response('Not found', { status: 404 })
    try {
      const body = await readFile(file)
      return new Response(body, {
        headers: {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': RENDERER_CSP,
          'x-content-type-options': 'nosniff'
        }
      })
    } catch {
      const index = await readFile(join(root, 'index.html'))
      return new Response(index, { headers: { 'content-type': TYPES['.html']!, 'content-security-policy': RENDERER_CSP } })
    }
  })
}
