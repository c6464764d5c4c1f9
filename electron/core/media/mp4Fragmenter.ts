// Our own MP4/MOV → fMP4 fragmenter for remuxed H.264 segments: the same bytes and times
// ffmpeg's `-c copy` run (hlsPlan.segmentJob) writes, made in-process in milliseconds, so a
// jump into footage never viewed does not pay an ffmpeg start (~0.2 s here).
//
// Timing follows what that run does, step by step (ffmpeg 5.1, checked packet by packet
// against it in tests/unit/media/mp4Fragmenter.test.ts):
// - the mov demuxer's times: decode time = sum of stts before the sample − the one edit's
//   media_time (so the first frame presents at the edit's start), presentation = decode +
//   ctts; packet duration = the sample's stts delta;
// - -copyts keeps them; the muxer rescales them to the 90 kHz track timescale (rounding to
//   nearest, halves away from zero), then adds -output_ts_offset, itself rescaled from µs;
// - frag_keyframe: one moof+mdat per source keyframe; a sample's duration in a fragment is
//   the next sample's decode time minus its own, the last one's its own (rescaled) duration.
// Anything it cannot be sure of is refused (Mp4Refused, with a reason) and left to ffmpeg.
import { open, type FileHandle } from 'node:fs/promises'
import { child, childBoxes, fullBox, Mp4Refused, path, readExactly, readTopLevel, tableCount, type Box } from './mp4Boxes'

export { Mp4Refused, type FragmenterRefusal } from './mp4Boxes'

/** What made a segment, in its derived_media record (instead of an ffmpeg version line). */
export const FRAGMENTER_TOOL = 'iwb mp4 fragmenter 1'

/** Samples a table may hold (~46 h at 25 fps): bounds every per-sample allocation. */
export const MAX_SAMPLES = 4_000_000
const OUT_TIMESCALE = 90_000
/** Track id of ffmpeg's output (the only track), kept so init.mp4 fits segments either made. */
const OUT_TRACK_ID = 1
const MAX_SEGMENT_BYTES = 512 * 1024 * 1024

export interface SampleTable {
  fileSize: number
  /** The source's media timescale (mdhd). */
  timescale: number
  /** The sample description (avc1/avc3 box), copied verbatim into the init segment. */
  sampleEntry: Buffer
  width: number
  height: number
  /** tkhd display size (16.16) and matrix, as the source has them. */
  tkhdWidth: number
  tkhdHeight: number
  matrix: Buffer
  count: number
  /** Decode times on ffmpeg's timeline (edit list applied), in the source timescale. */
  dts: Float64Array
  /** Composition offsets on ffmpeg's timeline (ctts + dts_shift: never negative once checked). */
  cto: Int32Array
  duration: Uint32Array
  size: Uint32Array
  offset: Float64Array
  sync: Uint8Array
  moovStart: number
  moovEnd: number
}

/** What the probe the plan was built from says about the first video stream. */
export interface ProbeFacts {
  codec: string
  width: number
  height: number
  packetCount: number
  keyframes: { timeS: number; packetIndex: number }[]
  keyframesComplete: boolean
}

const u32 = (b: Buffer, at: number): number => b.readUInt32BE(at)

/** Reads the first video track's sample table of a progressive MP4/MOV; throws Mp4Refused. */
export async function readSampleTable(filePath: string): Promise<SampleTable> {
  const fh = await open(filePath, 'r')
  try {
    const fileSize = (await fh.stat()).size
    const top = await readTopLevel(fh, fileSize)
    return parseMoov(top.moov, fileSize, top.moovStart, top.moovEnd)
  } catch (err) {
    if (err instanceof Mp4Refused) throw err
    if (err instanceof RangeError) throw new Mp4Refused('parse', err.message)
    throw err
  } finally {
    await fh.close()
  }
}

