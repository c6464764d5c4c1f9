// Reads a ZIP's central directory with yauzl and judges every entry before a byte of
// member data is inflated. yauzl runs with decodeStrings off (its own name check would
// abort the whole listing at the first hostile name; we want a verdict per member) and
// with validateEntrySizes off (we count real bytes ourselves while extracting).
import yauzl, { type Entry, type ZipFile } from 'yauzl'
import { formatBytes, type ArchiveLimits } from './archiveLimits'
import type { ArchiveMember } from './archiveTypes'
import { checkMemberName, collisionKey, isMacMetadata } from './memberName'

export interface ZipCatalogue {
  /** Open (autoClose off): the caller closes it. null when the archive was refused outright. */
  zipfile: ZipFile | null
  /** entries[i] is the central-directory entry of members[i]. */
  entries: Entry[]
  members: ArchiveMember[]
  entryCount: number
  refusal: string | null
  notes: string[]
}

const COMPRESSION_NAMES: Record<number, string> = {
  1: 'Shrink',
  6: 'Implode',
  9: 'Deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'XZ',
  98: 'PPMd',
  99: 'AES encryption'
}

const S_IFMT = 0o170000
const UNIX_TYPES: Record<number, string> = {
  0o120000: 'a symbolic link',
  0o140000: 'a socket',
  0o060000: 'a block device',
  0o020000: 'a character device',
  0o010000: 'a named pipe (FIFO)'
}

export async function readZipCatalogue(path: string, archiveBytes: number, limits: ArchiveLimits, includeMetadata: boolean): Promise<ZipCatalogue> {
  const result: ZipCatalogue = { zipfile: null, entries: [], members: [], entryCount: 0, refusal: null, notes: [] }
  let zipfile: ZipFile
  try {
    zipfile = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false })
  } catch (err) {
    result.refusal = `the ZIP structure could not be read: ${(err as Error).message}`
    return result
  }
  result.entryCount = zipfile.entryCount
  if (zipfile.entryCount > limits.maxEntries) {
    zipfile.close()
    result.refusal = `too many entries: the archive declares ${zipfile.entryCount}; the limit is ${limits.maxEntries}`
    return result
  }
  try {
    let index = 0
    for await (const entry of zipfile.eachEntry()) {
      result.entries.push(entry)
      result.members.push(judgeEntry(entry, index++, limits, includeMetadata))
    }
  } catch (err) {
    zipfile.close()
    result.entries = []
    result.members = []
    result.refusal = `the ZIP central directory is damaged: ${(err as Error).message}`
    return result
  }
  refuseOverlaps(result.entries, result.members)
  refuseCollisions(result.members)
  applyTotalBudget(result.members, archiveBytes, limits, result)
  result.zipfile = zipfile
  return result
}

function judgeEntry(entry: Entry, index: number, limits: ArchiveLimits, includeMetadata: boolean): ArchiveMember {
  // strictFileNames keeps backslashes so that the name check sees them.
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true)
  const member: ArchiveMember = {
    index,
    name,
    path: null,
    declaredSize: entry.uncompressedSize,
    compressedSize: entry.compressedSize,
    verdict: 'ok',
    reason: null,
    modifiedUs: utcModified(entry),
    dosTime: dosTime(entry.lastModFileDate, entry.lastModFileTime)
  }
  const refuse = (reason: string): ArchiveMember => ({ ...member, verdict: 'refused', reason })

  const checked = checkMemberName(name, limits)
  if (!checked.ok) return refuse(checked.reason)
  member.path = checked.path

  const unixType = (entry.externalFileAttributes >>> 16) & S_IFMT
  const dosAttributes = entry.externalFileAttributes & 0xffff
  const isDirectory = checked.isDirectory || unixType === 0o040000 || ((entry.versionMadeBy >> 8) === 0 && (dosAttributes & 0x10) !== 0)
  if (isDirectory) {
    if (entry.uncompressedSize > 0 || entry.compressedSize > 2) return refuse('a folder entry that carries data (data hidden behind a folder name)')
    return { ...member, verdict: 'skipped-directory', reason: 'folder entry' }
  }
  if (isMacMetadata(checked.segments) && !includeMetadata) {
    return { ...member, verdict: 'skipped-metadata', reason: 'macOS Finder metadata (__MACOSX/ or ._ resource fork), not imported' }
  }
  const special = UNIX_TYPES[unixType]
  if (special) return refuse(`not a regular file: the entry is ${special}`)
  if (unixType !== 0 && unixType !== 0o100000) return refuse(`not a regular file (Unix file type 0o${unixType.toString(8)})`)
  if ((dosAttributes & 0x400) !== 0 && (entry.versionMadeBy >> 8) === 0) return refuse('not a regular file: the entry is a Windows reparse point (link)')

  if ((entry.generalPurposeBitFlag & 0x1) !== 0 || entry.compressionMethod === 99) {
    return refuse('the entry is encrypted (password-protected); extract it with the password outside the workbench and acquire the result')
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    const label = COMPRESSION_NAMES[entry.compressionMethod]
    return refuse(`unsupported compression method ${entry.compressionMethod}${label ? ` (${label})` : ''}`)
  }
  if (entry.compressionMethod === 0 && entry.compressedSize !== entry.uncompressedSize) {
    return refuse(`the stored (uncompressed) entry declares ${entry.compressedSize} bytes of data but a size of ${entry.uncompressedSize}`)
  }
  if (entry.uncompressedSize > limits.maxMemberBytes) {
    return refuse(`the entry declares ${formatBytes(entry.uncompressedSize)}; the limit for one member is ${formatBytes(limits.maxMemberBytes)}`)
  }
  if (entry.uncompressedSize > limits.ratioThresholdBytes) {
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize)
    if (ratio > limits.maxRatio) {
      return refuse(
        `the entry declares a compression ratio of ${Math.round(ratio)}:1 (${formatBytes(entry.uncompressedSize)} from ${formatBytes(entry.compressedSize)}); ` +
          `the limit is ${limits.maxRatio}:1 (a zip-bomb trait)`
      )
    }
  }
  return member
}

