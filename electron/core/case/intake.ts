// Evidence intake: the file is read once; each chunk is hashed and written to a private
// copy in evidence/.incoming. When the copy is complete and the source proved unchanged,
// the copy is made read-only and renamed to evidence/<sha256> inside the transaction
// that records the evidence row and its custody entry, so either all of it lands or none.
import { createHash, randomBytes } from 'node:crypto'
import { renameSync } from 'node:fs'
import { chmod, open, stat, unlink, type FileHandle } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { AcquireOutcome } from '@shared/model'
import { nowMicros } from '@shared/time'
import { TOOL_NAME, TOOL_VERSION, workstationName } from '../appIdentity'
import { CancelledError, throwIfCancelled } from '../util/fileHash'
import type { CaseFolder } from './caseFolder'
import { appendCustody } from './custody'
import { evidenceById, evidenceIdBySha } from './evidence'

export interface IntakeSource {
  /** The file to read. */
  path: string
  acquiredVia?: 'file' | 'upload' | 'archive-member'
  /** What to record as the original path and name when `path` is a staging copy (uploads). */
  originalPath?: string
  originalName?: string
  /** For uploads, the browser-reported modification time; otherwise taken from the file. */
  sourceMtimeUs?: number | null
  parentId?: number | null
  memberPath?: string | null
}

export interface IntakeContext {
  examiner: string
  note?: string
  signal?: AbortSignal
  onBytes?: (n: number) => void
}

