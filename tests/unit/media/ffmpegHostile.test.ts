// Hostile inputs: playlists and scripts disguised as footage must not make ffmpeg or
// ffprobe open the files or URLs they name.
//
// Detectors: the local target is a FIFO ("canary.ts"). Opening a FIFO for reading blocks
// until a writer comes, so a tripwire polls it with a non-blocking write-open, which only
// succeeds while someone has it open for reading — that is, the moment ffmpeg follows the
// playlist. The remote target is a local HTTP server that counts connections. Positive
// controls run ffprobe WITHOUT our hardening on the same files and must trip the
// detectors, so a pass means "blocked", not "the trap was broken".
import { execFile } from 'node:child_process'
import { closeSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMUXERS, FfmpegTimeoutError, runFfmpeg, runFfprobe, type Demuxer } from '../../../electron/core/media/ffmpegRunner'
import { ProbeError, probeVideo } from '../../../electron/core/media/probe'
import { CancelledError } from '../../../electron/core/util/fileHash'
import { tempDir } from '../../helpers/tmp'
import { cachedClip, testMediaServer, testTools } from '../../helpers/videoFixtures'

const execFileP = promisify(execFile)
const tools = testTools()
const dir = tempDir('iwb-hostile-')
const canary = join(dir.path, 'canary.ts')
const stuck = join(dir.path, 'stuck.mp4')
let server: Server
let port = 0
let connections = 0
let requests: string[] = []
let tripped = 0
let tripTimer: NodeJS.Timeout

const files: Record<string, string> = {}
const p = (name: string): string => join(dir.path, name)

// ---------- AVI with a GAB2 subtitle chunk (the 2017 HLS-in-AVI vector) ----------
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n >>> 0)
  return b
}
const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2)
  b.writeUInt16LE(n)
  return b
}
const cc = (s: string): Buffer => Buffer.from(s, 'latin1')
const chunk = (id: string, data: Buffer): Buffer => Buffer.concat([cc(id), u32(data.length), data, Buffer.alloc(data.length % 2)])
const list = (type: string, ...children: Buffer[]): Buffer => chunk('LIST', Buffer.concat([cc(type), ...children]))

function strh(type: string, handler: string, length: number): Buffer {
  return chunk('strh', Buffer.concat([cc(type), cc(handler), u32(0), u16(0), u16(0), u32(0), u32(1), u32(25), u32(0), u32(length), u32(0), u32(0xffffffff), u32(0), Buffer.alloc(8)]))
}

/**
 * A well-formed AVI: optionally one MJPEG video frame (stream 00), and a text stream whose
 * packet is a GAB2 block carrying `payload`. avidec probes GAB2 data to pick a nested
 * demuxer; before the 2017 fix (CVE-2017-9993) that could be hls, reading local files.
 */
function gab2Avi(payload: string, jpeg: Buffer | null): Buffer {
  const desc = Buffer.from('English\0', 'utf16le')
  const gab2 = Buffer.concat([cc('GAB2\0'), u16(2), u32(desc.length), desc, u16(4), u32(payload.length), cc(payload)])
  const streams: Buffer[] = []
  const movi: { id: string; data: Buffer }[] = []
  if (jpeg) {
    const bih = Buffer.concat([u32(40), u32(320), u32(240), u16(1), u16(24), cc('MJPG'), u32(320 * 240 * 3), u32(0), u32(0), u32(0), u32(0)])
    streams.push(list('strl', strh('vids', 'MJPG', 1), chunk('strf', bih)))
    movi.push({ id: '00dc', data: jpeg })
  }
  const subId = jpeg ? '01' : '00'
  streams.push(list('strl', strh('txts', '\0\0\0\0', 1), chunk('strf', Buffer.alloc(0))))
  movi.push({ id: `${subId}tx`, data: gab2 })
  const avih = chunk('avih', Buffer.concat([u32(40000), u32(0), u32(0), u32(0x10), u32(1), u32(0), u32(streams.length), u32(0), u32(320), u32(240), Buffer.alloc(16)]))
  const moviChunks = movi.map((m) => chunk(m.id, m.data))
  const idx: Buffer[] = []
  let offset = 4 // idx1 offsets count from the 'movi' fourcc
  movi.forEach((m, i) => {
    idx.push(Buffer.concat([cc(m.id), u32(0x10), u32(offset), u32(m.data.length)]))
    offset += moviChunks[i]!.length
  })
  const body = Buffer.concat([cc('AVI '), list('hdrl', avih, ...streams), list('movi', ...moviChunks), chunk('idx1', Buffer.concat(idx))])
  return Buffer.concat([cc('RIFF'), u32(body.length), body])
}

