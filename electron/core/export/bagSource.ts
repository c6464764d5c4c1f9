// Reading a bag for verification, from a folder or from a ZIP (single top folder), without
// extracting it: files are listed with their sizes and hashed where they lie.
import { lstat, open, readdir, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import yauzl, { type Entry, type ZipFile } from 'yauzl'
import { CHUNK_BYTES, throwIfCancelled } from '../util/fileHash'
import { HashRing } from './hashRing'
import { DualHash, type Digests } from './manifests'

export interface BagSource {
  readonly kind: 'directory' | 'zip'
  /** Bag-relative, '/'-separated path → size, for regular files only. */
  readonly files: ReadonlyMap<string, number>
  /** What could not be listed as a plain file (links, devices, ZIP oddities), by path. */
  readonly listingProblems: { path: string; message: string }[]
  read(path: string): Promise<Buffer>
  digest(path: string, options?: { signal?: AbortSignal; onBytes?: (n: number) => void }): Promise<Digests>
  close(): Promise<void>
}

/** Tag files are read whole; anything larger is not one of ours. */
const MAX_TAG_BYTES = 512 * 1024 * 1024
const RING_SLOTS = 3

export async function openBagDirectory(root: string): Promise<BagSource> {
  const files = new Map<string, number>()
  const listingProblems: BagSource['listingProblems'] = []
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${d.name}` : d.name
      const full = join(dir, d.name)
      if (d.isDirectory()) await walk(full, path)
      else if (d.isFile()) files.set(path, (await lstat(full)).size)
      else listingProblems.push({ path, message: `${path} is ${d.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; a bag holds plain files only.` })
    }
  }
  await walk(root, '')
  const full = (path: string): string => join(root, ...path.split('/'))
  let ring: HashRing | null = null
  return {
    kind: 'directory',
    files,
    listingProblems,
    async read(path) {
      const size = files.get(path) ?? 0
      if (size > MAX_TAG_BYTES) throw new Error(`${path} is too large to be a tag file (${size} bytes).`)
      const fh = await open(full(path), 'r')
      try {
        return await fh.readFile()
      } finally {
        await fh.close()
      }
    },
    async digest(path, options = {}) {
      ring ??= HashRing.create(RING_SLOTS, CHUNK_BYTES)
      const fh = await open(full(path), 'r')
      try {
        return await digestRange(fh, 0, null, ring, options)
      } finally {
        await fh.close()
      }
    },
    async close() {
      await ring?.close()
    }
  }
}

/**
 * Hashes `length` bytes from `start` (to the end when null) through the ring: one read in
 * flight while the previous chunk is hashed, SHA-512 on the ring's second thread.
 */
async function digestRange(
  fh: FileHandle,
  start: number,
  length: number | null,
  ring: HashRing,
  options: { signal?: AbortSignal; onBytes?: (n: number) => void }
): Promise<Digests> {
  const end = length === null ? Number.POSITIVE_INFINITY : start + length
  const busy: (Promise<void> | null)[] = ring.buffers.map(() => null)
  const readAt = (slot: number, position: number) =>
    position >= end ? Promise.resolve({ bytesRead: 0 }) : fh.read(ring.buffers[slot]!, 0, Math.min(ring.chunk, end - position), position)
  let slot = 0
  let position = start
  ring.begin()
  let pending = readAt(0, position)
  try {
    for (;;) {
      const { bytesRead } = await pending
      if (bytesRead === 0) break
      throwIfCancelled(options.signal)
      position += bytesRead
      const next = (slot + 1) % ring.buffers.length
      if (busy[next]) await busy[next]
      pending = readAt(next, position)
      const hashed = ring.update(slot, bytesRead)
      hashed.catch(() => undefined) // awaited before the slot is reused
      busy[slot] = hashed
      options.onBytes?.(bytesRead)
      slot = next
    }
    await Promise.all(busy)
  } finally {
    await Promise.allSettled([...busy, pending])
  }
  return ring.end()
}

const S_IFMT = 0o170000
const S_IFLNK = 0o120000

export async function openBagZip(path: string): Promise<BagSource> {
  const zipfile: ZipFile = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true })
  const files = new Map<string, number>()
  const entries = new Map<string, Entry>()
  const listingProblems: BagSource['listingProblems'] = []
  const tops = new Map<string, number>()
  const all: Entry[] = []
  try {
    for await (const entry of zipfile.eachEntry()) {
      all.push(entry)
      const top = entry.fileName.split('/')[0]!
      tops.set(top, (tops.get(top) ?? 0) + 1)
    }
  } catch (err) {
    zipfile.close()
    throw err
  }
  // The bag is the top folder most entries are in; anything else is named as a problem.
  const top = [...tops.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? ''
  if (tops.size > 1) {
    listingProblems.push({
      path: '(zip)',
      message: `The ZIP must hold one top folder (the bag); it holds ${[...tops.keys()].map((t) => `"${t}"`).join(', ')}.`
    })
  }
  const seen = new Set<string>()
  for (const entry of all) {
    const name = entry.fileName
    if (seen.has(name)) {
      listingProblems.push({ path: name, message: `${name} appears more than once in the ZIP (duplicate entry).` })
      continue
    }
    seen.add(name)
    if (!name.startsWith(`${top}/`)) {
      listingProblems.push({ path: name, message: `${name} is outside the bag's top folder "${top}/".` })
      continue
    }
    if (name.endsWith('/')) continue
    const rel = name.slice(top.length + 1)
    const mode = (entry.externalFileAttributes >>> 16) & S_IFMT
    if (mode === S_IFLNK) {
      listingProblems.push({ path: rel, message: `${rel} is a symbolic link in the ZIP; a bag holds plain files only.` })
      continue
    }
    files.set(rel, entry.uncompressedSize)
    entries.set(rel, entry)
  }
  let ring: HashRing | null = null
  let fh: FileHandle | null = null
  const stream = async (rel: string) => {
    const entry = entries.get(rel)
    if (!entry) throw new Error(`${rel} is not in the ZIP.`)
    return zipfile.openReadStreamPromise(entry)
  }
  return {
    kind: 'zip',
    files,
    listingProblems,
    async read(rel) {
      const size = files.get(rel) ?? 0
      if (size > MAX_TAG_BYTES) throw new Error(`${rel} is too large to be a tag file (${size} bytes).`)
      const chunks: Buffer[] = []
      for await (const chunk of await stream(rel)) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks)
    },
    async digest(rel, options = {}) {
      const entry = entries.get(rel)
      if (entry && entry.compressionMethod === 0 && entry.compressedSize === entry.uncompressedSize) {
        // Stored (our writer stores everything): hash the bytes in place, as for a folder.
        const { fileDataStart } = await zipfile.readLocalFileHeaderPromise(entry, { minimal: true })
        ring ??= HashRing.create(RING_SLOTS, CHUNK_BYTES)
        fh ??= await open(path, 'r')
        const d = await digestRange(fh, fileDataStart, entry.compressedSize, ring, options)
        if (d.size !== entry.uncompressedSize) throw new Error(`${rel} is cut short in the ZIP.`)
        return d
      }
      const hash = new DualHash()
      const s = await stream(rel)
      try {
        for await (const chunk of s) {
          throwIfCancelled(options.signal)
          hash.update(chunk as Buffer)
          options.onBytes?.((chunk as Buffer).length)
        }
      } finally {
        s.destroy()
      }
      return hash.digest()
    },
    async close() {
      zipfile.close()
      await ring?.close()
      await fh?.close()
    }
  }
}
