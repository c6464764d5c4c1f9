// A small streaming ZIP writer (stored entries, ZIP64 when needed). No ZIP writer is
// installed (no archiver, yazl or similar; yauzl only reads), and the bag needs little:
// entries are stored, not deflated — originals must come out byte for byte, video does not
// compress, and storing keeps the export as fast as a copy. Entry data is written at
// known positions; the CRC-32 and sizes are patched into the local header afterwards, so
// no data descriptors are needed and any unzip, 7-Zip or Explorer reads the result.
import { open, type FileHandle } from 'node:fs/promises'
import { crc32 } from 'node:zlib'

const LOCAL_SIG = 0x04034b50
const CENTRAL_SIG = 0x02014b50
const EOCD_SIG = 0x06054b50
const ZIP64_EOCD_SIG = 0x06064b50
const ZIP64_LOCATOR_SIG = 0x07064b50
const MAX32 = 0xffffffff
const MAX16 = 0xffff
const UTF8_FLAG = 0x0800
const VERSION_MADE_BY = (3 << 8) | 45 // Unix, spec 4.5
const S_IFREG = 0o100000
const S_IFDIR = 0o040000

interface CentralRecord {
  name: Buffer
  flags: number
  crc: number
  size: number
  offset: number
  externalAttributes: number
  dosTime: number
  dosDate: number
  zip64Sizes: boolean
}

export interface ZipEntryOptions {
  /** Unix permission bits (default 0644). */
  mode?: number
  mtime?: Date
  /** The size when known in advance; unknown sizes get ZIP64 fields in the local header. */
  size?: number
}

export interface ZipEntryWriter {
  /** Writes buf[0, length); resolves when buf may be reused. Calls may overlap. */
  write(buf: Buffer, length: number): Promise<void>
  close(): Promise<void>
}

export class ZipWriter {
  private offset = 0
  private readonly records: CentralRecord[] = []
  private open = false
  private readonly inflight = new Set<Promise<void>>()

  private constructor(
    private readonly fh: FileHandle,
    private readonly forceZip64: boolean
  ) {}

  /** Creates the file (it must not exist). forceZip64 writes ZIP64 records even for small archives (tests). */
  static async create(path: string, options: { forceZip64?: boolean } = {}): Promise<ZipWriter> {
    return new ZipWriter(await open(path, 'wx', 0o644), options.forceZip64 ?? false)
  }

  get bytesWritten(): number {
    return this.offset
  }

  async addDirectory(name: string, mtime = new Date()): Promise<void> {
    const entry = await this.openEntry(name.endsWith('/') ? name : `${name}/`, { mode: 0o755, mtime, size: 0 }, true)
    await entry.close()
  }

  async addBuffer(name: string, data: Buffer, options: Omit<ZipEntryOptions, 'size'> = {}): Promise<void> {
    const entry = await this.openEntry(name, { ...options, size: data.length })
    await entry.write(data, data.length)
    await entry.close()
  }

