// Test helper: a minimal EVTX writer, so tests can build records the real samples do not
// contain (every substitution value type, nested BinXML, hostile templates) and large
// files for speed runs. It writes what Windows writes: inline names and template
// definitions on first use, back-references afterwards, valid CRC32s unless told not to.
import { crc32 } from 'node:zlib'

const CHUNK = 65536

export interface Value {
  type: number
  write(w: ChunkWriter): void
}

export class ChunkWriter {
  readonly buf = Buffer.alloc(CHUNK)
  pos = 512
  private readonly names = new Map<string, number>()
  private readonly templates = new Map<string, number>()
  private readonly records: { offset: number; id: bigint }[] = []
  /** Offset of the template definition being written (for self-referencing tests). */
  definitionOffset = -1

  u8(v: number): this {
    this.buf[this.pos++] = v
    return this
  }
  u16(v: number): this {
    this.buf.writeUInt16LE(v, this.pos)
    this.pos += 2
    return this
  }
  u32(v: number): this {
    this.buf.writeUInt32LE(v >>> 0, this.pos)
    this.pos += 4
    return this
  }
  u64(v: bigint): this {
    this.buf.writeBigUInt64LE(v, this.pos)
    this.pos += 8
    return this
  }
  bytes(b: Buffer): this {
    b.copy(this.buf, this.pos)
    this.pos += b.length
    return this
  }

  /** A name offset, followed by the name itself the first time. */
  nameRef(name: string): this {
    const known = this.names.get(name)
    if (known !== undefined) return this.u32(known)
    const at = this.pos + 4
    this.names.set(name, at)
    this.u32(at).u32(0).u16(0).u16(name.length).bytes(Buffer.from(name, 'utf16le')).u16(0)
    return this
  }

  /** Open elements: where their data size and attribute list size go once known. */
  private readonly open_: { sizeAt: number; attrsAt: number }[] = []

  open(name: string, hasAttrs = false): this {
    this.u8(hasAttrs ? 0x41 : 0x01).u16(0xffff)
    const sizeAt = this.pos
    this.u32(0).nameRef(name)
    const attrsAt = hasAttrs ? this.pos : -1
    if (hasAttrs) this.u32(0)
    this.open_.push({ sizeAt, attrsAt })
    return this
  }
  attr(name: string): this {
    return this.u8(0x06).nameRef(name)
  }
  private closeAttrs(): void {
    const top = this.open_[this.open_.length - 1]!
    if (top.attrsAt >= 0) this.buf.writeUInt32LE(this.pos - top.attrsAt - 4, top.attrsAt)
  }
  private closeElement(): void {
    const top = this.open_.pop()!
    this.buf.writeUInt32LE(this.pos - top.sizeAt - 4, top.sizeAt)
  }
  closeStart(): this {
    this.closeAttrs()
    return this.u8(0x02)
  }
  closeEmpty(): this {
    this.closeAttrs()
    this.u8(0x03)
    this.closeElement()
    return this
  }
  end(): this {
    this.u8(0x04)
    this.closeElement()
    return this
  }
  text(s: string): this {
    return this.u8(0x05).u8(0x01).u16(s.length).bytes(Buffer.from(s, 'utf16le'))
  }
  subst(index: number, type: number, optional = false): this {
    return this.u8(optional ? 0x0e : 0x0d).u16(index).u8(type)
  }
  fragmentHeader(): this {
    return this.u8(0x0f).u8(1).u8(1).u8(0)
  }
  eof(): this {
    return this.u8(0x00)
  }

  /**
   * A template instance. The definition (`body`) is written inline the first time `key`
   * is used in this chunk; `definitionOffset` forces a reference to any offset instead.
   */
  templateInstance(key: string, body: () => void, values: Value[], definitionOffset?: number): this {
    this.u8(0x0c).u8(0x01).u32(0x3d860230)
    const known = definitionOffset ?? this.templates.get(key)
    if (known !== undefined) this.u32(known)
    else {
      const def = this.pos + 4
      this.templates.set(key, def)
      this.definitionOffset = def
      this.u32(def).u32(0).bytes(Buffer.alloc(16, 0xab))
      const sizeAt = this.pos
      this.u32(0)
      const start = this.pos
      this.fragmentHeader()
      body()
      this.eof()
      this.buf.writeUInt32LE(this.pos - start, sizeAt)
    }
    this.u32(values.length)
    const descriptors = this.pos
    this.pos += 4 * values.length
    values.forEach((v, i) => {
      const start = this.pos
      v.write(this)
      this.buf.writeUInt16LE(this.pos - start, descriptors + 4 * i)
      this.buf[descriptors + 4 * i + 2] = v.type
    })
    return this
  }

