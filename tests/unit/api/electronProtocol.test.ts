// The app:// scheme that serves the renderer inside Electron, run against a stand-in for
// Electron's protocol module: our page and its assets come back with the CSP, and nothing
// outside the renderer folder can be read through it.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { tempDir } from '../../helpers/tmp'

let handler: ((request: Request) => Promise<Response>) | null = null
vi.mock('electron', () => ({
  protocol: {
    handle: (_scheme: string, fn: (request: Request) => Promise<Response>) => (handler = fn),
    registerSchemesAsPrivileged: () => undefined
  },
  app: { on: () => undefined },
  session: {}
}))

const { serveRenderer } = await import('../../../electron/main/appProtocol')

describe('app:// scheme', () => {
  const tmp = tempDir()
  const root = join(tmp.path, 'renderer')
  beforeAll(() => {
    mkdirSync(join(root, 'assets'), { recursive: true })
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Incident Workbench</title>')
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(tmp.path, 'secret.txt'), 'not for the page')
    serveRenderer(root)
  })
  afterAll(() => tmp.cleanup())

  const get = (url: string): Promise<Response> => handler!(new Request(url))

  it('serves the page and its scripts with the content security policy', async () => {
    const page = await get('app://bundle/')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Incident Workbench')
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
    const script = await get('app://bundle/assets/app.js')
    expect(script.headers.get('content-type')).toMatch(/javascript/)
    expect(script.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('never reads outside the renderer folder and answers only for its own host', async () => {
    for (const url of ['app://bundle/%2e%2e/secret.txt', 'app://bundle/assets/%2e%2e%2f%2e%2e%2fsecret.txt', 'app://bundle/..%2fsecret.txt']) {
      const r = await get(url)
      expect(await r.text()).not.toContain('not for the page')
    }
    expect((await get('app://elsewhere/index.html')).status).toBe(404)
  })

  it('hands /media/ requests with their Range header to the media server and returns its partial content', async () => {
    const footage = join(tmp.path, 'segment.m4s')
    writeFileSync(footage, Buffer.from('0123456789'))
    const asked: { method: string; path: string; range: string | undefined }[] = []
    const media = {
      handle: async (method: string, path: string, range?: string) => {
        asked.push({ method, path, range })
        return { status: 206, headers: { 'content-range': 'bytes 2-5/10', 'content-type': 'video/iso.segment' }, body: { kind: 'file' as const, path: footage, start: 2, end: 5 } }
      }
    }
    serveRenderer(root, media as never)
    const r = await handler!(new Request('app://bundle/media/hls/abc/remux/seg0.m4s', { headers: { range: 'bytes=2-5' } }))
    expect(r.status).toBe(206)
    expect(r.headers.get('content-range')).toBe('bytes 2-5/10')
    expect(await r.text()).toBe('2345')
    expect(asked).toEqual([{ method: 'GET', path: '/media/hls/abc/remux/seg0.m4s', range: 'bytes=2-5' }])
  })
})