function parseMoov(buf: Buffer, fileSize: number, moovStart: number, moovEnd: number): SampleTable {
  const moov = childBoxes(buf, 0, buf.length)[0]!
  const kids = childBoxes(buf, moov.body, moov.end)
  if (kids.some((b) => b.type === 'mvex')) throw new Mp4Refused('fragmented', 'moov has an mvex')
  const traks = kids.filter((b) => b.type === 'trak')
  const trak = traks.find((t) => {
    const hdlr = child(buf, path(buf, t, ['mdia']), 'hdlr')
    return hdlr !== null && hdlr.end - hdlr.body >= 12 && buf.toString('latin1', hdlr.body + 8, hdlr.body + 12) === 'vide'
  })
  if (!trak) throw new Mp4Refused('codec', 'no video track')

  // tkhd: display size and matrix, copied into the init segment.
  const tkhd = path(buf, trak, ['tkhd'])
  const th = fullBox(buf, tkhd, 80)
  const tkRest = th.at + (th.version === 1 ? 32 : 20) + 16
  if (tkRest + 44 > tkhd.end) throw new Mp4Refused('parse', 'tkhd too short')
  const matrix = Buffer.from(buf.subarray(tkRest, tkRest + 36))

  const mdia = path(buf, trak, ['mdia'])
  const mdhd = path(buf, mdia, ['mdhd'])
  const mh = fullBox(buf, mdhd, 20)
  const timescale = u32(buf, mh.at + (mh.version === 1 ? 16 : 8))
  if (timescale === 0) throw new Mp4Refused('parse', 'mdhd timescale 0')
  const mvhd = path(buf, moov, ['mvhd'])
  const mv = fullBox(buf, mvhd, 20)
  const movieTimescale = u32(buf, mv.at + (mv.version === 1 ? 16 : 8))

  const stbl = path(buf, mdia, ['minf', 'stbl'])
  const tables = new Map<string, Box>()
  for (const b of childBoxes(buf, stbl.body, stbl.end)) if (!tables.has(b.type)) tables.set(b.type, b)
  const need = (type: string): Box => {
    const b = tables.get(type)
    if (!b) throw new Mp4Refused('parse', `no '${type}' in stbl`)
    return b
  }

  // stsd: exactly one entry, H.264 in avc1/avc3 (avcC inside).
  const stsd = need('stsd')
  const sd = fullBox(buf, stsd, 4)
  if (u32(buf, sd.at) !== 1) throw new Mp4Refused('codec', `${u32(buf, sd.at)} sample descriptions`)
  const entry = childBoxes(buf, sd.at + 4, stsd.end)
  if (entry.length !== 1) throw new Mp4Refused('codec', 'stsd entry count does not match its boxes')
  const e = entry[0]!
  if (e.type !== 'avc1' && e.type !== 'avc3') throw new Mp4Refused('codec', `sample entry '${e.type}'`)
  if (e.end - e.body < 78) throw new Mp4Refused('parse', `'${e.type}' too short`)
  if (!childBoxes(buf, e.body + 78, e.end).some((b) => b.type === 'avcC')) throw new Mp4Refused('codec', `'${e.type}' without avcC`)
  const sampleEntry = Buffer.from(buf.subarray(e.start, e.end))

  // stsz / stz2: the sample count every other table must agree with.
  let count: number
  let size: Uint32Array
  const stsz = tables.get('stsz')
  if (stsz) {
    const h = fullBox(buf, stsz, 8)
    const fixed = u32(buf, h.at)
    count = u32(buf, h.at + 4)
    if (count > MAX_SAMPLES) throw new Mp4Refused('limits', `${count} samples`)
    if (fixed !== 0) {
      if (count * fixed > fileSize) throw new Mp4Refused('limits', `${count} samples of ${fixed} bytes in a ${fileSize}-byte file`)
      size = new Uint32Array(count).fill(fixed)
    } else {
      tableCount(buf, stsz, h.at, 4, 8)
      size = new Uint32Array(count)
      for (let i = 0; i < count; i++) size[i] = u32(buf, h.at + 8 + 4 * i)
    }
  } else {
    const stz2 = need('stz2')
    const h = fullBox(buf, stz2, 8)
    const field = buf[h.at + 3]!
    if (field !== 4 && field !== 8 && field !== 16) throw new Mp4Refused('parse', `stz2 field size ${field}`)
    count = u32(buf, h.at + 4)
    if (count > MAX_SAMPLES) throw new Mp4Refused('limits', `${count} samples`)
    if (Math.ceil((count * field) / 8) > stz2.end - (h.at + 8)) throw new Mp4Refused('limits', `stz2 claims ${count} entries`)
    size = new Uint32Array(count)
    for (let i = 0; i < count; i++) {
      const at = h.at + 8
      size[i] = field === 16 ? buf.readUInt16BE(at + 2 * i) : field === 8 ? buf[at + i]! : (buf[at + (i >> 1)]! >> (i & 1 ? 0 : 4)) & 0xf
    }
  }
  if (count === 0) throw new Mp4Refused('parse', 'no samples')
  for (let i = 0; i < count; i++) if (size[i] === 0) throw new Mp4Refused('parse', `sample ${i} is empty`)

  // stts → decode times and durations.
  const stts = need('stts')
  const sh = fullBox(buf, stts, 4)
  const sttsN = tableCount(buf, stts, sh.at, 8)
  const duration = new Uint32Array(count)
  const dts = new Float64Array(count)
  let n = 0
  let clock = 0
  for (let i = 0; i < sttsN; i++) {
    const c = u32(buf, sh.at + 4 + 8 * i)
    const d = u32(buf, sh.at + 8 + 8 * i)
    if (d >= 0x80000000) throw new Mp4Refused('parse', `stts delta ${d}`)
    if (c > count - n) throw new Mp4Refused('probe-mismatch', 'stts holds more samples than stsz')
    for (let k = 0; k < c; k++, n++) {
      dts[n] = clock
      duration[n] = d
      clock += d
    }
  }
  if (n !== count) throw new Mp4Refused('probe-mismatch', `stts holds ${n} samples, stsz ${count}`)
  if (!Number.isSafeInteger(clock * OUT_TIMESCALE)) throw new Mp4Refused('limits', 'decode times too large')

  // ctts, v0 and v1 both read as signed (as ffmpeg does). Negative offsets (v1) move every
  // decode time back by the most negative one (ffmpeg's dts_shift, which skips the last two
  // entries); offsets of 2^28 or more make ffmpeg drop the table: left to it.
  const cto = new Int32Array(count)
  let dtsShift = 0
  const ctts = tables.get('ctts')
  if (ctts) {
    const ch = fullBox(buf, ctts, 4)
    const cN = tableCount(buf, ctts, ch.at, 8)
    let m = 0
    for (let i = 0; i < cN; i++) {
      const c = u32(buf, ch.at + 4 + 8 * i)
      const off = buf.readInt32BE(ch.at + 8 + 8 * i)
      if (c > count - m) throw new Mp4Refused('ctts', 'ctts holds more samples than stsz')
      if (Math.abs(off) >= 1 << 28) throw new Mp4Refused('ctts', `composition offset ${off}`)
      if (off < 0 && i + 2 < cN) dtsShift = Math.max(dtsShift, -off)
      cto.fill(off, m, m + c)
      m += c
    }
    if (m !== count) throw new Mp4Refused('ctts', `ctts holds ${m} samples, stsz ${count}`)
  }

  // stss: absent = every sample is a keyframe; present and empty = ffmpeg parses the stream.
  const sync = new Uint8Array(count)
  const stss = tables.get('stss')
  if (stss) {
    const kh = fullBox(buf, stss, 4)
    const kN = tableCount(buf, stss, kh.at, 4)
    if (kN === 0) throw new Mp4Refused('parse', 'an empty stss')
    let prev = 0
    for (let i = 0; i < kN; i++) {
      const s = u32(buf, kh.at + 4 + 4 * i)
      if (s <= prev || s > count) throw new Mp4Refused('parse', `stss entry ${s}`)
      sync[s - 1] = 1
      prev = s
    }
  } else sync.fill(1)

  // Edit list: none, or one edit at rate 1 that starts at or before every frame.
  let shift = 0
  const edts = child(buf, trak, 'edts')
  const elst = edts ? child(buf, edts, 'elst') : null
  if (edts && !elst) throw new Mp4Refused('edit-list', 'edts without elst')
  if (elst) {
    const eh = fullBox(buf, elst, 4)
    const entrySize = eh.version === 1 ? 20 : 12
    const eN = tableCount(buf, elst, eh.at, entrySize)
    if (eN !== 1) throw new Mp4Refused('edit-list', `${eN} edits`)
    const at = eh.at + 4
    const mediaTime = eh.version === 1 ? Number(buf.readBigInt64BE(at + 8)) : buf.readInt32BE(at + 4)
    const rate = buf.readInt32BE(at + (eh.version === 1 ? 16 : 8))
    if (mediaTime < 0) throw new Mp4Refused('edit-list', 'an empty edit')
    if (rate !== 0x10000) throw new Mp4Refused('edit-list', `edit rate ${rate / 0x10000}`)
    const editDuration = eh.version === 1 ? Number(buf.readBigUInt64BE(at)) : u32(buf, at)
    // ffmpeg drops frames the edit does not show, and moves the timeline when the first frame
    // presents after the edit's start: only an edit starting exactly at the first frame is ours.
    let firstPts = Infinity
    for (let i = 0; i < count; i++) firstPts = Math.min(firstPts, dts[i]! + cto[i]!)
    if (firstPts !== mediaTime) throw new Mp4Refused('edit-list', `the edit starts at ${mediaTime}, the first frame at ${firstPts}`)
    // An edit that ends before the last frame starts cuts frames off (0 = to the end, as some writers put it).
    if (editDuration !== 0 && movieTimescale > 0) {
      let lastPts = 0
      for (let i = 0; i < count; i++) lastPts = Math.max(lastPts, dts[i]! + cto[i]!)
      const tick = timescale / movieTimescale // the edit's duration is in the movie's coarser units
      if (mediaTime + editDuration * tick + tick <= lastPts) throw new Mp4Refused('edit-list', 'the edit ends before the last frame')
    }
    shift = mediaTime
  }
  // Presentation stays stts + ctts − media_time; decode moves back by dts_shift too.
  if (shift || dtsShift) {
    for (let i = 0; i < count; i++) {
      dts[i] = dts[i]! - shift - dtsShift
      cto[i] = cto[i]! + dtsShift
    }
  }

  // stco/co64 + stsc → each sample's file offset, all inside the file and outside the moov.
  const offset = new Float64Array(count)
  const co = tables.get('stco') ?? tables.get('co64')
  if (!co) throw new Mp4Refused('parse', 'no chunk offsets')
  const ch = fullBox(buf, co, 4)
  const wide = co.type === 'co64'
  const chunks = tableCount(buf, co, ch.at, wide ? 8 : 4)
  const chunkAt = (k: number): number => (wide ? Number(buf.readBigUInt64BE(ch.at + 4 + 8 * k)) : u32(buf, ch.at + 4 + 4 * k))
  const stsc = need('stsc')
  const sc = fullBox(buf, stsc, 4)
  const scN = tableCount(buf, stsc, sc.at, 12)
  if (scN === 0 || chunks === 0) throw new Mp4Refused('parse', 'no chunks')
  let s = 0
  for (let i = 0; i < scN; i++) {
    const firstChunk = u32(buf, sc.at + 4 + 12 * i)
    const perChunk = u32(buf, sc.at + 8 + 12 * i)
    const desc = u32(buf, sc.at + 12 + 12 * i)
    const nextFirst = i + 1 < scN ? u32(buf, sc.at + 16 + 12 * i) : chunks + 1
    if (desc !== 1) throw new Mp4Refused('codec', `sample description ${desc}`)
    if (firstChunk < 1 || nextFirst <= firstChunk || nextFirst > chunks + 1) throw new Mp4Refused('parse', `stsc entry ${i}`)
    for (let k = firstChunk - 1; k < nextFirst - 1; k++) {
      if (perChunk > count - s) throw new Mp4Refused('probe-mismatch', 'stsc places more samples than stsz holds')
      let at = chunkAt(k)
      for (let j = 0; j < perChunk; j++, s++) {
        const end = at + size[s]!
        if (end > fileSize) throw new Mp4Refused('limits', `sample ${s} ends past the end of the file`)
        if (at < moovEnd && end > moovStart) throw new Mp4Refused('limits', `sample ${s} lies inside the moov`)
        offset[s] = at
        at = end
      }
    }
  }
  if (s !== count) throw new Mp4Refused('probe-mismatch', `stsc places ${s} samples, stsz holds ${count}`)

  return {
    fileSize,
    timescale,
    sampleEntry,
    width: buf.readUInt16BE(e.body + 24),
    height: buf.readUInt16BE(e.body + 26),
    tkhdWidth: u32(buf, tkRest + 36),
    tkhdHeight: u32(buf, tkRest + 40),
    matrix,
    count,
    dts,
    cto,
    duration,
    size,
    offset,
    sync,
    moovStart,
    moovEnd
  }
}