  async openEntry(name: string, options: ZipEntryOptions = {}, isDir = false): Promise<ZipEntryWriter> {
    if (this.open) throw new Error('ZipWriter: the previous entry is still open.')
    this.open = true
    const nameBuf = Buffer.from(name, 'utf8')
    const flags = /^[\x20-\x7e]*$/.test(name) ? 0 : UTF8_FLAG
    const { time, date } = dosDateTime(options.mtime ?? new Date())
    const zip64 = this.forceZip64 || options.size === undefined || options.size >= MAX32
    const headerOffset = this.offset
    const header = Buffer.alloc(30 + nameBuf.length + (zip64 ? 20 : 0))
    header.writeUInt32LE(LOCAL_SIG, 0)
    header.writeUInt16LE(zip64 ? 45 : 20, 4)
    header.writeUInt16LE(flags, 6)
    header.writeUInt16LE(0, 8) // stored
    header.writeUInt16LE(time, 10)
    header.writeUInt16LE(date, 12)
    header.writeUInt32LE(0, 14) // CRC-32, patched on close
    header.writeUInt32LE(zip64 ? MAX32 : options.size!, 18)
    header.writeUInt32LE(zip64 ? MAX32 : options.size!, 22)
    header.writeUInt16LE(nameBuf.length, 26)
    header.writeUInt16LE(zip64 ? 20 : 0, 28)
    nameBuf.copy(header, 30)
    if (zip64) {
      header.writeUInt16LE(0x0001, 30 + nameBuf.length)
      header.writeUInt16LE(16, 32 + nameBuf.length)
    }
    await writeFully(this.fh, header, header.length, headerOffset)
    const dataStart = headerOffset + header.length
    let position = 0
    let crc = 0
    const pending: Promise<void>[] = []
    const track = (p: Promise<void>): Promise<void> => {
      this.inflight.add(p)
      void p.then(
        () => this.inflight.delete(p),
        () => this.inflight.delete(p)
      )
      return p
    }
    return {
      write: (buf, length) => {
        if (length === 0) return Promise.resolve()
        const at = dataStart + position
        position += length
        if (!zip64 && position >= MAX32) return Promise.reject(new Error(`ZipWriter: ${name} grew past the size declared for it.`))
        crc = crc32(buf.subarray(0, length), crc)
        const p = track(writeFully(this.fh, buf, length, at))
        pending.push(p)
        return p
      },
      close: async () => {
        await Promise.all(pending)
        const patch = Buffer.alloc(zip64 ? 20 : 12)
        if (zip64) {
          patch.writeUInt32LE(crc >>> 0, 0)
          await writeFully(this.fh, patch, 4, headerOffset + 14)
          patch.writeBigUInt64LE(BigInt(position), 4)
          patch.writeBigUInt64LE(BigInt(position), 12)
          await writeFully(this.fh, patch.subarray(4), 16, headerOffset + 30 + nameBuf.length + 4)
        } else {
          patch.writeUInt32LE(crc >>> 0, 0)
          patch.writeUInt32LE(position, 4)
          patch.writeUInt32LE(position, 8)
          await writeFully(this.fh, patch, 12, headerOffset + 14)
        }
        const perm = (options.mode ?? (isDir ? 0o755 : 0o644)) & 0o7777
        this.records.push({
          name: nameBuf,
          flags,
          crc: crc >>> 0,
          size: position,
          offset: headerOffset,
          externalAttributes: ((((isDir ? S_IFDIR : S_IFREG) | perm) << 16) | (isDir ? 0x10 : 0)) >>> 0,
          dosTime: time,
          dosDate: date,
          zip64Sizes: zip64
        })
        this.offset = dataStart + position
        this.open = false
      }
    }
  }

