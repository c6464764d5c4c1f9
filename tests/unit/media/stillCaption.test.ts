// Stills with a burnt-in caption, on a real case (zone Europe/Berlin) and a real clip whose
// frames carry their frame number: the picture part is still the exact frame, a black band
// under it carries the caption, and that band is pixel for pixel what ffmpeg draws from the
// caption text read from a file (no escaping involved), so a camera name full of filter
// syntax (':' quote '%{pts}' newline, a filter name) is neither broken nor expanded.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { locateCaptionFont } from '../../../electron/core/media/ffmpegLocator'
import { MediaServer } from '../../../electron/core/media/mediaServer'
import { captionFilter, escapeFilterValue } from '../../../electron/core/media/stillCaption'
import { importVideoEvidence, updateCamera, type VideoImportOutcome } from '../../../electron/core/media/videoStore'
import { decodeFrameCode } from '../../helpers/frameCode'
import { tempDir } from '../../helpers/tmp'
import { cachedClip, STANDARD_CLIPS, testMediaServer, testTools } from '../../helpers/videoFixtures'

const tools = testTools()
const tmp = tempDir('iwb-still-caption-')
let folder: CaseFolder
let server: MediaServer
let clip: VideoImportOutcome

const W = 320
const H = 240

beforeAll(async () => {
  folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Stills', examiner: 'Ana', timeZone: 'Europe/Berlin' })
  const path = (await cachedClip(STANDARD_CLIPS.h264)).path // first frame 2024-03-05T14:30:00Z, 25 fps
  const a = await acquireEvidence(folder, { path }, { examiner: 'Ana' })
  clip = await importVideoEvidence(folder, a.evidence!.id, { examiner: 'Ana', tools, caseZone: 'Europe/Berlin', camera: 'Lobby', start: null })
  server = testMediaServer(() => folder, 'Ana', tools)
})
afterAll(() => {
  folder.close()
  tmp.cleanup()
})

function rgbOf(path: string): { data: Buffer; width: number; height: number } {
  const probe = execFileSync(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path]).toString().trim()
  const [width, height] = probe.split(',').map(Number) as [number, number]
  const data = execFileSync(tools.ffmpeg, ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 24 })
  return { data, width, height }
}

