// writeMediaResponse over real HTTP: a segment-sized body goes out in one write, a larger one
// streamed; whole files and ranges arrive byte for byte either way.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeMediaResponse } from '../../../electron/core/media/mediaServer'

const dir = mkdtempSync(join(tmpdir(), 'iwb-media-response-'))
const small = randomBytes(1_234_567) // a 2 s 1080p segment's size
const large = randomBytes(17 * 1024 * 1024 + 3) // past the one-write limit: streamed
let server: Server
let origin = ''

beforeAll(async () => {
  writeFileSync(join(dir, 'small.m4s'), small)
  writeFileSync(join(dir, 'large.m4s'), large)
  server = createServer((req, res) => {
    const [name, from, to] = (req.url ?? '').slice(1).split('/')
    const data = name === 'small' ? small : large
    const start = from ? Number(from) : 0
    const end = to ? Number(to) : data.length - 1
    void writeMediaResponse(res, { status: from ? 206 : 200, headers: { 'content-type': 'video/iso.segment', 'content-length': String(end - start + 1) }, body: { kind: 'file', path: join(dir, `${name}.m4s`), start, end } })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  rmSync(dir, { recursive: true, force: true })
})

describe('writeMediaResponse', () => {
  it.each([
    ['a segment, whole', 'small', null],
    ['a segment, a range', 'small', [1000, 600_000]],
    ['a segment, its last byte', 'small', [small.length - 1, small.length - 1]],
    ['a large file, whole (streamed)', 'large', null],
    ['a large file, a range', 'large', [5, 9_000_000]]
  ] as const)('%s arrives byte for byte', async (_label, name, range) => {
    const data = name === 'small' ? small : large
    const res = await fetch(`${origin}/${name}${range ? `/${range[0]}/${range[1]}` : ''}`)
    const body = Buffer.from(await res.arrayBuffer())
    const want = range ? data.subarray(range[0], range[1] + 1) : data
    expect(res.status).toBe(range ? 206 : 200)
    expect(body.length).toBe(want.length)
    expect(body.equals(want)).toBe(true)
  })
})