/**
 * The table must describe the stream the plan was built from: same codec and size, the
 * same number of packets and the same keyframes at the same times (ffprobe prints µs).
 */
export function checkAgainstProbe(table: SampleTable, probe: ProbeFacts): void {
  if (probe.codec !== 'h264') throw new Mp4Refused('codec', `probe says ${probe.codec}`)
  if (!probe.keyframesComplete) throw new Mp4Refused('probe-mismatch', 'the keyframe scan did not reach the end')
  if (table.width !== probe.width || table.height !== probe.height) throw new Mp4Refused('probe-mismatch', `${table.width}×${table.height} vs ${probe.width}×${probe.height}`)
  if (table.count !== probe.packetCount) throw new Mp4Refused('probe-mismatch', `${table.count} samples, ${probe.packetCount} packets probed`)
  let keys = 0
  for (let i = 0; i < table.count; i++) keys += table.sync[i]!
  if (keys !== probe.keyframes.length) throw new Mp4Refused('probe-mismatch', `${keys} sync samples, ${probe.keyframes.length} keyframes probed`)
  for (const k of probe.keyframes) {
    if (k.packetIndex >= table.count || !table.sync[k.packetIndex]) throw new Mp4Refused('probe-mismatch', `packet ${k.packetIndex} is not a sync sample`)
    const pts = (table.dts[k.packetIndex]! + table.cto[k.packetIndex]!) / table.timescale
    if (Math.abs(pts - k.timeS) > 1.5e-6) throw new Mp4Refused('probe-mismatch', `keyframe ${k.packetIndex} at ${pts} s, probed at ${k.timeS} s`)
  }
}