  record(id: number, body: () => void, writtenTicks = 0n): this {
    const start = this.pos
    this.bytes(Buffer.from('**\0\0', 'latin1')).u32(0).u64(BigInt(id)).u64(writtenTicks)
    this.fragmentHeader()
    body()
    this.eof()
    while ((this.pos + 4 - start) % 8 !== 0) this.u8(0)
    const size = this.pos + 4 - start
    this.u32(size)
    this.buf.writeUInt32LE(size, start + 4)
    this.records.push({ offset: start, id: BigInt(id) })
    return this
  }

  /** Fills the chunk header and its checksums. */
  finish(): Buffer {
    const b = this.buf
    b.write('ElfChnk\0', 0, 'latin1')
    const first = this.records[0]?.id ?? 1n
    const last = this.records[this.records.length - 1]?.id ?? 0n
    b.writeBigUInt64LE(first, 8)
    b.writeBigUInt64LE(last, 16)
    b.writeBigUInt64LE(first, 24)
    b.writeBigUInt64LE(last, 32)
    b.writeUInt32LE(128, 40)
    b.writeUInt32LE(this.records[this.records.length - 1]?.offset ?? 0, 44)
    b.writeUInt32LE(this.pos, 48)
    b.writeUInt32LE(crc32(b.subarray(512, this.pos)), 52)
    b.writeUInt32LE(1, 120)
    b.writeUInt32LE(crc32(b.subarray(128, 512), crc32(b.subarray(0, 120))), 124)
    return b
  }
}

/** File header + chunks, with the chunk count and header checksum set. */
export function evtxFile(chunks: Buffer[], nextRecordId = 1n): Buffer {
  const h = Buffer.alloc(4096)
  h.write('ElfFile\0', 0, 'latin1')
  h.writeBigUInt64LE(0n, 8)
  h.writeBigUInt64LE(BigInt(Math.max(0, chunks.length - 1)), 16)
  h.writeBigUInt64LE(nextRecordId, 24)
  h.writeUInt32LE(128, 32)
  h.writeUInt16LE(1, 36)
  h.writeUInt16LE(3, 38)
  h.writeUInt16LE(4096, 40)
  h.writeUInt16LE(chunks.length, 42)
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124)
  return Buffer.concat([h, ...chunks])
}

/** Recomputes a chunk's header and data checksums after a test edited it. */
export function fixChunkChecksums(chunk: Buffer): void {
  const free = chunk.readUInt32LE(48)
  chunk.writeUInt32LE(crc32(chunk.subarray(512, free)), 52)
  chunk.writeUInt32LE(crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), 124)
}

const FILETIME_EPOCH = 116444736000000000n

