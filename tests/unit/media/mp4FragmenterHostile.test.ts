// Hostile or broken MP4s: the fragmenter refuses each (Mp4Refused with a reason, so the
// media server falls back to ffmpeg) without crashing, hanging or allocating what a count
// claims. The damage is done to a real clip's boxes, found by their types.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Mp4Refused, readSampleTable, type FragmenterRefusal } from '../../../electron/core/media/mp4Fragmenter'
import { tempDir } from '../../helpers/tmp'
import { testTools } from '../../helpers/videoFixtures'

const run = promisify(execFile)
const tmp = tempDir('iwb-fragmenter-hostile-')
let good: Buffer

beforeAll(async () => {
  const path = join(tmp.path, 'good.mp4')
  // An audio track too, so the video's samples are not one run and stco has several chunks.
  await run(testTools().ffmpeg, [
    '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=160x120:r=25:d=4', '-f', 'lavfi', '-i', 'sine=duration=4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'aac', path
  ])
  good = readFileSync(path)
})
afterAll(() => tmp.cleanup())

/** Offset of the first box of `type` (its size field) in the video track, which ffmpeg writes first. */
const at = (buf: Buffer, type: string, nth = 0): number => {
  let i = -1
  for (let k = 0; k <= nth; k++) i = buf.indexOf(type, i + 1, 'latin1')
  if (i < 4) throw new Error(`no ${type}`)
  return i - 4
}

async function refusal(name: string, damage: (b: Buffer) => Buffer): Promise<FragmenterRefusal> {
  const path = join(tmp.path, name)
  writeFileSync(path, damage(Buffer.from(good)))
  const before = process.memoryUsage().rss
  const started = Date.now()
  const err = await readSampleTable(path).then(
    () => null,
    (e: unknown) => e
  )
  expect(Date.now() - started, `${name} took too long`).toBeLessThan(2000)
  expect(process.memoryUsage().rss - before, `${name} allocated too much`).toBeLessThan(64 * 1024 * 1024)
  expect(err, `${name} was not refused`).toBeInstanceOf(Mp4Refused)
  return (err as Mp4Refused).reason
}

describe('hostile MP4s are refused, not trusted', () => {
  it('the undamaged clip is accepted (the damage below is what is refused)', async () => {
    const path = join(tmp.path, 'good.mp4')
    const t = await readSampleTable(path)
    expect(t.count).toBe(100)
  })

  it('a truncated moov', async () => {
    expect(await refusal('truncated.mp4', (b) => b.subarray(0, at(b, 'moov') + 200))).toBe('limits')
  })

  it('a box size past the end of its parent', async () => {
    expect(
      await refusal('size.mp4', (b) => {
        b.writeUInt32BE(0x7fffff00, at(b, 'stsz'))
        return b
      })
    ).toBe('limits')
  })

  it('a 64-bit size past the end of the file', async () => {
    expect(
      await refusal('largesize.mp4', (b) => {
        const moov = at(b, 'moov')
        // moov at the end: turn its header into a largesize that claims 2^60 bytes.
        const out = Buffer.concat([b.subarray(0, moov), Buffer.from([0, 0, 0, 1]), Buffer.from('moov'), Buffer.from([0x10, 0, 0, 0, 0, 0, 0, 0]), b.subarray(moov + 8)])
        return out
      })
    ).toBe('limits')
  })

  it('huge counts (stsz samples, stts and stco entries) allocate nothing', async () => {
    const stsz = await refusal('stsz-count.mp4', (b) => {
      b.writeUInt32BE(0xfffffff0, at(b, 'stsz') + 16)
      return b
    })
    expect(stsz).toBe('limits')
    const stts = await refusal('stts-count.mp4', (b) => {
      b.writeUInt32BE(0x7ffffff0, at(b, 'stts') + 12)
      return b
    })
    expect(stts).toBe('limits')
    const stco = await refusal('stco-count.mp4', (b) => {
      b.writeUInt32BE(0x3ffffff0, at(b, 'stco') + 12)
      return b
    })
    expect(stco).toBe('limits')
    // A fixed sample size with a count the file cannot hold.
    const fixed = await refusal('stsz-fixed.mp4', (b) => {
      const s = at(b, 'stsz')
      b.writeUInt32BE(1000, s + 12)
      b.writeUInt32BE(3_000_000, s + 16)
      return b
    })
    expect(fixed).toBe('limits')
  })

  it('a stts sample count that overflows the table', async () => {
    expect(
      await refusal('stts-samples.mp4', (b) => {
        b.writeUInt32BE(0xffffffff, at(b, 'stts') + 16)
        return b
      })
    ).toBe('probe-mismatch')
  })

  it('a chunk offset outside the file', async () => {
    expect(
      await refusal('stco-out.mp4', (b) => {
        b.writeUInt32BE(0xfffffff0, at(b, 'stco') + 16)
        return b
      })
    ).toBe('limits')
  })

  it('a chunk offset pointing into the moov', async () => {
    expect(
      await refusal('stco-moov.mp4', (b) => {
        b.writeUInt32BE(at(b, 'moov') + 8, at(b, 'stco') + 16)
        return b
      })
    ).toBe('limits')
  })

  it('stsc naming chunks that do not exist', async () => {
    expect(
      await refusal('stsc.mp4', (b) => {
        b.writeUInt32BE(0x7fffffff, at(b, 'stsc') + 16)
        return b
      })
    ).toBe('parse')
  })

  it('a box smaller than its own header', async () => {
    expect(
      await refusal('tiny.mp4', (b) => {
        b.writeUInt32BE(4, at(b, 'stbl'))
        return b
      })
    ).toBe('limits')
  })

  it('an edit that ends before the last frame (ffmpeg would cut frames off)', async () => {
    expect(
      await refusal('short-edit.mp4', (b) => {
        const elst = at(b, 'elst')
        b.writeUInt32BE(Math.floor(b.readUInt32BE(elst + 16) / 2), elst + 16) // segment_duration halved
        return b
      })
    ).toBe('edit-list')
  })

  it('not an MP4 at all', async () => {
    expect(await refusal('text.mp4', () => Buffer.from('#EXTM3U\n#EXT-X-VERSION:3\n'.repeat(10)))).toBe('not-mp4')
  })

  it('random damage in the moov: refused or read, never a crash or a hang', async () => {
    const moov = at(good, 'moov')
    let seed = 7
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    const started = Date.now()
    for (let k = 0; k < 200; k++) {
      const b = Buffer.from(good)
      for (let j = 0; j < 4; j++) b[moov + rand(good.length - moov)] = rand(256)
      const path = join(tmp.path, 'fuzz.mp4')
      writeFileSync(path, b)
      const r = await readSampleTable(path).then(
        () => 'read',
        (e: unknown) => (e instanceof Mp4Refused ? 'refused' : e)
      )
      expect(['read', 'refused']).toContain(r)
    }
    expect(Date.now() - started).toBeLessThan(20_000)
  })
})