/** av_rescale_rnd(a, b, c, AV_ROUND_NEAR_INF): nearest, halves away from zero. */
export function rescale(a: number, b: number, c: number): number {
  const neg = a < 0
  const r = (BigInt(Math.abs(a)) * BigInt(b) + BigInt(Math.floor(c / 2))) / BigInt(c)
  return neg ? -Number(r) : Number(r)
}

/** An -output_ts_offset argument ("10.000000") in µs, exactly as ffmpeg parses it. */
export function offsetMicros(arg: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(arg)
  if (!m) throw new Error(`Not a seconds argument: ${arg}`)
  const us = Number(m[2]) * 1e6 + Number((m[3] ?? '').padEnd(6, '0'))
  return m[1] ? -us : us
}

// ---- writing ----

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts)
  const head = Buffer.alloc(8)
  head.writeUInt32BE(8 + body.length, 0)
  head.write(type, 4, 'latin1')
  return Buffer.concat([head, body])
}

function full(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
  const vf = Buffer.alloc(4)
  vf.writeUInt32BE(((version << 24) | flags) >>> 0, 0)
  return box(type, vf, ...parts)
}

const words = (...xs: number[]): Buffer => {
  const b = Buffer.alloc(4 * xs.length)
  xs.forEach((x, i) => b.writeUInt32BE(x >>> 0, 4 * i))
  return b
}

