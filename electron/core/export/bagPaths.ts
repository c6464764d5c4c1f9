// Names inside a bag. Payload names are restricted to [A-Za-z0-9._-] so that every
// manifest line is plain ASCII that sha256sum, unzip and any file system accept
// unchanged; the original names live in the metadata (case.jsonld, export.json, report).

const UNSAFE = /[^A-Za-z0-9._-]+/g

/** A file name made only of [A-Za-z0-9._-], never empty, never starting with a dot. */
export function safeFileName(name: string, maxLength = 100): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // strip accents so "Zürich" keeps its letters
    .replace(UNSAFE, '_')
    .replace(/_+/g, '_')
    .replace(/^[._]+/, '')
  let out = ascii || 'file'
  if (out.length > maxLength) {
    const dot = out.lastIndexOf('.')
    const ext = dot > 0 && out.length - dot <= 12 ? out.slice(dot) : ''
    out = out.slice(0, maxLength - ext.length) + ext
  }
  return out
}

/** The payload path of an original: the evidence id keeps names unique and sorted. */
export function originalBagPath(evidenceId: number, originalName: string): string {
  return `data/originals/${String(evidenceId).padStart(4, '0')}-${safeFileName(originalName)}`
}

/** A relative bag path: '/'-separated segments of safe characters, no '.' or '..'. */
export function isSafeBagPath(path: string): boolean {
  if (path.length === 0 || path.length > 1024) return false
  return path.split('/').every((s) => s.length > 0 && s !== '.' && s !== '..' && /^[A-Za-z0-9._-]+$/.test(s))
}

export const EXPORT_METADATA = 'data/metadata/export.json'
/** Tag files covered by the tag manifests (signature.json signs tagmanifest-sha256.txt, so it cannot be among them). */
export const COVERED_TAG_FILES = ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'manifest-sha512.txt', 'case.jsonld', 'custody.jsonl', 'README.txt'] as const
export const SIGNATURE_FILE = 'signature.json'