function hlsPlaylist(...uris: string[]): string {
  return ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:10', '#EXT-X-MEDIA-SEQUENCE:0', ...uris.flatMap((u) => ['#EXTINF:10.0,', u]), '#EXT-X-ENDLIST', ''].join('\n')
}

beforeAll(async () => {
  await execFileP('mkfifo', [canary, stuck])
  // Tripwire: succeeds only while a reader has the FIFO open; closing at once gives that
  // reader EOF, so a run that did follow the playlist does not hang the test.
  tripTimer = setInterval(() => {
    try {
      closeSync(openSync(canary, constants.O_WRONLY | constants.O_NONBLOCK))
      tripped++
    } catch {
      // ENXIO: nobody is reading
    }
  }, 5)
  server = createServer((req, res) => {
    requests.push(req.url ?? '')
    res.end('#EXTM3U\n')
  })
  server.on('connection', () => connections++)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`

  // (a) HLS playlist renamed .mp4, naming the local FIFO and the local server.
  files.hlsMp4 = p('cam1.mp4')
  writeFileSync(files.hlsMp4, hlsPlaylist(`file://${canary}`, `${url}/a.ts`))
  // (b) ffconcat script. A relative name: the concat demuxer's default safe mode refuses
  // absolute names and URLs (and the whole script with them), relative ones it opens.
  files.concatMp4 = p('cam2.mp4')
  writeFileSync(files.concatMp4, `ffconcat version 1.0\nfile 'canary.ts'\n`)
  // (c) AVIs whose GAB2 subtitle block is an HLS playlist: one without video, one with a real frame.
  const jpegClip = await cachedClip({ codec: 'mjpeg', container: 'raw', seconds: 0.04, fileName: 'one.mjpeg' })
  files.gab2Avi = p('export.avi')
  writeFileSync(files.gab2Avi, gab2Avi(hlsPlaylist(`file://${canary}`, `${url}/c.ts`), null))
  files.gab2VideoAvi = p('export-video.avi')
  writeFileSync(files.gab2VideoAvi, gab2Avi(hlsPlaylist(`file://${canary}`, `${url}/c2.ts`), readFileSync(jpegClip.path)))
  // (d) playlist of remote segments only.
  files.remoteMp4 = p('cam3.mp4')
  writeFileSync(files.remoteMp4, hlsPlaylist(`${url}/d.ts`))
})

afterAll(async () => {
  clearInterval(tripTimer)
  await new Promise<void>((r) => server.close(() => r()))
  dir.cleanup()
})

function resetDetectors(): void {
  tripped = 0
  connections = 0
  requests = []
}

