// Member names inside an archive are attacker-controlled text. We never use them as file
// system paths (members are written under random names), but they become the evidence's
// memberPath and original name, and an export or another tool may one day trust them, so
// anything that could point outside the archive or hide the real name is refused here.
import type { ArchiveLimits } from './archiveLimits'

export type MemberNameCheck =
  | { ok: true; path: string; isDirectory: boolean; segments: string[] }
  | { ok: false; reason: string }

// C0 controls and DEL; NUL gets its own message because it truncates names in C tools.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u001f\u007f]/

export function checkMemberName(name: string, limits: Pick<ArchiveLimits, 'maxPathLength' | 'maxPathDepth'>): MemberNameCheck {
  if (name.length === 0) return { ok: false, reason: 'the entry has an empty name' }
  if (name.includes('\u0000')) {
    return { ok: false, reason: 'the name contains a NUL character (tools that stop at NUL would show a different name)' }
  }
  if (CONTROL.test(name)) return { ok: false, reason: 'the name contains control characters' }
  if (name.length > limits.maxPathLength) {
    return { ok: false, reason: `the name is ${name.length} characters long; the limit is ${limits.maxPathLength}` }
  }
  if (/^[A-Za-z]:/.test(name)) return { ok: false, reason: `path traversal: "${name}" starts with a drive letter (absolute Windows path)` }
  if (name.startsWith('/') || name.startsWith('\\')) return { ok: false, reason: `path traversal: "${name}" is an absolute path` }

  // Backslash is a separator to Windows tools, so it counts as one when judging traversal.
  const isDirectory = name.endsWith('/') || name.endsWith('\\')
  const segments: string[] = []
  for (const segment of name.split(/[\\/]/)) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') return { ok: false, reason: `path traversal: "${name}" contains a ".." segment` }
    // Windows drops trailing dots and spaces, so "... " or ".. " can resolve to "..".
    if (/^[. ]+$/.test(segment)) {
      return { ok: false, reason: `path traversal: "${name}" has a segment of only dots and spaces, which Windows reads as "." or ".."` }
    }
    segments.push(segment)
  }
  if (segments.length === 0) return { ok: false, reason: `the name "${name}" names no file` }
  if (segments.length > limits.maxPathDepth) {
    return { ok: false, reason: `the path is ${segments.length} folders deep; the limit is ${limits.maxPathDepth}` }
  }
  return { ok: true, path: segments.join('/'), isDirectory, segments }
}

/** macOS Finder metadata: __MACOSX/ folders and AppleDouble "._name" resource forks. */
export function isMacMetadata(segments: readonly string[]): boolean {
  return segments[0] === '__MACOSX' || (segments[segments.length - 1] ?? '').startsWith('._')
}

/**
 * Key under which two names collide on a case-insensitive file system (Windows, macOS),
 * including names that differ only in Unicode normalisation (macOS stores NFD).
 */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toLowerCase()
}
