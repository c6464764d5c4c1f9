// The second transport of the contract: a loopback HTTP host that serves the renderer and
// answers POST /api/<method> with the same Workbench the Electron shell uses. Progress
// events stream over Server-Sent Events at /api/events; browser uploads arrive at
// /api/upload and go through the same evidence intake.
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { z } from 'zod'
import type { Envelope, ServerEvent } from '@shared/contract'
import type { Workbench } from '../core/api/workbench'
import { checkRequest, RENDERER_CSP, TOKEN_COOKIE } from './security'
import { mediaServerFor } from '../core/api/handlers/video'
import { writeMediaResponse } from '../core/media/mediaServer'

const MAX_CALL_BODY = 1024 * 1024

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm'
}

const UploadQuery = z.object({
  name: z.string().min(1).max(1000),
  lastModified: z.coerce.number().int().nonnegative().optional(),
  note: z.string().max(10_000).default('')
})

export interface WebHostOptions {
  workbench: Workbench
  rendererDir: string
  token: string
  port?: number
}

export interface WebHost {
  server: Server
  port: number
  url: string
  close(): Promise<void>
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { workbench, token } = options
  const rendererRoot = resolve(options.rendererDir)
  const sseClients = new Set<ServerResponse>()
  const unsubscribe = workbench.onEvent((event: ServerEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`
    for (const res of sseClients) res.write(frame)
  })

  let port = 0
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: (err as Error).message } })
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const gate = checkRequest(req, url, token, port)
    if (!gate.ok) {
      res.writeHead(gate.status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
      res.end(`${gate.reason}\n`)
      return
    }
    // The token in the page URL is traded for an HttpOnly cookie and removed from the address bar.
    if (gate.via === 'query' && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      res.writeHead(303, {
        location: '/',
        'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store'
      })
      res.end()
      return
    }
    if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(res)
    if (url.pathname === '/api/upload' && req.method === 'POST') return receiveUpload(req, res, url)
    // Footage (playlists, segments, stills): same gate as /api, confined to the case's derived/.
    if (url.pathname.startsWith('/media/')) return writeMediaResponse(res, await mediaServerFor(workbench).handle(req.method ?? 'GET', url.pathname, req.headers.range))
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendJson(res, 405, errorBody('BAD_REQUEST', 'Use POST for API calls.'))
      return answerCall(req, res, decodeURIComponent(url.pathname.slice('/api/'.length)))
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, errorBody('BAD_REQUEST', 'Method not allowed.'))
    return serveStatic(res, url.pathname)
  }

  async function answerCall(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, errorBody('BAD_REQUEST', 'API calls take a JSON body (content-type: application/json).'))
    }
    let body: string
    try {
      body = await readBody(req, MAX_CALL_BODY)
    } catch (err) {
      return sendJson(res, 413, errorBody('BAD_REQUEST', (err as Error).message))
    }
    let params: unknown
    try {
      params = body.length ? JSON.parse(body) : {}
    } catch {
      return sendJson(res, 400, errorBody('BAD_REQUEST', 'The request body is not valid JSON.'))
    }
    const envelope = await workbench.call(method, params)
    sendJson(res, envelope.ok ? 200 : statusFor(envelope), envelope)
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    res.write(': connected\n\n')
    sseClients.add(res)
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
    res.on('close', () => {
      clearInterval(keepAlive)
      sseClients.delete(res)
    })
  }

  async function receiveUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const query = UploadQuery.safeParse(Object.fromEntries(url.searchParams))
    if (!query.success) return sendJson(res, 400, errorBody('BAD_REQUEST', 'An upload needs ?name= (and optionally lastModified, note).'))
    const folder = workbench.currentCase
    if (!folder) return sendJson(res, 409, errorBody('NO_CASE', 'No case is open. Create or open a case first.'))
    // The staging copy lives in the case's private incoming folder under a random name;
    // the browser-supplied name is only recorded, never used as a path.
    const staging = join(folder.layout.incoming, `upload-${randomBytes(12).toString('hex')}.part`)
    try {
      await pipeline(req, createWriteStream(staging, { flags: 'wx', mode: 0o600 }))
    } catch (err) {
      await unlink(staging).catch(() => undefined)
      return sendJson(res, 400, errorBody('BAD_REQUEST', `The upload did not complete: ${(err as Error).message}`))
    }
    const { name, lastModified, note } = query.data
    try {
      const jobId = workbench.startAcquire(
        [
          {
            path: staging,
            acquiredVia: 'upload',
            originalPath: `browser upload: ${name}`,
            originalName: name,
            sourceMtimeUs: lastModified !== undefined ? lastModified * 1000 : null
          }
        ],
        note,
        'upload',
        () => unlink(staging).catch(() => undefined)
      )
      sendJson(res, 200, { ok: true, result: { jobId } } satisfies Envelope)
    } catch (err) {
      await unlink(staging).catch(() => undefined)
      sendJson(res, 409, errorBody('CONFLICT', (err as Error).message))
    }
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    let rel = decodeURIComponent(pathname)
    if (rel === '/' || rel === '') rel = '/index.html'
    let file = resolve(rendererRoot, `.${rel}`)
    if (file !== rendererRoot && !file.startsWith(rendererRoot + sep)) {
      res.writeHead(404).end()
      return
    }
    let st = await stat(file).catch(() => null)
    if (!st || !st.isFile()) {
      // Client-side routes fall back to the app page; missing assets stay 404.
      if (extname(rel)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n')
        return
      }
      file = join(rendererRoot, 'index.html')
      st = await stat(file).catch(() => null)
      if (!st) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('The renderer is not built. Run `npm run build`.\n')
        return
      }
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream'
    const headers: Record<string, string> = {
      'content-type': type,
      'content-length': String(st.size),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache'
    }
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = RENDERER_CSP
      headers['x-frame-options'] = 'DENY'
    }
    res.writeHead(200, headers)
    await pipeline(createReadStream(file), res)
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen())
  })
  port = (server.address() as AddressInfo).port

  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      unsubscribe()
      for (const res of sseClients) res.end()
      const closed = new Promise<void>((r) => server.close(() => r()))
      // Browsers keep idle connections open; without this, close() would wait for them.
      server.closeAllConnections()
      await closed
    }
  }
}

function errorBody(code: 'BAD_REQUEST' | 'NO_CASE' | 'CONFLICT', message: string): Envelope {
  return { ok: false, error: { code, message } }
}

function statusFor(envelope: Envelope): number {
  if (envelope.ok) return 200
  switch (envelope.error.code) {
    case 'BAD_REQUEST':
      return 400
    case 'NOT_FOUND':
      return 404
    case 'NO_CASE':
    case 'CONFLICT':
      return 409
    case 'FORBIDDEN':
      return 403
    default:
      return 500
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  })
  res.end(text)
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new Error(`The request body is larger than ${limit} bytes.`))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
