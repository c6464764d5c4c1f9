// What is inside an archive, decided before anything is extracted: the kind (by magic
// bytes, never by extension), every member with its declared sizes, and a verdict per
// member. extractMembers applies the same verdicts, then checks the real bytes again.
import { open, stat } from 'node:fs/promises'
import { resolveArchiveLimits, type ArchiveLimits } from './archiveLimits'
import type { ArchiveKind, ArchiveListing, ArchiveMember, ArchiveReadOptions } from './archiveTypes'
import { gzipMemberName, readGzipHeader } from './gzipHeader'
import { checkMemberName } from './memberName'
import { readZipCatalogue } from './zipCatalogue'

/** ZIP local header, empty ZIP (end of central directory only), gzip. */
export async function detectArchiveKind(path: string): Promise<ArchiveKind | null> {
  const fh = await open(path, 'r')
  try {
    const b = Buffer.alloc(4)
    const { bytesRead } = await fh.read(b, 0, 4, 0)
    return kindFromMagic(b.subarray(0, bytesRead))
  } finally {
    await fh.close()
  }
}

export function kindFromMagic(b: Buffer): ArchiveKind | null {
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6))) return 'zip'
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip'
  return null
}

export async function inspectArchive(path: string, options: ArchiveReadOptions = {}): Promise<ArchiveListing> {
  const limits = resolveArchiveLimits(options.limits)
  const info = await stat(path)
  const base: ArchiveListing = { kind: null, archiveBytes: info.size, entryCount: 0, members: [], refusal: null, notes: [] }
  if (!info.isFile()) return { ...base, refusal: 'not a regular file' }
  const kind = await detectArchiveKind(path)
  if (kind === 'zip') {
    const catalogue = await readZipCatalogue(path, info.size, limits, options.includeMetadata ?? false)
    catalogue.zipfile?.close()
    return { ...base, kind, entryCount: catalogue.entryCount, members: catalogue.members, refusal: catalogue.refusal, notes: catalogue.notes }
  }
  if (kind === 'gzip') return inspectGzip(path, info.size, limits, options)
  return { ...base, refusal: 'not a ZIP or gzip archive (its first bytes are neither PK\\x03\\x04, PK\\x05\\x06 nor 1f 8b)' }
}

/** A gzip file is one member: its budget checks mirror a ZIP entry's. */
export async function inspectGzip(path: string, archiveBytes: number, limits: ArchiveLimits, options: ArchiveReadOptions): Promise<ArchiveListing> {
  const base: ArchiveListing = { kind: 'gzip', archiveBytes, entryCount: 1, members: [], refusal: null, notes: [] }
  const header = await readGzipHeader(path, archiveBytes)
  if (!header.ok) return { ...base, refusal: header.reason }
  const name = gzipMemberName(options.archiveName, header.header.storedName)
  const member: ArchiveMember = {
    index: 0,
    name,
    path: null,
    declaredSize: header.header.isize,
    compressedSize: archiveBytes,
    verdict: 'ok',
    reason: null,
    modifiedUs: header.header.modifiedUs,
    dosTime: null
  }
  const notes = ['gzip declares its size only modulo 4 GiB (ISIZE), so the real size is known after decompression']
  if (header.header.storedName !== null && header.header.storedName !== name) notes.push(`the gzip header stores the name "${header.header.storedName}"`)
  const checked = checkMemberName(name, limits)
  if (!checked.ok) return { ...base, notes, members: [{ ...member, verdict: 'refused', reason: checked.reason }] }
  member.path = checked.path
  // ISIZE is modulo 4 GiB and garbage in a truncated file, so it refuses nothing: the real
  // bytes are held to the member, ratio and total limits while decompressing.
  return { ...base, notes, members: [member] }
}