/** Waits a moment so a late open or connection would still be seen. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 100))

describe('positive controls: the traps work when ffmpeg is NOT hardened', () => {
  it('auto-detection with only -protocol_whitelist opens the local target of a playlist and of an ffconcat script', async () => {
    for (const f of [files.hlsMp4!, files.concatMp4!]) {
      resetDetectors()
      await execFileP(tools.ffprobe, ['-v', 'error', '-protocol_whitelist', 'file,pipe', f], { timeout: 10_000 }).catch(() => undefined)
      await settle()
      expect(tripped, f).toBeGreaterThan(0)
    }
  })
  it('a sloppy protocol list lets a playlist reach the network', async () => {
    resetDetectors()
    await execFileP(tools.ffprobe, ['-v', 'error', '-protocol_whitelist', 'file,http,tcp,crypto,data', files.remoteMp4!], { timeout: 10_000 }).catch(() => undefined)
    await settle()
    expect(requests).toEqual(['/d.ts'])
  })
  it('the GAB2 AVIs are well-formed: ffprobe sees the subtitle stream (and the video frame)', async () => {
    const show = async (f: string): Promise<string> =>
      (await execFileP(tools.ffprobe, ['-v', 'error', '-protocol_whitelist', 'file', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', f], { timeout: 10_000 })).stdout
    expect((await show(files.gab2Avi!)).trim().split('\n')).toEqual(['subtitle'])
    expect((await show(files.gab2VideoAvi!)).trim().split('\n')).toEqual(['video', 'subtitle'])
  })
})

describe('hardened: nothing is opened, nothing is fetched', () => {
  it('probeVideo refuses the playlists and the script by their content', async () => {
    resetDetectors()
    for (const f of [files.hlsMp4!, files.concatMp4!, files.remoteMp4!]) {
      const err = await probeVideo(f, tools, { timeoutMs: 5000 }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ProbeError)
      expect((err as ProbeError).code).toBe('refused')
      expect((err as ProbeError).message).toMatch(/HLS playlist|ffconcat/)
    }
    await settle()
    expect({ tripped, connections }).toEqual({ tripped: 0, connections: 0 })
  })

  it('no allowed demuxer follows them, even when forced onto the file', async () => {
    resetDetectors()
    const started = Date.now()
    // Every allowed demuxer, forced onto the playlist (ffmpeg process start-up is ~0.5 s
    // here and serialised, so the script and remote playlist get 'mov' in the next test).
    const runs = DEMUXERS.map((d) => [files.hlsMp4!, d] as [string, Demuxer])
    const results = []
    // Two at a time: two cores.
    for (let i = 0; i < runs.length; i += 2) {
      results.push(
        ...(await Promise.all(
          runs.slice(i, i + 2).map(([f, d]) =>
            runFfprobe({ ffprobePath: tools.ffprobe, input: f, demuxer: d, args: ['-show_streams', '-of', 'json'], timeoutMs: 5000 }).then((r) => ({ f, d, r }))
          )
        ))
      )
    }
    await settle()
    expect({ tripped, connections, requests }).toEqual({ tripped: 0, connections: 0, requests: [] })
    // None of them yields a video stream; each run ends on its own, long before the timeout.
    for (const { f, d, r } of results) {
      const streams = (JSON.parse(r.stdout.toString() || '{}') as { streams?: { codec_type: string; width?: number }[] }).streams ?? []
      expect(streams.filter((s) => s.codec_type === 'video' && (s.width ?? 0) > 0), `${f} as ${d}`).toEqual([])
    }
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  it('a transcode of each disguised file fails, quickly', async () => {
    resetDetectors()
    const out = p('out.mp4')
    for (const [f, d] of [
      [files.hlsMp4!, 'mov'],
      [files.concatMp4!, 'mov'],
      [files.remoteMp4!, 'mov'],
      [files.gab2Avi!, 'avi']
    ] as [string, Demuxer][]) {
      const r = await runFfmpeg({
        ffmpegPath: tools.ffmpeg,
        input: { path: f, demuxer: d },
        output: { kind: 'file', path: out },
        outputArgs: ['-map', '0:v:0', '-c:v', 'libx264', '-f', 'mp4'],
        timeoutMs: 5000
      })
      expect(r.exitCode, `${f}: ${r.stderr}`).not.toBe(0)
      expect(r.elapsedMs).toBeLessThan(4000)
    }
    await settle()
    expect({ tripped, connections }).toEqual({ tripped: 0, connections: 0 })
  })

  it('GAB2 playlists inside AVI: no video → probe fails; with video → only the video is used', async () => {
    resetDetectors()
    const noVideo = await probeVideo(files.gab2Avi!, tools, { timeoutMs: 5000 }).catch((e: unknown) => e)
    expect(noVideo).toBeInstanceOf(ProbeError)
    expect((noVideo as ProbeError).code).toBe('no-video')
    const withVideo = await probeVideo(files.gab2VideoAvi!, tools, { timeoutMs: 5000 })
    expect(withVideo).toMatchObject({ demuxer: 'avi', video: { codec: 'mjpeg', width: 320, height: 240 }, packetCount: 1 })
    const r = await runFfmpeg({
      ffmpegPath: tools.ffmpeg,
      input: { path: files.gab2VideoAvi!, demuxer: 'avi' },
      output: { kind: 'file', path: p('gab2-out.mp4') },
      outputArgs: ['-map', '0:v:0', '-c:v', 'libx264', '-f', 'mp4'],
      timeoutMs: 10_000
    })
    expect(r.exitCode).toBe(0)
    await settle()
    expect({ tripped, connections }).toEqual({ tripped: 0, connections: 0 })
  })
})

describe('the serving path (import → /media/ segment) with hostile files', () => {
  it('playlists and scripts are refused at import; the GAB2 AVI plays its one frame and nothing else is opened', async () => {
    resetDetectors()
    const { CaseFolder } = await import('../../../electron/core/case/caseFolder')
    const { acquireEvidence } = await import('../../../electron/core/case/intake')
    const { importVideoEvidence } = await import('../../../electron/core/media/videoStore')
    const folder = CaseFolder.create(p('serving-case'), { name: 'Hostile', examiner: 'Ana', timeZone: 'UTC' })
    try {
      const add = async (path: string) => {
        const a = await acquireEvidence(folder, { path }, { examiner: 'Ana' })
        return importVideoEvidence(folder, a.evidence!.id, { examiner: 'Ana', tools, caseZone: 'UTC', start: '2024-01-01T00:00:00Z' })
      }
      for (const f of [files.hlsMp4!, files.concatMp4!, files.remoteMp4!, files.gab2Avi!]) expect((await add(f)).outcome, f).toBe('refused')
      const avi = await add(files.gab2VideoAvi!)
      expect(avi.file).toMatchObject({ codec: 'mjpeg', playback: 'transcode' })
      const server = testMediaServer(() => folder, 'Ana', tools)
      const base = `/media/hls/${avi.file!.sha256}/transcode-2`
      expect((await server.handle('GET', `${base}/index.m3u8`, undefined)).status).toBe(200)
      expect((await server.handle('GET', `${base}/seg0.m4s`, undefined)).status).toBe(200)
      await server.idle()
      await settle()
      expect({ tripped, connections, requests }).toEqual({ tripped: 0, connections: 0, requests: [] })
    } finally {
      folder.close()
    }
  })
})

describe('stuck and cancelled runs', () => {
  const pidGone = (pid: number): boolean => {
    try {
      process.kill(pid, 0)
      return false
    } catch {
      return true
    }
  }

  it('a run that blocks (input is a FIFO nobody writes) is killed at the timeout', async () => {
    let pid = 0
    const started = Date.now()
    const err = await runFfmpeg({
      ffmpegPath: tools.ffmpeg,
      input: { path: stuck, demuxer: 'mov' },
      output: { kind: 'null' },
      outputArgs: ['-map', '0:v:0'],
      timeoutMs: 1500,
      onStart: (i) => (pid = i.pid)
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FfmpegTimeoutError)
    expect(Date.now() - started).toBeLessThan(3500)
    expect(pid).toBeGreaterThan(0)
    expect(pidGone(pid)).toBe(true)
  })

  it('an AbortSignal kills ffprobe and ffmpeg with CancelledError', async () => {
    const ac = new AbortController()
    const pids: number[] = []
    const started = Date.now()
    setTimeout(() => ac.abort(), 700)
    const [a, b] = await Promise.all([
      runFfprobe({ ffprobePath: tools.ffprobe, input: stuck, demuxer: 'mov', args: ['-show_streams'], timeoutMs: 20_000, signal: ac.signal, onStart: (i) => pids.push(i.pid) }).catch(
        (e: unknown) => e
      ),
      runFfmpeg({
        ffmpegPath: tools.ffmpeg,
        input: { path: stuck, demuxer: 'mov' },
        output: { kind: 'null' },
        outputArgs: ['-map', '0:v:0'],
        timeoutMs: 20_000,
        signal: ac.signal,
        onStart: (i) => pids.push(i.pid)
      }).catch((e: unknown) => e)
    ])
    expect(a).toBeInstanceOf(CancelledError)
    expect(b).toBeInstanceOf(CancelledError)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(pids).toHaveLength(2)
    expect(pids.every(pidGone)).toBe(true)
  })

  it('probeVideo does not open a FIFO disguised as footage', async () => {
    const err = await probeVideo(stuck, tools, { timeoutMs: 2000 }).catch((e: unknown) => e)
    expect((err as ProbeError).code).toBe('refused')
  })
})
