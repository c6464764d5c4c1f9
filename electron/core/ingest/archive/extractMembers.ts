// Streams the accepted members of a ZIP or gzip archive into files with random names in a
// folder of ours. Member names never become paths. Real bytes are counted while inflating
// and a member is abandoned (its partial file deleted) the moment it passes its declared
// size, its ratio, the member limit or the archive's total budget: headers can lie, and a
// lying archive must not be able to fill the disk.
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { crc32, createGunzip } from 'node:zlib'
import type { Entry, ZipFile } from 'yauzl'
import { CancelledError, throwIfCancelled } from '../../util/fileHash'
import { formatBytes, resolveArchiveLimits, type ArchiveLimits } from './archiveLimits'
import type { ArchiveMember, ExtractedMember, ExtractOptions } from './archiveTypes'
import { detectArchiveKind, inspectGzip } from './inspectArchive'
import { readZipCatalogue } from './zipCatalogue'

/** The archive as a whole cannot be expanded (not an archive, damaged directory, too many entries...). */
export class ArchiveRefusedError extends Error {
  constructor(readonly reason: string) {
    super(`Archive refused: ${reason}`)
    this.name = 'ArchiveRefusedError'
  }
}

interface Cap {
  bytes: number
  reason: string
}

/** Real bytes written so far across the archive, and the progress callback. */
class Budget {
  total = 0
  constructor(
    readonly limits: ArchiveLimits,
    readonly archiveBytes: number,
    readonly onProgress: ExtractOptions['onProgress']
  ) {}

  /** Every limit that applies to the next member, as bytes it may still write. */
  capsFor(member: ArchiveMember, declaredIsBinding: boolean): Cap[] {
    const { limits } = this
    const caps: Cap[] = [
      { bytes: limits.maxMemberBytes, reason: `it inflates past the ${formatBytes(limits.maxMemberBytes)} limit for one member` },
      { bytes: limits.maxTotalBytes - this.total, reason: `it takes the archive past its total budget of ${formatBytes(limits.maxTotalBytes)}` },
      {
        bytes: Math.max(limits.ratioThresholdBytes, limits.maxRatio * this.archiveBytes) - this.total,
        reason: `the archive as a whole inflates beyond ${limits.maxRatio}:1 of its ${formatBytes(this.archiveBytes)} (a decompression-bomb trait)`
      }
    ]
    if (member.compressedSize !== null) {
      caps.push({
        bytes: Math.max(limits.ratioThresholdBytes, limits.maxRatio * member.compressedSize),
        reason: `it inflates beyond ${limits.maxRatio}:1 of its ${formatBytes(member.compressedSize)} of compressed data (a decompression-bomb trait)`
      })
    }
    if (declaredIsBinding && member.declaredSize !== null) {
      caps.push({
        bytes: member.declaredSize,
        reason: `it inflates to more than the ${member.declaredSize} bytes its header declares (the archive lies about its size)`
      })
    }
    return caps
  }
}

export async function* extractMembers(path: string, destDir: string, options: ExtractOptions = {}): AsyncGenerator<ExtractedMember> {
  const limits = resolveArchiveLimits(options.limits)
  throwIfCancelled(options.signal)
  const info = await stat(path)
  if (!info.isFile()) throw new ArchiveRefusedError('not a regular file')
  await mkdir(destDir, { recursive: true })
  const budget = new Budget(limits, info.size, options.onProgress)
  const kind = await detectArchiveKind(path)

  if (kind === 'gzip') {
    const listing = await inspectGzip(path, info.size, limits, options)
    if (listing.refusal !== null) throw new ArchiveRefusedError(listing.refusal)
    const member = listing.members[0]!
    if (member.verdict !== 'ok') {
      yield { member, outcome: 'refused', reason: member.reason ?? 'refused' }
      return
    }
    const source = createReadStream(path)
    const gunzip = createGunzip()
    source.on('error', (err) => gunzip.destroy(err))
    source.pipe(gunzip)
    try {
      const written = await writeMember(gunzip, member, destDir, budget.capsFor(member, false), budget, options.signal)
      if (!written.ok) {
        yield { member, outcome: 'refused', reason: written.reason }
        return
      }
      budget.total += written.size
      yield { member, outcome: 'extracted', tempPath: written.tempPath, size: written.size }
    } finally {
      source.destroy()
      gunzip.destroy()
    }
    return
  }

  if (kind !== 'zip') throw new ArchiveRefusedError('not a ZIP or gzip archive')
  const catalogue = await readZipCatalogue(path, info.size, limits, options.includeMetadata ?? false)
  if (catalogue.refusal !== null || catalogue.zipfile === null) {
    catalogue.zipfile?.close()
    throw new ArchiveRefusedError(catalogue.refusal ?? 'the ZIP could not be opened')
  }
  const zipfile = catalogue.zipfile
  try {
    for (let i = 0; i < catalogue.members.length; i++) {
      throwIfCancelled(options.signal)
      const member = catalogue.members[i]!
      if (member.verdict === 'skipped-directory' || member.verdict === 'skipped-metadata') {
        yield { member, outcome: 'skipped', reason: member.reason ?? member.verdict }
        continue
      }
      if (member.verdict === 'refused') {
        yield { member, outcome: 'refused', reason: member.reason ?? 'refused' }
        continue
      }
      const written = await extractZipEntry(zipfile, catalogue.entries[i]!, member, destDir, budget, options.signal)
      if (!written.ok) {
        yield { member, outcome: 'refused', reason: written.reason }
        continue
      }
      budget.total += written.size
      yield { member, outcome: 'extracted', tempPath: written.tempPath, size: written.size }
    }
  } finally {
    zipfile.close()
  }
}

