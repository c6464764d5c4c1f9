// The shapes shared by archive inspection, extraction and intake: what an archive says it
// holds, our verdict on each member, and what happened when it was expanded.
import type { ArchiveLimits } from './archiveLimits'

export type ArchiveKind = 'zip' | 'gzip'

/**
 * ok: will be extracted. refused: will not be, `reason` says why. skipped-metadata: macOS
 * Finder litter (__MACOSX/, ._name), not imported unless asked. skipped-directory: folder entry.
 */
export type MemberVerdict = 'ok' | 'refused' | 'skipped-metadata' | 'skipped-directory'

export interface ArchiveMember {
  /** Position in the archive's central directory (0 for a gzip stream). */
  index: number
  /** The name as stored in the archive, decoded (CP437 or UTF-8); display only. */
  name: string
  /** The name normalised to "/"-separated segments; null when the name itself was refused. */
  path: string | null
  /** Uncompressed size the archive declares; for gzip the ISIZE trailer (size modulo 4 GiB). */
  declaredSize: number | null
  /** Compressed size the archive declares (zip), or the whole stream (gzip). */
  compressedSize: number | null
  verdict: MemberVerdict
  reason: string | null
  /** Modification time in UTC microseconds when the archive records one in UTC (zip NTFS or Unix extra fields, gzip MTIME). */
  modifiedUs: number | null
  /** The zip's MS-DOS date and time: local time of the machine that zipped it, zone unknown. */
  dosTime: string | null
}

export interface ArchiveListing {
  /** null: neither a ZIP nor a gzip file. */
  kind: ArchiveKind | null
  archiveBytes: number
  /** How many entries the archive declares. */
  entryCount: number
  members: ArchiveMember[]
  /** The whole archive is refused (not an archive, damaged directory, too many entries...). */
  refusal: string | null
  notes: string[]
}

export interface ArchiveReadOptions {
  limits?: Partial<ArchiveLimits>
  /**
   * The archive's name as the investigator knows it (evidence copies are named by hash);
   * a gzip member is named after it, minus ".gz".
   */
  archiveName?: string
  /** Import __MACOSX/ and ._name metadata too. */
  includeMetadata?: boolean
}

export interface ExtractProgress {
  memberIndex: number
  memberPath: string
  /** Real bytes written for this member so far. */
  memberBytes: number
  /** Real bytes written for all members so far, this one included. */
  totalBytes: number
}

export interface ExtractOptions extends ArchiveReadOptions {
  signal?: AbortSignal
  onProgress?: (progress: ExtractProgress) => void
}

export type ExtractedMember =
  /** `tempPath` belongs to the caller from here on: acquire it, then delete it. */
  | { member: ArchiveMember; outcome: 'extracted'; tempPath: string; size: number }
  | { member: ArchiveMember; outcome: 'refused'; reason: string }
  | { member: ArchiveMember; outcome: 'skipped'; reason: string }