/** ftyp + moov with mvex, laid out as ffmpeg's empty_moov output (track 1, 90 kHz), stsd verbatim. */
export function initSegment(table: SampleTable): Buffer {
  const ftyp = box('ftyp', Buffer.from('iso5', 'latin1'), words(512), Buffer.from('iso5iso6mp41', 'latin1'))
  const identity = words(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
  const mvhd = full('mvhd', 0, 0, words(0, 0, 1000, 0, 0x10000), Buffer.from([0x01, 0x00, 0, 0]), Buffer.alloc(8), identity, Buffer.alloc(24), words(OUT_TRACK_ID + 1))
  const tkhd = full('tkhd', 0, 3, words(0, 0, OUT_TRACK_ID, 0, 0), Buffer.alloc(8), Buffer.alloc(8), table.matrix, words(table.tkhdWidth, table.tkhdHeight))
  const mdhd = full('mdhd', 0, 0, words(0, 0, OUT_TIMESCALE, 0), Buffer.from([0x55, 0xc4, 0, 0]))
  const hdlr = full('hdlr', 0, 0, words(0), Buffer.from('vide', 'latin1'), Buffer.alloc(12), Buffer.from('VideoHandler\0', 'latin1'))
  const vmhd = full('vmhd', 0, 1, Buffer.alloc(8))
  const dinf = box('dinf', full('dref', 0, 0, words(1), full('url ', 0, 1)))
  const stbl = box(
    'stbl',
    full('stsd', 0, 0, words(1), table.sampleEntry),
    full('stts', 0, 0, words(0)),
    full('stsc', 0, 0, words(0)),
    full('stsz', 0, 0, words(0, 0)),
    full('stco', 0, 0, words(0))
  )
  const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', vmhd, dinf, stbl)))
  const mvex = box('mvex', full('trex', 0, 0, words(OUT_TRACK_ID, 1, 0, 0, 0)))
  return Buffer.concat([ftyp, box('moov', mvhd, trak, mvex)])
}

export interface SegmentTiming {
  /** 90 kHz decode and presentation times and durations of samples first…first+count−1. */
  dts: number[]
  pts: number[]
  duration: number[]
}

/** The 90 kHz times ffmpeg's remux run gives samples [first, first+count) (see the header). */
export function segmentTiming(table: SampleTable, first: number, count: number, outputTsOffset: string): SegmentTiming {
  if (!(first >= 0 && count > 0 && first + count <= table.count)) throw new Mp4Refused('probe-mismatch', `samples ${first}+${count} of ${table.count}`)
  if (!table.sync[first]) throw new Mp4Refused('probe-mismatch', `sample ${first} is not a keyframe`)
  const off = rescale(offsetMicros(outputTsOffset), OUT_TIMESCALE, 1_000_000)
  const ts = table.timescale
  const dts: number[] = []
  const pts: number[] = []
  const duration: number[] = []
  for (let i = first; i < first + count; i++) {
    const d = table.dts[i]!
    dts.push(rescale(d, OUT_TIMESCALE, ts) + off)
    pts.push(rescale(d + table.cto[i]!, OUT_TIMESCALE, ts) + off)
  }
  for (let j = 0; j < count; j++) {
    const i = first + j
    // The muxer's fragment closes before the next keyframe: that sample keeps its own duration.
    const lastInFragment = j === count - 1 || table.sync[i + 1] === 1
    duration.push(lastInFragment ? rescale(table.duration[i]!, OUT_TIMESCALE, ts) : dts[j + 1]! - dts[j]!)
  }
  for (let j = 0; j < count; j++) {
    if (dts[j]! < 0) throw new Mp4Refused('ctts', `decode time ${dts[j]} before 0 after the offset`)
    if (pts[j]! < dts[j]!) throw new Mp4Refused('ctts', `sample ${first + j} presents before it decodes`)
    if (duration[j]! < 0 || duration[j]! > 0xffffffff || pts[j]! - dts[j]! > 0x7fffffff) throw new Mp4Refused('ctts', `sample ${first + j} timing out of range`)
  }
  return { dts, pts, duration }
}

const SYNC_FLAGS = 0x02000000 // sample_depends_on = 2 (an I-frame)
const NON_SYNC_FLAGS = 0x01010000 // depends on others, sample_is_non_sync_sample

/**
 * The media part of one segment (samples [first, first+count), decode order): a moof+mdat
 * per source keyframe, sample data read from the source by positioned reads.
 */
export async function mediaSegment(table: SampleTable, filePath: string, first: number, count: number, outputTsOffset: string): Promise<Buffer> {
  const timing = segmentTiming(table, first, count, outputTsOffset)
  // Fragments: from each keyframe to the next.
  const frags: [number, number][] = []
  for (let j = 0; j < count; j++) if (j === 0 || table.sync[first + j]) frags.push([j, j + 1])
  for (let f = 0; f < frags.length; f++) frags[f]![1] = f + 1 < frags.length ? frags[f + 1]![0] : count
  let total = 0
  for (let j = 0; j < count; j++) total += table.size[first + j]!
  if (total > MAX_SEGMENT_BYTES) throw new Mp4Refused('limits', `a segment of ${total} bytes`)

  const fh = await open(filePath, 'r')
  try {
    // The source must still be the file the table was read from (evidence is read-only).
    if ((await fh.stat()).size !== table.fileSize) throw new Mp4Refused('probe-mismatch', 'the source changed size')
    // The boxes first, then one buffer for the whole segment that the samples are read into.
    const boxes: { moof: Buffer; mdatSize: number; from: number; to: number }[] = []
    for (const [from, to] of frags) {
      const n = to - from
      const trunBody = Buffer.alloc(8 + 16 * n)
      trunBody.writeUInt32BE(n, 0)
      let mdatSize = 8
      for (let j = from; j < to; j++) {
        const i = first + j
        const at = 8 + 16 * (j - from)
        trunBody.writeUInt32BE(timing.duration[j]!, at)
        trunBody.writeUInt32BE(table.size[i]!, at + 4)
        trunBody.writeUInt32BE(table.sync[i] ? SYNC_FLAGS : NON_SYNC_FLAGS, at + 8)
        trunBody.writeUInt32BE(timing.pts[j]! - timing.dts[j]!, at + 12)
        mdatSize += table.size[i]!
      }
      const tfdt = Buffer.alloc(8)
      tfdt.writeBigUInt64BE(BigInt(timing.dts[from]!))
      const traf = box(
        'traf',
        full('tfhd', 0, 0x020000, words(OUT_TRACK_ID)), // default-base-is-moof
        full('tfdt', 1, 0, tfdt),
        full('trun', 0, 0x000f01, trunBody) // data offset; duration, size, flags, cto per sample
      )
      // One moof per keyframe, numbered by the keyframe's sample so runs never collide.
      const moof = box('moof', full('mfhd', 0, 0, words(first + from + 1)), traf)
      moof.writeUInt32BE(moof.length + 8, moof.length - trunBody.length + 4) // trun data_offset → first byte of mdat's data
      boxes.push({ moof, mdatSize, from, to })
    }
    const out = Buffer.allocUnsafe(boxes.reduce((a, b) => a + b.moof.length + b.mdatSize, 0))
    let at = 0
    for (const b of boxes) {
      at += b.moof.copy(out, at)
      out.writeUInt32BE(b.mdatSize, at)
      out.write('mdat', at + 4, 'latin1')
      await readSamples(fh, table, first + b.from, first + b.to, out, at + 8)
      at += b.mdatSize
    }
    return out
  } finally {
    await fh.close()
  }
}

/** Copies samples [from, to) into `out` at `at`, one read per run of adjacent samples. */
async function readSamples(fh: FileHandle, table: SampleTable, from: number, to: number, out: Buffer, at: number): Promise<void> {
  let i = from
  while (i < to) {
    const start = table.offset[i]!
    let end = start + table.size[i]!
    let j = i + 1
    while (j < to && table.offset[j] === end) end += table.size[j++]!
    await readExactly(fh, start, end - start, out, at)
    at += end - start
    i = j
  }
}