type Written = { ok: true; tempPath: string; size: number; crc: number } | { ok: false; reason: string }

async function extractZipEntry(zipfile: ZipFile, entry: Entry, member: ArchiveMember, destDir: string, budget: Budget, signal?: AbortSignal): Promise<Written> {
  let stream: Readable
  try {
    // A local header that disagrees with the central directory shows a different file to
    // tools that read the archive front to back.
    const local = await zipfile.readLocalFileHeaderPromise(entry)
    if (!local.fileName.equals(entry.fileNameRaw)) {
      return { ok: false, reason: 'the local header names a different file than the central directory (a parser-confusion trick)' }
    }
    if (local.compressionMethod !== entry.compressionMethod || (local.generalPurposeBitFlag & 1) !== 0) {
      return { ok: false, reason: 'the local header disagrees with the central directory about compression or encryption' }
    }
    stream = await zipfile.openReadStreamPromise(entry)
  } catch (err) {
    return { ok: false, reason: `the entry's data cannot be read: ${(err as Error).message}` }
  }
  const written = await writeMember(stream, member, destDir, budget.capsFor(member, true), budget, signal)
  if (!written.ok) return written
  const problem =
    written.size !== entry.uncompressedSize
      ? `the entry holds ${written.size} bytes but its header declares ${entry.uncompressedSize}: the archive is damaged or was altered`
      : written.crc !== entry.crc32
        ? `CRC-32 mismatch (stored ${hex(entry.crc32)}, computed ${hex(written.crc)}): the data is damaged or was altered`
        : null
  if (problem) {
    await unlink(written.tempPath).catch(() => undefined)
    return { ok: false, reason: problem }
  }
  return written
}

/** Writes one member's inflated bytes under a random name, enforcing every cap on the real byte count. */
async function writeMember(source: Readable, member: ArchiveMember, destDir: string, caps: Cap[], budget: Budget, signal?: AbortSignal): Promise<Written> {
  const cap = caps.reduce((a, b) => (b.bytes < a.bytes ? b : a))
  const tempPath = join(destDir, `${randomBytes(12).toString('hex')}.member`)
  let out: FileHandle | null = await open(tempPath, 'wx', 0o600)
  let size = 0
  let crc = 0
  let keep = false
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      throwIfCancelled(signal)
      if (size + chunk.length > cap.bytes) {
        source.destroy()
        return { ok: false, reason: `extraction stopped after ${formatBytes(size)}: ${cap.reason}` }
      }
      await writeAll(out, chunk)
      crc = crc32(chunk, crc)
      size += chunk.length
      budget.onProgress?.({ memberIndex: member.index, memberPath: member.path ?? member.name, memberBytes: size, totalBytes: budget.total + size })
    }
    await out.close()
    out = null
    keep = true
    return { ok: true, tempPath, size, crc }
  } catch (err) {
    if (err instanceof CancelledError) throw err
    return { ok: false, reason: describeStreamError(err as NodeJS.ErrnoException, size) }
  } finally {
    source.destroy()
    if (out) await out.close().catch(() => undefined)
    if (!keep) await unlink(tempPath).catch(() => undefined)
  }
}

async function writeAll(out: FileHandle, chunk: Buffer): Promise<void> {
  let done = 0
  while (done < chunk.length) {
    const { bytesWritten } = await out.write(chunk, done, chunk.length - done)
    done += bytesWritten
  }
}

function describeStreamError(err: NodeJS.ErrnoException, bytes: number): string {
  const after = `after ${formatBytes(bytes)} of output`
  if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) {
    return `the compressed data is truncated: it ends before the stream is complete (${after})`
  }
  if (err.code === 'Z_DATA_ERROR' && /incorrect header check/i.test(err.message) && bytes > 0) {
    return `the data after the end of the compressed stream is not a valid gzip member (${after})`
  }
  if (err.code?.startsWith('Z_')) return `the compressed data is damaged: ${err.message} (${after})`
  return `extraction failed: ${err.message} (${after})`
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0')
}
