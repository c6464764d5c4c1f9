// The loopback web host: refuses requests without the session token or with a foreign
// Host/Origin, binds 127.0.0.1 only, and validates every call like the IPC transport.
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../../electron/core/api/workbench'
import { SettingsStore } from '../../../electron/core/settings/settingsStore'
import { startWebHost, type WebHost } from '../../../electron/web/server'
import { projectRoot } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function send(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    if (options.body) req.write(options.body)
    req.end()
  })
}

describe('web host', () => {
  const tmp = tempDir()
  let host: WebHost
  let wb: Workbench
  const token = 'test-token-0123456789abcdef0123456789abcdef'
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}`, host: `127.0.0.1:${host.port}` })

  beforeAll(async () => {
    wb = new Workbench({ transport: 'web', settings: new SettingsStore(join(tmp.path, 'config')) })
    host = await startWebHost({ workbench: wb, rendererDir: join(projectRoot, 'out', 'renderer'), token })
  })
  afterAll(async () => {
    await host.close()
    wb.close()
    tmp.cleanup()
  })

  it('binds the loopback address only', async () => {
    const address = host.server.address()
    expect(address).toMatchObject({ address: '127.0.0.1' })
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)
    if (external) {
      const reached = await new Promise<boolean>((resolve) => {
        const s = connect({ host: external.address, port: host.port })
        s.once('connect', () => {
          s.destroy()
          resolve(true)
        })
        s.once('error', () => resolve(false))
      })
      expect(reached).toBe(false)
    }
  })

  it('refuses requests without the token or with a wrong one', async () => {
    const none = await send(host.port, '/api/app.info', { method: 'POST', headers: { host: `127.0.0.1:${host.port}` } })
    expect(none.status).toBe(401)
    const page = await send(host.port, '/', { headers: { host: `127.0.0.1:${host.port}` } })
    expect(page.status).toBe(401)
    const wrong = await send(host.port, '/api/app.info', {
      method: 'POST',
      headers: { host: `127.0.0.1:${host.port}`, authorization: 'Bearer nope', 'content-type': 'application/json' },
      body: '{}'
    })
    expect(wrong.status).toBe(401)
    const events = await send(host.port, '/api/events', { headers: { host: `127.0.0.1:${host.port}` } })
    expect(events.status).toBe(401)
  })

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin', async () => {
    const rebound = await send(host.port, '/api/app.info', {
      method: 'POST',
      headers: { ...auth(), host: `evil.example:${host.port}`, 'content-type': 'application/json' },
      body: '{}'
    })
    expect(rebound.status).toBe(421)
    const crossOrigin = await send(host.port, '/api/app.info', {
      method: 'POST',
      headers: { ...auth(), origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}'
    })
    expect(crossOrigin.status).toBe(403)
  })

  it('trades the token in the page URL for an HttpOnly cookie and serves the page with a CSP', async () => {
    const first = await send(host.port, `/?token=${token}`, { headers: { host: `127.0.0.1:${host.port}` } })
    expect(first.status).toBe(303)
    const cookie = String(first.headers['set-cookie'])
    expect(cookie).toMatch(/iwb_session=.*HttpOnly; SameSite=Strict/)
    const page = await send(host.port, '/', { headers: { host: `localhost:${host.port}`, cookie: cookie.split(';')[0]! } })
    expect(page.status).toBe(200)
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/)
    expect(page.body).toMatch(/<div id="root">/)
  })

  it('answers a valid call and refuses malformed ones', async () => {
    const ok = await send(host.port, '/api/app.info', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' })
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, result: { transport: 'web', appName: 'Incident Workbench' } })
    const badJson = await send(host.port, '/api/case.open', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"dir":' })
    expect(badJson.status).toBe(400)
    expect(JSON.parse(badJson.body).error.message).toMatch(/not valid JSON/)
    const badShape = await send(host.port, '/api/case.open', {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: '{"dir":["/etc"]}'
    })
    expect(badShape.status).toBe(400)
    expect(JSON.parse(badShape.body).error.code).toBe('BAD_REQUEST')
    const unknown = await send(host.port, '/api/fs.readFile', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' })
    expect(unknown.status).toBe(400)
    const get = await send(host.port, '/api/app.info', { headers: auth() })
    expect(get.status).toBe(405)
  })

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../package.json', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/assets/../../main/web.js']) {
      const r = await send(host.port, path, { headers: auth() })
      expect(r.body).not.toMatch(/"name": "incident-workbench"|startWebHost/)
    }
  })
})

describe('npm run web entry', () => {
  const tmp = tempDir()
  let child: ChildProcess
  afterAll(() => {
    child?.kill()
    tmp.cleanup()
  })

  it('prints a loopback URL with a random token, and that token works', async () => {
    child = spawn(process.execPath, [join(projectRoot, 'out', 'main', 'web.js')], {
      env: { ...process.env, IWB_CONFIG_DIR: join(tmp.path, 'config') },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,})/.exec(out)
        if (m) resolve(m[1]!)
      })
      child.once('exit', (code) => reject(new Error(`web host exited ${code}: ${out}`)))
    })
    const u = new URL(url)
    const port = Number(u.port)
    const token = u.searchParams.get('token')!
    const denied = await send(port, '/api/case.current', { method: 'POST', headers: { host: u.host, 'content-type': 'application/json' }, body: '{}' })
    expect(denied.status).toBe(401)
    const allowed = await send(port, '/api/case.current', {
      method: 'POST',
      headers: { host: u.host, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}'
    })
    expect(JSON.parse(allowed.body)).toEqual({ ok: true, result: null })
  })
})
