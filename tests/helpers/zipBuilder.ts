// Test helper: writes ZIP files byte by byte (local headers, data, central directory,
// end record) so tests can craft hostile archives that no archiver would produce: lying
// sizes, traversal names, symlinks, encryption flags, overlapping entries.
import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipEntrySpec {
  name: string | Buffer
  /** Uncompressed content. */
  data?: Buffer
  /** 0 stored, 8 deflate (default), anything else is written as declared. */
  method?: number
  /** Bytes written as the entry's data instead of the compressed `data`. */
  compressed?: Buffer
  /** Uncompressed size written in the headers instead of data.length. */
  declaredSize?: number
  crc?: number
  flags?: number
  /** Unix mode in the high 16 bits, MS-DOS attributes in the low 16. */
  externalAttributes?: number
  /** Host system in the high byte: 0 MS-DOS, 3 Unix. Default Unix. */
  versionMadeBy?: number
  /** Name written in the local header instead of `name`. */
  localName?: string | Buffer
  /** Central-directory extra field. */
  extra?: Buffer
  /** Write no local header or data: point the central entry at entry N's local header. */
  shareDataWith?: number
}

const DOS_TIME = (3 << 11) | (4 << 5) | 3 // 03:04:06
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 2 // 2024-01-02

const toBuf = (name: string | Buffer) => (typeof name === 'string' ? Buffer.from(name, 'utf8') : name)

export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const parts: Buffer[] = []
  const central: Buffer[] = []
  const offsets: number[] = []
  const sizes: { compressed: number; crc: number; declared: number }[] = []
  let offset = 0
  entries.forEach((e) => {
    const name = toBuf(e.name)
    const data = e.data ?? Buffer.alloc(0)
    const method = e.method ?? 8
    const body = e.compressed ?? (method === 8 ? deflateRawSync(data) : data)
    const crc = e.crc ?? crc32(data)
    const declared = e.declaredSize ?? data.length
    const utf8 = typeof e.name === 'string' && Buffer.byteLength(e.name) !== e.name.length ? 0x800 : 0
    const flags = (e.flags ?? 0) | utf8
    let localOffset: number
    if (e.shareDataWith !== undefined) {
      localOffset = offsets[e.shareDataWith]!
      const s = sizes[e.shareDataWith]!
      sizes.push(s)
      offsets.push(localOffset)
      central.push(centralHeader(e, name, flags, method, s.crc, s.compressed, s.declared, localOffset))
      return
    }
    localOffset = offset
    const localName = e.localName !== undefined ? toBuf(e.localName) : name
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt16LE(DOS_TIME, 10)
    local.writeUInt16LE(DOS_DATE, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(declared, 22)
    local.writeUInt16LE(localName.length, 26)
    local.writeUInt16LE(0, 28)
    parts.push(local, localName, body)
    offset += 30 + localName.length + body.length
    offsets.push(localOffset)
    sizes.push({ compressed: body.length, crc, declared })
    central.push(centralHeader(e, name, flags, method, crc, body.length, declared, localOffset))
  })
  const cd = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8)
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...parts, cd, end])
}

function centralHeader(e: ZipEntrySpec, name: Buffer, flags: number, method: number, crc: number, compressed: number, declared: number, localOffset: number): Buffer {
  const extra = e.extra ?? Buffer.alloc(0)
  const h = Buffer.alloc(46)
  h.writeUInt32LE(0x02014b50, 0)
  h.writeUInt16LE(e.versionMadeBy ?? 0x031e, 4)
  h.writeUInt16LE(20, 6)
  h.writeUInt16LE(flags, 8)
  h.writeUInt16LE(method, 10)
  h.writeUInt16LE(DOS_TIME, 12)
  h.writeUInt16LE(DOS_DATE, 14)
  h.writeUInt32LE(crc, 16)
  h.writeUInt32LE(compressed, 20)
  h.writeUInt32LE(declared, 24)
  h.writeUInt16LE(name.length, 28)
  h.writeUInt16LE(extra.length, 30)
  h.writeUInt16LE(0, 32)
  h.writeUInt16LE(0, 34)
  h.writeUInt16LE(0, 36)
  h.writeUInt32LE((e.externalAttributes ?? (0o100644 << 16)) >>> 0, 38)
  h.writeUInt32LE(localOffset, 42)
  return Buffer.concat([h, name, extra])
}

/** Unix mode for externalAttributes. */
export const unixMode = (mode: number): number => (mode << 16) >>> 0
