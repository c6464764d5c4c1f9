// Limits for expanding archives. Every archive is untrusted: its headers may lie about
// names, sizes and types, so each limit is checked twice, against what the archive
// declares (before anything is written) and against the real bytes while inflating.
export interface ArchiveLimits {
  /** Most entries one archive may hold; more is refused before any entry is read. */
  maxEntries: number
  /** Most bytes all members of one archive may expand to, together. */
  maxTotalBytes: number
  /** Most bytes a single member may expand to. */
  maxMemberBytes: number
  /** Highest expansion ratio (uncompressed : compressed) for a member and for the whole archive... */
  maxRatio: number
  /** ...once its output passes this many bytes (small files of zeros compress absurdly well). */
  ratioThresholdBytes: number
  /** Longest member path, in characters. */
  maxPathLength: number
  /** Most folder levels in a member path. */
  maxPathDepth: number
}

const MiB = 1024 * 1024
const GiB = 1024 * MiB

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  // Log bundles and SD-card dumps hold hundreds to a few thousand files.
  maxEntries: 10_000,
  // A big CloudTrail or NVR export; the case folder must hold it twice while it is acquired.
  maxTotalBytes: 20 * GiB,
  // Larger than any single log or footage file we expect; a zip64 member can claim exabytes.
  maxMemberBytes: 8 * GiB,
  // Text logs deflate 5-30:1, padded binary indexes about 75:1 (the Hikvision sample);
  // classic zip bombs are 1000:1 and more.
  maxRatio: 200,
  ratioThresholdBytes: 1 * MiB,
  // Windows' long-path limit and far deeper than any real export.
  maxPathLength: 1024,
  maxPathDepth: 32
})

/** The defaults with the caller's overrides; rejects nonsense so a typo cannot disable a limit. */
export function resolveArchiveLimits(overrides: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...overrides }
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`Archive limit ${key} must be a positive number, not ${String(value)}.`)
    }
  }
  return limits
}

/** Human-readable byte count for refusal reasons. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`
  if (n < MiB) return `${(n / 1024).toFixed(1)} KiB`
  if (n < GiB) return `${(n / MiB).toFixed(1)} MiB`
  return `${(n / GiB).toFixed(2)} GiB`
}