export async function acquireEvidence(folder: CaseFolder, source: IntakeSource, ctx: IntakeContext): Promise<AcquireOutcome> {
  const path = resolve(source.path)
  const originalPath = source.originalPath ?? path
  const refuse = (reason: string): AcquireOutcome => {
    folder.db.transaction(() =>
      appendCustody(folder.db, {
        examiner: ctx.examiner,
        action: 'evidence.refused',
        object: `file ${originalPath}`,
        details: { reason }
      })
    )()
    return { path: originalPath, outcome: 'refused', evidence: null, existingId: null, reason }
  }

  let src: FileHandle
  try {
    src = await open(path, 'r')
  } catch (err) {
    return refuse(`cannot open the file: ${(err as Error).message}`)
  }
  const temp = join(folder.layout.incoming, `${randomBytes(12).toString('hex')}.part`)
  let tempWritten = false
  try {
    const before = await src.stat({ bigint: true })
    if (!before.isFile()) return refuse('not a regular file (folders, devices and pipes cannot be acquired)')

    const out = await open(temp, 'wx', 0o600)
    tempWritten = true
    let copied: { sha256: string; size: number }
    try {
      // No fsync: like cp, the copy is left to the OS to write back. A process crash loses
      // nothing; a power cut within seconds of intake can leave a short copy, which verify
      // reports as changed while the original is still at hand to acquire again.
      copied = await copyAndHash(src, out, ctx)
    } finally {
      await out.close()
    }

    const after = await src.stat({ bigint: true })
    const atPath = await stat(path, { bigint: true }).catch(() => null)
    const changed =
      after.size !== before.size ||
      after.mtimeNs !== before.mtimeNs ||
      BigInt(copied.size) !== before.size ||
      !atPath ||
      atPath.ino !== before.ino ||
      atPath.dev !== before.dev
    if (changed) {
      return refuse('the file changed while it was being read; acquire it again once nothing is writing to it')
    }

    await chmod(temp, 0o444)
    const existingId = evidenceIdBySha(folder.db, copied.sha256)
    if (existingId !== null) {
      return {
        path: originalPath,
        outcome: 'duplicate',
        evidence: evidenceById(folder.db, existingId),
        existingId,
        reason: `already in the case as evidence #${existingId} (same SHA-256)`
      }
    }

    const acquiredUs = nowMicros()
    const sourceMtimeUs = source.sourceMtimeUs !== undefined ? source.sourceMtimeUs : Number(before.mtimeNs / 1000n)
    const finalPath = folder.evidencePath(copied.sha256)
    // renameSync inside the synchronous transaction: if the rename fails nothing is recorded;
    // if the commit fails after it, the orphan copy is discarded on the next open.
    const id = folder.db.transaction(() => {
      const info = folder.db
        .prepare(
          `INSERT INTO evidence (sha256, size, original_name, original_path, source_mtime_us, acquired_us, examiner,
             workstation, tool, tool_version, note, acquired_via, parent_id, member_path)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
        )
        .run(
          copied.sha256,
          copied.size,
          source.originalName ?? basename(originalPath),
          originalPath,
          sourceMtimeUs,
          acquiredUs,
          ctx.examiner,
          workstationName(),
          TOOL_NAME,
          TOOL_VERSION,
          ctx.note ?? '',
          source.acquiredVia ?? 'file',
          source.parentId ?? null,
          source.memberPath ?? null
        )
      const id = Number(info.lastInsertRowid)
      appendCustody(folder.db, {
        examiner: ctx.examiner,
        action: 'evidence.acquired',
        object: `evidence ${id}`,
        tsUs: acquiredUs,
        details: {
          sha256: copied.sha256,
          size: copied.size,
          originalPath,
          originalName: source.originalName ?? basename(originalPath),
          via: source.acquiredVia ?? 'file',
          workstation: workstationName(),
          note: ctx.note ?? '',
          ...(source.parentId ? { parentId: source.parentId, memberPath: source.memberPath ?? null } : {})
        }
      })
      renameSync(temp, finalPath)
      tempWritten = false
      return id
    })()
    return { path: originalPath, outcome: 'acquired', evidence: evidenceById(folder.db, id), existingId: null, reason: null }
  } catch (err) {
    if (err instanceof CancelledError) throw err
    return refuse(`intake failed: ${(err as Error).message}`)
  } finally {
    await src.close()
    if (tempWritten) await removeTemp(temp)
  }
}

async function removeTemp(path: string): Promise<void> {
  await chmod(path, 0o600).catch(() => undefined)
  await unlink(path).catch(() => undefined)
}

/**
 * Reads the source once in large chunks. One read is always in flight while the chunk
 * before it is hashed; writes of hashed chunks drain in the thread pool behind them, up
 * to RING - 1 at a time, so disk writes never stall reading or hashing.
 */
// Measured on 2 cores: 8 MiB chunks, 4 in the ring, beat 1–4 MiB chunks with deeper rings.
const RING = 4
const INTAKE_CHUNK = 8 * 1024 * 1024

async function copyAndHash(src: FileHandle, out: FileHandle, ctx: IntakeContext): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256')
  const buffers = Array.from({ length: RING }, () => Buffer.allocUnsafe(INTAKE_CHUNK))
  const writes: (Promise<void> | null)[] = Array.from({ length: RING }, () => null)
  let slot = 0
  let position = 0
  let pendingRead = src.read(buffers[0]!, 0, INTAKE_CHUNK, 0)
  let lastWrite: Promise<void> = Promise.resolve()
  try {
    for (;;) {
      const { bytesRead } = await pendingRead
      if (bytesRead === 0) break
      throwIfCancelled(ctx.signal)
      const buf = buffers[slot]!
      const at = position
      position += bytesRead
      const next = (slot + 1) % RING
      // The next buffer may still be on its way to disk from RING chunks ago.
      if (writes[next]) await writes[next]
      pendingRead = src.read(buffers[next]!, 0, INTAKE_CHUNK, position)
      hash.update(buf.subarray(0, bytesRead))
      // Writes go one at a time, in order: concurrent writes to one file only contend for
      // its inode lock, and a single sequential writer keeps the thread pool free for reads.
      lastWrite = lastWrite.then(() => writeFully(out, buf, bytesRead, at))
      writes[slot] = lastWrite
      ctx.onBytes?.(bytesRead)
      slot = next
    }
  } finally {
    await Promise.all(writes)
  }
  return { sha256: hash.digest('hex'), size: position }
}

async function writeFully(out: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0
  while (done < length) {
    const { bytesWritten } = await out.write(buf, done, length - done, position + done)
    done += bytesWritten
  }
}