/** The caption band drawn by the test's own ffmpeg run from the text in a file (textfile=, no escaping). */
function referenceBand(text: string, bandHeight: number, fontSize: number, name: string): Buffer {
  const textFile = join(tmp.path, `${name}.txt`)
  writeFileSync(textFile, text)
  const margin = Math.max(4, Math.round(W / 80))
  const out = join(tmp.path, `${name}.png`)
  const draw = `drawtext=fontfile=${locateCaptionFont()!}:textfile=${textFile}:expansion=none:fontcolor=white:fontsize=${fontSize}:line_spacing=${Math.round(fontSize * 0.3)}:x=${margin}:y=${margin}`
  execFileSync(tools.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=black:s=${W}x${bandHeight}:d=1,format=rgb24,${draw}`, '-frames:v', '1', out])
  return rgbOf(out).data
}

/** Fraction of the band's pixels that differ from the reference by more than 8 levels. */
function differing(still: Buffer, band: Buffer): number {
  const offset = W * H * 4
  let bad = 0
  for (let i = 0; i < band.length; i++) if (Math.abs(still[offset + i]! - band[i]!) > 8) bad++
  return bad / band.length
}

describe('captioned stills', () => {
  it('keeps the exact frame above a band that carries camera, local and UTC time, and the source hash', async () => {
    const still = await server.saveStill(folder, clip.file!.id, 1_770_000) // frame 44: 14:30:01.760Z
    const img = rgbOf(still.path)
    expect(readFileSync(still.path).subarray(1, 4).toString()).toBe('PNG')
    expect(img.width).toBe(W)
    expect(img.height).toBeGreaterThan(H + 30) // four lines of text under the picture
    // The picture part is untouched: its frame code still reads frame 44.
    expect(decodeFrameCode(img.data.subarray(0, W * H * 4), W, H).frame).toBe(44)

    const sha = clip.file!.sha256
    expect(still.caption.split('\n')).toEqual(['Camera: Lobby', '2024-03-05 15:30:01.760 Europe/Berlin (UTC+01:00)', '2024-03-05 14:30:01.760 UTC', `Source SHA-256 ${sha.slice(0, 16)}`])

    // The band: white text on black, and exactly what ffmpeg draws from that text.
    const bandHeight = img.height - H
    const band = img.data.subarray(W * H * 4)
    let lit = 0
    for (let i = 0; i < band.length; i += 4) if (band[i]! > 128) lit++
    expect(lit).toBeGreaterThan(500)
    const layout = captionFilter(still.caption.split('\n'), W, locateCaptionFont()!)
    expect(layout.bandHeight).toBe(bandHeight)
    expect(differing(img.data, referenceBand(still.caption, bandHeight, layout.fontSize, 'plain'))).toBe(0)

    // Derived evidence: the hash of the file written, custody with the arguments and the caption.
    expect(still.sha256).toBe(createHash('sha256').update(readFileSync(still.path)).digest('hex'))
    const entry = listCustody(folder.db, 0, 10_000).filter((e) => e.action === 'media.derived').at(-1)!
    expect(entry.details).toMatchObject({ kind: 'still', sha256: still.sha256, caption: still.caption, sourceSha256: sha })
    expect((entry.details as { args: string[] }).args.join(' ')).toContain('drawtext=')
    const row = folder.db.prepare('SELECT sha256, kind FROM derived_media WHERE path = ?').get(`stills/${still.path.split('/').at(-1)}`)
    expect(row).toEqual({ sha256: still.sha256, kind: 'still' })
  })

  it('draws a hostile camera name as text: no expansion, no broken filtergraph, no file opened', async () => {
    const hostile = "Door's \"A\": 100% %{pts} \\ [x],y;z\nmovie=/etc/passwd textfile=/etc/hostname"
    const before = await server.saveStill(folder, clip.file!.id, 40_000)
    updateCamera(folder.db, clip.file!.cameraId, { name: hostile, reason: 'test' }, 'Ana')
    const still = await server.saveStill(folder, clip.file!.id, 40_000) // frame 1
    const img = rgbOf(still.path)
    expect(decodeFrameCode(img.data.subarray(0, W * H * 4), W, H).frame).toBe(1)
    // The newline became a space; %{pts} is kept as written (expansion would print a number).
    expect(still.caption.replace(/\n/g, '')).toContain("Camera: Door's \"A\": 100% %{pts} \\ [x],y;z movie=/etc/passwd textfile=/etc/hostname2024-03-05 15:30:00.040 Europe/Berlin (UTC+01:00)")
    const layout = captionFilter(['x'], W, locateCaptionFont()!)
    expect(differing(img.data, referenceBand(still.caption, img.height - H, layout.fontSize, 'hostile'))).toBe(0)
    // A new caption is a new still: the one captioned "Lobby" at the same frame is kept as it was.
    expect(still.path).not.toBe(before.path)
    expect(createHash('sha256').update(readFileSync(before.path)).digest('hex')).toBe(before.sha256)
    expect(listCustody(folder.db, 0, 10_000).filter((e) => e.action === 'media.derived').at(-1)!.details).toMatchObject({ caption: still.caption })
  })

  it('escapes for both ffmpeg parsers', () => {
    expect(escapeFilterValue("a:b'c\\d")).toBe("a\\\\:b\\\\\\'c\\\\\\\\d")
    expect(escapeFilterValue('[x],y;z')).toBe('\\[x\\]\\,y\\;z')
    expect(escapeFilterValue('movie')).not.toMatch(/movie/)
  })
})
