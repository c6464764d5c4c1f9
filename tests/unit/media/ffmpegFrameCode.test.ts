// The frame-number pattern survives H.264, HEVC and MJPEG coding: every decoded frame
// reads back as its number, and frames pulled out with ffmpeg at t = n / fps decode to n.
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeFrameCode, frameCodeCells } from '../../helpers/frameCode'
import { STANDARD_CLIPS, allFrameNumbers, cachedClip, extractFrame, type Clip, type ClipCodec } from '../../helpers/videoFixtures'


/** Draws the pattern for frame n into an RGBA buffer, as a canvas would show it. */
function paint(n: number, width: number, height: number): Uint8ClampedArray {
  const px = new Uint8ClampedArray(width * height * 4).fill(128)
  const cells = frameCodeCells(n)
  for (let y = 0; y < height / 2; y++)
    for (let x = 0; x < width; x++) {
      const k = Math.floor((x * 8) / width) + 8 * Math.floor((y * 6) / height)
      const v = cells[k] ? 255 : 0
      px.set([v, v, v, 255], (y * width + x) * 4)
    }
  return px
}

describe('frameCode decoder', () => {
  it('round-trips every bit pattern edge case and odd sizes', () => {
    for (const n of [0, 1, 2, 255, 256, 4095, 12345, 65535]) {
      for (const [w, h] of [[320, 240], [1280, 720], [333, 201]] as const) expect(decodeFrameCode(paint(n, w, h), w, h).frame).toBe(n)
    }
  })
  it('rejects a flipped cell and a grey cell instead of guessing', () => {
    const px = paint(77, 320, 240)
    // flip cell 3 (bit 3 of 77 = 1 → black)
    for (let y = 0; y < 40; y++) for (let x = 120; x < 160; x++) px.set([0, 0, 0, 255], (y * 320 + x) * 4)
    expect(decodeFrameCode(px, 320, 240).frame).toBeNull()
    const grey = paint(77, 320, 240)
    for (let y = 40; y < 80; y++) for (let x = 0; x < 40; x++) grey.set([128, 128, 128, 255], (y * 320 + x) * 4)
    expect(decodeFrameCode(grey, 320, 240).problem).toMatch(/neither dark nor light/)
  })
})

describe('the pattern at a size not divisible by 8 or 6', () => {
  it('still decodes (426×250 H.264)', async () => {
    const clip = await cachedClip({ codec: 'h264', width: 426, height: 250, seconds: 0.2 })
    expect(await allFrameNumbers(clip, clip.frames)).toEqual([0, 1, 2, 3, 4])
  })
})

describe.each(['h264', 'hevc', 'mjpeg'] as ClipCodec[])('frames extracted from a %s clip', (codec) => {
  let clip: Clip
  beforeAll(async () => {
    clip = await cachedClip(STANDARD_CLIPS[codec])
  })
  it('every frame decodes to its own number', async () => {
    expect(await allFrameNumbers(clip, clip.frames)).toEqual(Array.from({ length: clip.frames }, (_, n) => n))
  })
  it('a frame extracted at t = n / fps decodes to round(t × fps) exactly', async () => {
    // a keyframe, frames between keyframes (each extraction is one ffmpeg start, ~0.5 s here)
    const frames = [38, 50, 77]
    const got = await Promise.all(frames.map(async (n) => decodeFrameCode((await extractFrame(clip, n / clip.fps)).data, clip.width, clip.height)))
    expect(got.map((g) => g.frame)).toEqual(frames)
  })
})
