// The BagIt 1.0 text files (RFC 8493): bagit.txt, manifests in the `sha256sum` layout
// (lowercase hex, two spaces, path, LF) and bag-info.txt, written and read back.
import { createHash, type Hash } from 'node:crypto'

/** Exactly the two required lines, UTF-8 without BOM, LF. */
export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n'

export type Algorithm = 'sha256' | 'sha512'
export const ALGORITHMS: readonly Algorithm[] = ['sha256', 'sha512']
export const HEX_LENGTH: Record<Algorithm, number> = { sha256: 64, sha512: 128 }

export interface Digests {
  sha256: string
  sha512: string
  size: number
}

/** SHA-256 and SHA-512 of one stream of bytes, fed as it is written or read. */
export class DualHash {
  private readonly h256: Hash = createHash('sha256')
  private readonly h512: Hash = createHash('sha512')
  private size = 0

  update(chunk: Uint8Array): void {
    this.h256.update(chunk)
    this.h512.update(chunk)
    this.size += chunk.length
  }

  digest(): Digests {
    return { sha256: this.h256.digest('hex'), sha512: this.h512.digest('hex'), size: this.size }
  }
}

export function digestsOf(data: Uint8Array): Digests {
  const h = new DualHash()
  h.update(data)
  return h.digest()
}

export function manifestName(alg: Algorithm, tag = false): string {
  return `${tag ? 'tagmanifest' : 'manifest'}-${alg}.txt`
}

// RFC 8493 §2.1.3: CR, LF and % in a path are percent-encoded. Our names never hold them.
const encodePath = (p: string): string => p.replace(/%/g, '%25').replace(/\n/g, '%0A').replace(/\r/g, '%0D')
const decodePath = (p: string): string => p.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%25/g, '%')

/** Lines sorted by path (byte order) so the same bag always gives the same manifest. */
export function formatManifest(entries: readonly { path: string; digest: string }[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.digest}  ${encodePath(e.path)}\n`)
    .join('')
}

export interface ManifestEntry {
  path: string
  digest: string
  line: number
}

export interface ParsedManifest {
  entries: Map<string, ManifestEntry>
  problems: string[]
}

/** Reads a manifest; every malformed, unsafe or repeated line is a problem naming the file and line. */
export function parseManifest(text: string, alg: Algorithm, fileName: string, isTag: boolean): ParsedManifest {
  const entries = new Map<string, ManifestEntry>()
  const problems: string[] = []
  if (text.length > 0 && !text.endsWith('\n')) problems.push(`${fileName}: the last line does not end with a line feed.`)
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  lines.forEach((raw, i) => {
    const line = i + 1
    const m = /^([^\s]+)[ \t]+\*?(.+)$/.exec(raw)
    if (!m) {
      problems.push(`${fileName} line ${line} is not "<checksum>  <path>": ${JSON.stringify(raw.slice(0, 120))}.`)
      return
    }
    const digest = m[1]!.toLowerCase()
    const path = decodePath(m[2]!)
    if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[alg]}}$`).test(digest)) {
      problems.push(`${fileName} line ${line}: "${m[1]!.slice(0, 140)}" is not a ${alg.toUpperCase()} checksum (${HEX_LENGTH[alg]} hex digits).`)
      return
    }
    if (path.startsWith('/') || path.includes('\\') || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      problems.push(`${fileName} line ${line}: the path "${path}" is not a plain relative path inside the bag.`)
      return
    }
    if (!isTag && !path.startsWith('data/')) {
      problems.push(`${fileName} line ${line}: "${path}" is outside data/; a payload manifest lists payload files only.`)
      return
    }
    if (isTag && path.startsWith('data/')) {
      problems.push(`${fileName} line ${line}: "${path}" is a payload file; a tag manifest lists tag files only.`)
      return
    }
    if (entries.has(path)) {
      problems.push(`${fileName} lists ${path} twice (lines ${entries.get(path)!.line} and ${line}).`)
      return
    }
    entries.set(path, { path, digest, line })
  })
  return { entries, problems }
}

/** bag-info.txt: "Label: value" lines; a value's own line breaks become continuation lines. */
export function formatBagInfo(fields: readonly (readonly [string, string])[]): string {
  return fields
    .map(([label, value]) => {
      // Control characters (other than line breaks) would corrupt the line structure.
      // eslint-disable-next-line no-control-regex
      const clean = value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trim()
      return `${label}: ${clean.split('\n').join('\n  ')}\n`
    })
    .join('')
}

export interface ParsedBagInfo {
  /** Labels as written; look them up with `get`, which ignores case. */
  fields: [string, string][]
  problems: string[]
  get(label: string): string | undefined
}

export function parseBagInfo(text: string, fileName = 'bag-info.txt'): ParsedBagInfo {
  const fields: [string, string][] = []
  const problems: string[] = []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  lines.forEach((line, i) => {
    if (/^[ \t]/.test(line)) {
      const last = fields[fields.length - 1]
      if (last) last[1] += `\n${line.trim()}`
      else problems.push(`${fileName} line ${i + 1} continues a value but no label came before it.`)
      return
    }
    const colon = line.indexOf(':')
    if (colon <= 0) {
      problems.push(`${fileName} line ${i + 1} is not "Label: value".`)
      return
    }
    fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()])
  })
  return {
    fields,
    problems,
    get: (label) => fields.find(([l]) => l.toLowerCase() === label.toLowerCase())?.[1]
  }
}

export function payloadOxum(bytes: number, count: number): string {
  return `${bytes}.${count}`
}
