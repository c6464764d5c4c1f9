// Reads the first gzip member header (RFC 1952) and the trailer of a .gz file without
// inflating anything: the stored name (FNAME), modification time and the ISIZE trailer.
// A gzip file holds one stream; concatenated members decompress as one file.
import { open } from 'node:fs/promises'
import { basename } from 'node:path'

export interface GzipHeader {
  /** FNAME as stored (Latin-1), or null. */
  storedName: string | null
  /** MTIME in UTC microseconds, or null when the field is 0. */
  modifiedUs: number | null
  /** ISIZE of the last member: uncompressed size modulo 2^32. */
  isize: number
}

const FHCRC = 0x02
const FEXTRA = 0x04
const FNAME = 0x08
const FCOMMENT = 0x10
const HEADER_READ = 128 * 1024
const MAX_NAME_BYTES = 4096

export type GzipHeaderResult = { ok: true; header: GzipHeader } | { ok: false; reason: string }

export async function readGzipHeader(path: string, fileBytes: number): Promise<GzipHeaderResult> {
  if (fileBytes < 18) return { ok: false, reason: `the gzip file is truncated: ${fileBytes} bytes, less than a header and trailer` }
  const fh = await open(path, 'r')
  try {
    const head = Buffer.alloc(Math.min(HEADER_READ, fileBytes))
    await fh.read(head, 0, head.length, 0)
    const trailer = Buffer.alloc(4)
    await fh.read(trailer, 0, 4, fileBytes - 4)
    return parseGzipHeader(head, trailer.readUInt32LE(0))
  } finally {
    await fh.close()
  }
}

function parseGzipHeader(b: Buffer, isize: number): GzipHeaderResult {
  if (b[0] !== 0x1f || b[1] !== 0x8b) return { ok: false, reason: 'not a gzip file (no 1f 8b signature)' }
  if (b[2] !== 8) return { ok: false, reason: `unsupported gzip compression method ${b[2]} (only deflate, 8, exists)` }
  const flags = b[3]!
  if ((flags & 0xe0) !== 0) return { ok: false, reason: 'the gzip header sets reserved flag bits: not a valid gzip file' }
  const mtime = b.readUInt32LE(4)
  let at = 10
  if (flags & FEXTRA) {
    if (at + 2 > b.length) return { ok: false, reason: 'the gzip header is truncated (extra field)' }
    at += 2 + b.readUInt16LE(at)
  }
  let storedName: string | null = null
  if (flags & FNAME) {
    const end = b.indexOf(0, at)
    if (end < 0 || end - at > MAX_NAME_BYTES) return { ok: false, reason: 'the gzip header has an unterminated or over-long file name' }
    storedName = b.toString('latin1', at, end)
    at = end + 1
  }
  if (flags & FCOMMENT) {
    const end = b.indexOf(0, at)
    if (end < 0) return { ok: false, reason: 'the gzip header has an unterminated or over-long comment' }
    at = end + 1
  }
  if (flags & FHCRC) at += 2
  if (at > b.length) return { ok: false, reason: 'the gzip header is truncated' }
  return { ok: true, header: { storedName, modifiedUs: mtime === 0 ? null : mtime * 1_000_000, isize } }
}

/**
 * The member's name: the archive's own name minus ".gz" (what gunzip does), else the
 * header's FNAME reduced to a bare file name, else "<archive>.out".
 */
export function gzipMemberName(archiveName: string | undefined, storedName: string | null): string {
  const archive = archiveName ? basename(archiveName.replace(/\\/g, '/')) : ''
  const stripped = archive.replace(/\.tgz$/i, '.tar').replace(/\.(gz|gzip)$/i, '')
  if (archive && stripped !== archive && stripped !== '') return stripped
  const fromHeader = sanitiseStoredName(storedName)
  if (fromHeader) return fromHeader
  return archive ? `${archive}.out` : 'member'
}

function sanitiseStoredName(name: string | null): string | null {
  if (!name) return null
  // eslint-disable-next-line no-control-regex
  const last = name.replace(/\\/g, '/').split('/').pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim()
  if (last === '' || /^[. ]+$/.test(last)) return null
  return last.slice(0, 255)
}
