// A synthetic Hikvision SD card for tests: hivNNNNN.mp4 made of MPEG-PS recordings laid
// back to back (as a camera writes them on motion), each frame showing its frame number
// (frameCode), and an index00.bin in the v2 layout electron/core/media/hikvisionIndex.ts
// reads (header, file table, 256 segment slots per file; checked against the real sample).
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { HIK_FILE_RECORD_BYTES, HIK_HEADER_BYTES, HIK_SEGMENT_BYTES, HIK_SEGMENTS_PER_FILE } from '../../electron/core/media/hikvisionIndex'
import { frameCodeFilters } from './frameCode'

const execFileP = promisify(execFile)

export interface PsRecording {
  path: string
  /** Frame number shown by the recording's first frame. */
  firstFrame: number
  frames: number
  fps: number
  width: number
  height: number
}

/**
 * One motion recording: H.264 in MPEG-PS (`-f mpeg`, as on the card), frames numbered
 * firstFrame .. firstFrame+frames-1, a keyframe every `gop` frames.
 */
export async function makePsRecording(
  dir: string,
  name: string,
  opts: { firstFrame: number; frames: number; fps?: number; width?: number; height?: number; gop?: number },
  // Not testTools(): this helper stays free of app imports so the e2e specs can use it too.
  ffmpeg: string = process.env.IWB_TEST_FFMPEG ?? '/usr/bin/ffmpeg'
): Promise<PsRecording> {
  const fps = opts.fps ?? 25
  const width = opts.width ?? 320
  const height = opts.height ?? 240
  const gop = opts.gop ?? fps
  const last = opts.firstFrame + opts.frames
  const seconds = Math.ceil(last / fps) + 1
  // The pattern is drawn on the source's own frame numbers, then trimmed: numbers carry on.
  // Noise under the pattern (the bottom half) makes every frame larger than a PS pack, so
  // each starts its own PES packet with a timestamp, as on a camera (tiny frames share one).
  const source = `color=c=0x808080:s=${width}x${height}:r=${fps}:d=${seconds},format=yuv420p,noise=alls=40:allf=t+u,${frameCodeFilters(width, height)},trim=start_frame=${opts.firstFrame}:end_frame=${last},setpts=PTS-STARTPTS`
  const path = join(dir, name)
  await execFileP(
    ffmpeg,
    ['-nostdin', '-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-c:v', 'libx264', '-preset', 'veryfast', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-bf', '0', '-pix_fmt', 'yuv420p', '-f', 'mpeg', path],
    { timeout: 60_000, maxBuffer: 1024 * 1024 }
  )
  return { path, firstFrame: opts.firstFrame, frames: opts.frames, fps, width, height }
}

/** Recordings concatenated byte-wise into one hiv file; returns each one's byte range. */
export function concatRecordings(path: string, parts: readonly string[]): { start: number; end: number }[] {
  const bufs = parts.map((p) => readFileSync(p))
  const ranges: { start: number; end: number }[] = []
  let at = 0
  for (const b of bufs) {
    ranges.push({ start: at, end: at + b.length })
    at += b.length
  }
  writeFileSync(path, Buffer.concat(bufs))
  return ranges
}

export interface IndexSegment {
  /** Camera wall clock as if UTC, µs (seconds in the low word, µs in the high word). */
  startUs: number
  endUs: number
  startOffset: number
  endOffset: number
}

export interface IndexFile {
  fileNo: number
  /** Slots 0.. in order. */
  segments: IndexSegment[]
  /** The file table's segment count; default all segments (every slot current). */
  segmentCount?: number
}

/**
 * index00.bin, v2 layout, for `fileCount` files (default: enough for the files given).
 * No file is live (every current-file record unused), so each listed segment below the
 * segment count is current; slots past it read as left from an earlier pass (stale).
 */
export function writeHikvisionIndex(path: string, files: readonly IndexFile[], fileCount = Math.max(...files.map((f) => f.fileNo)) + 1): void {
  const segAt = HIK_HEADER_BYTES + fileCount * HIK_FILE_RECORD_BYTES
  const buf = Buffer.alloc(segAt + fileCount * HIK_SEGMENTS_PER_FILE * HIK_SEGMENT_BYTES)
  buf.writeBigUInt64LE(1n, 0) // modifyTimes
  buf.writeUInt32LE(2, 8) // version
  buf.writeUInt32LE(fileCount, 12)
  buf.writeUInt32LE(0, 16)
  buf.writeUInt32LE(0, 20)
  for (let r = 0; r < 1176 / 24; r++) buf.writeUInt16LE(0xffff, 24 + r * 24) // no file being written
  for (let f = 0; f < fileCount; f++) buf.writeUInt16LE(0xffff, HIK_HEADER_BYTES + f * HIK_FILE_RECORD_BYTES + 4) // unused row
  const sec = (us: number) => Math.floor(us / 1e6)
  for (const file of files) {
    const row = HIK_HEADER_BYTES + file.fileNo * HIK_FILE_RECORD_BYTES
    const count = file.segmentCount ?? file.segments.length
    const current = file.segments.slice(0, count)
    buf.writeUInt32LE(file.fileNo, row)
    buf.writeUInt16LE(0, row + 4) // channel 0
    buf.writeUInt16LE(count, row + 6)
    buf.writeUInt32LE(sec(Math.min(...current.map((s) => s.startUs))), row + 8)
    buf.writeUInt32LE(sec(Math.max(...current.map((s) => s.endUs))), row + 12)
    file.segments.forEach((s, slot) => {
      const at = segAt + (file.fileNo * HIK_SEGMENTS_PER_FILE + slot) * HIK_SEGMENT_BYTES
      buf.writeUInt8(1, at) // type
      buf.writeUInt32LE(sec(s.startUs), at + 8)
      buf.writeUInt32LE(s.startUs % 1e6, at + 12)
      buf.writeUInt32LE(sec(s.endUs), at + 16)
      buf.writeUInt32LE(s.endUs % 1e6, at + 20)
      buf.writeUInt32LE(sec(s.startUs), at + 24) // first key frame time
      buf.writeUInt32LE(s.startOffset, at + 40)
      buf.writeUInt32LE(s.endOffset, at + 44)
    })
  }
  writeFileSync(path, buf)
}