/**
 * Entries whose data ranges overlap are how non-recursive zip bombs reuse one compressed
 * stream thousands of times; an honest archiver never writes them.
 */
function refuseOverlaps(entries: Entry[], members: ArchiveMember[]): void {
  const order = entries
    .map((entry, i) => ({ i, start: entry.relativeOffsetOfLocalHeader, end: entry.relativeOffsetOfLocalHeader + 30 + entry.compressedSize }))
    .filter(({ i }) => members[i]!.verdict !== 'skipped-directory')
    .sort((a, b) => a.start - b.start)
  let reach = -1
  let reachIndex = -1
  for (const r of order) {
    if (r.start < reach) {
      for (const i of [r.i, reachIndex]) {
        const m = members[i]!
        if (m.verdict === 'ok' || m.verdict === 'skipped-metadata') {
          members[i] = { ...m, verdict: 'refused', reason: `the entry's data overlaps another entry's (#${i === r.i ? reachIndex : r.i}); overlapping entries are a zip-bomb technique` }
        }
      }
    }
    if (r.end > reach) {
      reach = r.end
      reachIndex = r.i
    }
  }
}

/** Same name twice, or names that differ only by case or Unicode normalisation: which one is "the" file depends on the tool. */
function refuseCollisions(members: ArchiveMember[]): void {
  const exact = new Map<string, number[]>()
  const folded = new Map<string, number[]>()
  members.forEach((m, i) => {
    if (m.path === null || m.verdict === 'skipped-directory') return
    exact.set(m.path, [...(exact.get(m.path) ?? []), i])
    const key = collisionKey(m.path)
    folded.set(key, [...(folded.get(key) ?? []), i])
  })
  for (const group of exact.values()) {
    if (group.length < 2) continue
    for (const i of group) {
      const m = members[i]!
      members[i] = { ...m, verdict: 'refused', reason: `duplicate name: ${group.length} entries are named "${m.path}" (entries ${group.map((g) => `#${g}`).join(', ')})` }
    }
  }
  for (const group of folded.values()) {
    const names = new Set(group.map((i) => members[i]!.path))
    if (names.size < 2) continue
    for (const i of group) {
      const m = members[i]!
      if (m.reason?.startsWith('duplicate name')) continue
      members[i] = {
        ...m,
        verdict: 'refused',
        reason: `names that differ only by case collide on Windows and macOS: ${[...names].map((n) => `"${n}"`).join(', ')}`
      }
    }
  }
}

function applyTotalBudget(members: ArchiveMember[], archiveBytes: number, limits: ArchiveLimits, result: ZipCatalogue): void {
  let total = 0
  members.forEach((m, i) => {
    if (m.verdict !== 'ok') return
    const size = m.declaredSize ?? 0
    if (total + size > limits.maxTotalBytes) {
      members[i] = { ...m, verdict: 'refused', reason: `extracting it would take the archive past its total budget of ${formatBytes(limits.maxTotalBytes)}` }
      return
    }
    total += size
  })
  if (total > limits.ratioThresholdBytes && total / Math.max(1, archiveBytes) > limits.maxRatio) {
    result.refusal =
      `the archive declares ${formatBytes(total)} of members in ${formatBytes(archiveBytes)}, a ratio of ${Math.round(total / Math.max(1, archiveBytes))}:1; ` +
      `the limit is ${limits.maxRatio}:1 (a zip-bomb trait)`
  }
}

/** UTC modification time from the NTFS (0x000a) or extended-timestamp (0x5455) extra field. */
function utcModified(entry: Entry): number | null {
  for (const field of entry.extraFields) {
    if (field.id === 0x000a && field.data.length >= 32 && field.data.readUInt16LE(4) === 1 && field.data.readUInt16LE(6) >= 24) {
      const filetime = field.data.readBigUInt64LE(8)
      if (filetime === 0n) continue
      return Number(filetime / 10n - 11_644_473_600_000_000n)
    }
  }
  for (const field of entry.extraFields) {
    if (field.id === 0x5455 && field.data.length >= 5 && (field.data.readUInt8(0) & 1) !== 0) {
      return field.data.readInt32LE(1) * 1_000_000
    }
  }
  return null
}

function dosTime(date: number, time: number): string | null {
  if (date === 0) return null
  const pad = (n: number) => String(n).padStart(2, '0')
  const y = 1980 + (date >> 9)
  const mo = (date >> 5) & 0xf
  const d = date & 0x1f
  const h = time >> 11
  const mi = (time >> 5) & 0x3f
  const s = (time & 0x1f) * 2
  return `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`
}