export const V = {
  str: (s: string): Value => ({ type: 0x01, write: (w) => w.bytes(Buffer.from(s, 'utf16le')) }),
  ansi: (s: string): Value => ({ type: 0x02, write: (w) => w.bytes(Buffer.from(s, 'latin1')) }),
  i8: (n: number): Value => ({ type: 0x03, write: (w) => w.bytes(Buffer.from([n & 0xff])) }),
  u8: (n: number): Value => ({ type: 0x04, write: (w) => w.u8(n) }),
  i16: (n: number): Value => ({ type: 0x05, write: (w) => (w.buf.writeInt16LE(n, w.pos), (w.pos += 2)) }),
  u16: (n: number): Value => ({ type: 0x06, write: (w) => w.u16(n) }),
  i32: (n: number): Value => ({ type: 0x07, write: (w) => (w.buf.writeInt32LE(n, w.pos), (w.pos += 4)) }),
  u32: (n: number): Value => ({ type: 0x08, write: (w) => w.u32(n) }),
  i64: (n: bigint): Value => ({ type: 0x09, write: (w) => (w.buf.writeBigInt64LE(n, w.pos), (w.pos += 8)) }),
  u64: (n: bigint): Value => ({ type: 0x0a, write: (w) => w.u64(n) }),
  f32: (n: number): Value => ({ type: 0x0b, write: (w) => (w.buf.writeFloatLE(n, w.pos), (w.pos += 4)) }),
  f64: (n: number): Value => ({ type: 0x0c, write: (w) => (w.buf.writeDoubleLE(n, w.pos), (w.pos += 8)) }),
  bool: (b: boolean): Value => ({ type: 0x0d, write: (w) => w.u32(b ? 1 : 0) }),
  binary: (b: Buffer): Value => ({ type: 0x0e, write: (w) => w.bytes(b) }),
  guid: (g: string): Value => ({
    type: 0x0f,
    write: (w) => {
      const h = g.replace(/[{}-]/g, '')
      const b = Buffer.from(h, 'hex')
      w.u32(b.readUInt32BE(0)).u16(b.readUInt16BE(4)).u16(b.readUInt16BE(6)).bytes(b.subarray(8))
    }
  }),
  sizeT64: (n: bigint): Value => ({ type: 0x10, write: (w) => w.u64(n) }),
  /** `iso` with up to 7 fractional digits, UTC. */
  filetime: (iso: string): Value => ({ type: 0x11, write: (w) => w.u64(isoToTicks(iso)) }),
  systemtime: (y: number, mo: number, dow: number, d: number, h: number, mi: number, s: number, ms: number): Value => ({
    type: 0x12,
    write: (w) => [y, mo, dow, d, h, mi, s, ms].forEach((n) => w.u16(n))
  }),
  sid: (sid: string): Value => ({ type: 0x13, write: (w) => w.bytes(sidBytes(sid)) }),
  hex32: (n: number): Value => ({ type: 0x14, write: (w) => w.u32(n) }),
  hex64: (n: bigint): Value => ({ type: 0x15, write: (w) => w.u64(n) }),
  strArray: (items: string[]): Value => ({ type: 0x81, write: (w) => w.bytes(Buffer.from(items.map((s) => `${s}\0`).join(''), 'utf16le')) }),
  u16Array: (items: number[]): Value => ({ type: 0x86, write: (w) => items.forEach((n) => w.u16(n)) }),
  null: (): Value => ({ type: 0x00, write: () => undefined }),
  /** A nested BinXML fragment written in place, so its inline names get the right offsets. */
  binxml: (body: (w: ChunkWriter) => void): Value => ({
    type: 0x21,
    write: (w) => {
      w.fragmentHeader()
      body(w)
      w.eof()
    }
  }),
  /** Raw bytes declared as any type (for malformed values). */
  raw: (type: number, b: Buffer): Value => ({ type, write: (w) => w.bytes(b) })
}

export function isoToTicks(iso: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z$/.exec(iso)
  if (!m) throw new Error(`bad iso ${iso}`)
  const secs = BigInt(Date.parse(`${m[1]}Z`) / 1000)
  return FILETIME_EPOCH + secs * 10_000_000n + BigInt((m[2] ?? '').padEnd(7, '0'))
}

function sidBytes(sid: string): Buffer {
  const [, rev, auth, ...subs] = sid.split('-')
  const b = Buffer.alloc(8 + 4 * subs.length)
  b[0] = Number(rev)
  b[1] = subs.length
  b.writeUIntBE(Number(auth), 2, 6)
  subs.forEach((s, i) => b.writeUInt32LE(Number(s), 8 + 4 * i))
  return b
}

/** System part of an event template: values 0..6 are Provider, EventID, SystemTime, EventRecordID, Channel, Computer, UserID. */
export function writeSystem(w: ChunkWriter): void {
  w.open('System').closeStart()
  w.open('Provider', true).attr('Name').subst(0, 0x01).closeEmpty()
  w.open('EventID').closeStart().subst(1, 0x06).end()
  w.open('TimeCreated', true).attr('SystemTime').subst(2, 0x11).closeEmpty()
  w.open('EventRecordID').closeStart().subst(3, 0x0a).end()
  w.open('Channel').closeStart().subst(4, 0x01).end()
  w.open('Computer').closeStart().subst(5, 0x01).end()
  w.open('Security', true).attr('UserID').subst(6, 0x13, true).closeEmpty()
  w.end()
}

export function systemValues(provider: string, eventId: number, time: string, recordId: number, channel: string, computer: string, userSid: string | null): Value[] {
  return [V.str(provider), V.u16(eventId), V.filetime(time), V.u64(BigInt(recordId)), V.str(channel), V.str(computer), userSid ? V.sid(userSid) : V.null()]
}

/** An <Event> whose EventData has one <Data Name=…> per named value, after the System values. */
export function writeEvent(w: ChunkWriter, key: string, dataNames: string[], values: Value[]): void {
  w.templateInstance(
    key,
    () => {
      w.open('Event', true).attr('xmlns').text('http://schemas.microsoft.com/win/2004/08/events/event').closeStart()
      writeSystem(w)
      w.open('EventData').closeStart()
      dataNames.forEach((name, i) => {
        w.open('Data', true).attr('Name').text(name).closeStart().subst(7 + i, values[7 + i]?.type ?? 0x01, true).end()
      })
      w.end()
      w.end()
    },
    values
  )
}