  /** Writes the central directory and end records and closes the file. */
  async finish(): Promise<{ bytes: number; entries: number }> {
    if (this.open) throw new Error('ZipWriter: an entry is still open.')
    const cdStart = this.offset
    let at = cdStart
    let batch: Buffer[] = []
    let batchBytes = 0
    const flush = async (): Promise<void> => {
      if (batchBytes === 0) return
      const buf = Buffer.concat(batch)
      await writeFully(this.fh, buf, buf.length, at)
      at += buf.length
      batch = []
      batchBytes = 0
    }
    for (const r of this.records) {
      const bigSizes = r.zip64Sizes || r.size >= MAX32
      const bigOffset = this.forceZip64 || r.offset >= MAX32
      const extraLen = bigSizes || bigOffset ? 4 + (bigSizes ? 16 : 0) + (bigOffset ? 8 : 0) : 0
      const h = Buffer.alloc(46 + r.name.length + extraLen)
      h.writeUInt32LE(CENTRAL_SIG, 0)
      h.writeUInt16LE(VERSION_MADE_BY, 4)
      h.writeUInt16LE(extraLen > 0 ? 45 : 20, 6)
      h.writeUInt16LE(r.flags, 8)
      h.writeUInt16LE(0, 10)
      h.writeUInt16LE(r.dosTime, 12)
      h.writeUInt16LE(r.dosDate, 14)
      h.writeUInt32LE(r.crc, 16)
      h.writeUInt32LE(bigSizes ? MAX32 : r.size, 20)
      h.writeUInt32LE(bigSizes ? MAX32 : r.size, 24)
      h.writeUInt16LE(r.name.length, 28)
      h.writeUInt16LE(extraLen, 30)
      h.writeUInt16LE(0, 32) // comment
      h.writeUInt16LE(0, 34) // disk
      h.writeUInt16LE(0, 36) // internal attributes
      h.writeUInt32LE(r.externalAttributes, 38)
      h.writeUInt32LE(bigOffset ? MAX32 : r.offset, 42)
      r.name.copy(h, 46)
      if (extraLen > 0) {
        let p = 46 + r.name.length
        h.writeUInt16LE(0x0001, p)
        h.writeUInt16LE(extraLen - 4, p + 2)
        p += 4
        if (bigSizes) {
          h.writeBigUInt64LE(BigInt(r.size), p)
          h.writeBigUInt64LE(BigInt(r.size), p + 8)
          p += 16
        }
        if (bigOffset) h.writeBigUInt64LE(BigInt(r.offset), p)
      }
      batch.push(h)
      batchBytes += h.length
      if (batchBytes >= 1 << 20) await flush()
    }
    await flush()
    const cdSize = at - cdStart
    const count = this.records.length
    const zip64 = this.forceZip64 || count >= MAX16 || cdStart >= MAX32 || cdSize >= MAX32
    const tail: Buffer[] = []
    if (zip64) {
      const rec = Buffer.alloc(56)
      rec.writeUInt32LE(ZIP64_EOCD_SIG, 0)
      rec.writeBigUInt64LE(44n, 4)
      rec.writeUInt16LE(VERSION_MADE_BY, 12)
      rec.writeUInt16LE(45, 14)
      rec.writeUInt32LE(0, 16)
      rec.writeUInt32LE(0, 20)
      rec.writeBigUInt64LE(BigInt(count), 24)
      rec.writeBigUInt64LE(BigInt(count), 32)
      rec.writeBigUInt64LE(BigInt(cdSize), 40)
      rec.writeBigUInt64LE(BigInt(cdStart), 48)
      const loc = Buffer.alloc(20)
      loc.writeUInt32LE(ZIP64_LOCATOR_SIG, 0)
      loc.writeUInt32LE(0, 4)
      loc.writeBigUInt64LE(BigInt(at), 8)
      loc.writeUInt32LE(1, 16)
      tail.push(rec, loc)
    }
    const end = Buffer.alloc(22)
    end.writeUInt32LE(EOCD_SIG, 0)
    end.writeUInt16LE(zip64 ? MAX16 : count, 8)
    end.writeUInt16LE(zip64 ? MAX16 : count, 10)
    end.writeUInt32LE(zip64 ? MAX32 : cdSize, 12)
    end.writeUInt32LE(zip64 ? MAX32 : cdStart, 16)
    tail.push(end)
    const t = Buffer.concat(tail)
    await writeFully(this.fh, t, t.length, at)
    await this.fh.close()
    return { bytes: at + t.length, entries: count }
  }

  /** Stops: waits for writes in flight, then closes the file. The caller removes it. */
  async abort(): Promise<void> {
    await Promise.allSettled([...this.inflight])
    await this.fh.close().catch(() => undefined)
  }
}

function dosDateTime(d: Date): { time: number; date: number } {
  // DOS time has no zone; like zip(1) we write the local wall clock.
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107)
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate()
  }
}

export async function writeFully(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0
  while (done < length) {
    const { bytesWritten } = await fh.write(buf, done, length - done, position + done)
    done += bytesWritten
  }
}
