// Where a bag is written: a folder or a single ZIP. Either way everything goes to a
// temporary `<out>.partial-<random>` that is renamed to <out> only once complete, so an
// interrupted export never leaves something at <out> that looks like a finished bag.
import { randomBytes } from 'node:crypto'
import { constants as fsConstants, existsSync } from 'node:fs'
import { chmod, copyFile, mkdir, open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { hostname } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { writeFully, ZipWriter, type ZipEntryWriter } from './zipWriter'

export type EntryWriter = ZipEntryWriter

export interface BagSink {
  readonly kind: 'directory' | 'zip'
  readonly finalPath: string
  readonly partialPath: string
  /** Opens one file of the bag (path relative to the bag root, '/'-separated). A ZIP has one open at a time. */
  openFile(path: string, options?: { mode?: number; size?: number }): Promise<EntryWriter>
  writeFile(path: string, data: Buffer, options?: { mode?: number }): Promise<void>
  /**
   * Folder bags only: copies a whole file in the kernel (copy_file_range, no user-space
   * pass) and returns where it landed, so the caller can hash the bag's own bytes.
   */
  copyFile?(path: string, source: string, options?: { mode?: number }): Promise<string>
  commit(): Promise<void>
  abort(): Promise<void>
}

export class OutputExistsError extends Error {}

/** A new plain file written at increasing positions; `handles` tracks it until closed (for abort). */
export async function openPlainFile(file: string, mode: number, handles?: Set<FileHandle>): Promise<EntryWriter> {
  const fh = await open(file, 'wx', 0o600)
  handles?.add(fh)
  let position = 0
  const pending: Promise<void>[] = []
  return {
    write(buf, length) {
      const p = writeFully(fh, buf, length, position)
      position += length
      pending.push(p)
      return p
    },
    async close() {
      try {
        await Promise.all(pending)
      } finally {
        handles?.delete(fh)
        await fh.close()
      }
      await chmod(file, mode)
    }
  }
}

function partialName(finalPath: string): string {
  return `${finalPath}.partial-${randomBytes(6).toString('hex')}`
}

/** Beside a partial bag: which process writes it, so a cleanup never removes a live export. */
export const OWNER_SUFFIX = '.owner'

export interface PartialOwner {
  pid: number
  host: string
  startedAt: string
}

async function claimPartial(partialPath: string): Promise<void> {
  const owner: PartialOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }
  await writeFile(`${partialPath}${OWNER_SUFFIX}`, `${JSON.stringify(owner)}\n`, { mode: 0o600 })
}

async function releasePartial(partialPath: string): Promise<void> {
  await rm(`${partialPath}${OWNER_SUFFIX}`, { force: true })
}

function refuseExisting(finalPath: string): void {
  if (existsSync(finalPath)) throw new OutputExistsError(`${finalPath} already exists; choose a new name for the export.`)
}

export async function createDirectorySink(finalPath: string): Promise<BagSink> {
  refuseExisting(finalPath)
  await mkdir(dirname(finalPath), { recursive: true })
  const partialPath = partialName(finalPath)
  await claimPartial(partialPath)
  await mkdir(partialPath, { mode: 0o755 })
  const handles = new Set<FileHandle>()
  const sink: BagSink = {
    kind: 'directory',
    finalPath,
    partialPath,
    async openFile(path, options = {}) {
      const file = join(partialPath, ...path.split('/'))
      await mkdir(dirname(file), { recursive: true })
      return openPlainFile(file, options.mode ?? 0o644, handles)
    },
    async writeFile(path, data, options = {}) {
      const w = await sink.openFile(path, options)
      await w.write(data, data.length)
      await w.close()
    },
    async copyFile(path, source, options = {}) {
      const file = join(partialPath, ...path.split('/'))
      await mkdir(dirname(file), { recursive: true })
      await copyFile(source, file, fsConstants.COPYFILE_EXCL)
      await chmod(file, options.mode ?? 0o644)
      return file
    },
    async commit() {
      refuseExisting(finalPath)
      await rename(partialPath, finalPath)
      await releasePartial(partialPath)
    },
    async abort() {
      for (const fh of handles) await fh.close().catch(() => undefined)
      await rm(partialPath, { recursive: true, force: true })
      await releasePartial(partialPath)
    }
  }
  return sink
}

/** A ZIP whose single top folder is the bag, named after the archive (bag.zip → bag/). */
export async function createZipSink(finalPath: string, options: { forceZip64?: boolean } = {}): Promise<BagSink> {
  refuseExisting(finalPath)
  await mkdir(dirname(finalPath), { recursive: true })
  const partialPath = partialName(finalPath)
  const top = basename(finalPath).replace(/\.zip$/i, '') || 'bag'
  await claimPartial(partialPath)
  const zip = await ZipWriter.create(partialPath, options)
  const mtime = new Date()
  const dirs = new Set<string>()
  const ensureDirs = async (path: string): Promise<void> => {
    const parts = path.split('/').slice(0, -1)
    for (let i = 0; i <= parts.length; i++) {
      const dir = [top, ...parts.slice(0, i)].join('/')
      if (dirs.has(dir)) continue
      dirs.add(dir)
      await zip.addDirectory(dir, mtime)
    }
  }
  let finished = false
  const sink: BagSink = {
    kind: 'zip',
    finalPath,
    partialPath,
    async openFile(path, opts = {}) {
      await ensureDirs(path)
      return zip.openEntry(`${top}/${path}`, { mode: opts.mode ?? 0o644, mtime, size: opts.size })
    },
    async writeFile(path, data, opts = {}) {
      await ensureDirs(path)
      await zip.addBuffer(`${top}/${path}`, data, { mode: opts.mode ?? 0o644, mtime })
    },
    async commit() {
      await zip.finish()
      finished = true
      refuseExisting(finalPath)
      await rename(partialPath, finalPath)
      await releasePartial(partialPath)
    },
    async abort() {
      if (!finished) await zip.abort()
      await rm(partialPath, { force: true })
      await releasePartial(partialPath)
    }
  }
  return sink
}
