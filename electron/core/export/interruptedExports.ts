// Leftovers of exports that never finished (the process was killed, the machine lost
// power): `<name>.partial-<hex>` folders or zips, their spooled CSV and owner note under
// the case's exports/ folder. They are never complete bags (a bag is renamed to its final
// name only once complete), so they are removed — but only when the process that wrote
// them is gone — and a custody entry `export.interrupted` says what was found.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, type Stats } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { CaseFolder } from '../case/caseFolder'
import { appendCustody } from '../case/custody'
import { OWNER_SUFFIX, type PartialOwner } from './bagSink'

const PARTIAL = /^(.+)\.partial-([0-9a-f]{12})(\.owner|\.events-csv|\.clips)?$/

export interface InterruptedExport {
  /** The partial bag (folder or zip) path. */
  partialPath: string
  /** The name the bag would have had. */
  intendedPath: string
  kind: 'directory' | 'zip' | 'missing'
  files: number
  bytes: number
  /** From the custody log: the export that started writing to this name and never ended. */
  exportId: string | null
  owner: PartialOwner | null
}

function isAlive(owner: PartialOwner): boolean {
  if (owner.host !== hostname()) return true // another machine's export (a shared folder): leave it alone
  if (owner.pid === process.pid) return true
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readOwner(path: string): PartialOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<PartialOwner>
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host, startedAt: String(o.startedAt ?? '') } : null
  } catch {
    return null
  }
}

function measure(path: string, st: Stats): { files: number; bytes: number } {
  if (!st.isDirectory()) return { files: 1, bytes: st.size }
  let files = 0
  let bytes = 0
  for (const name of readdirSync(path)) {
    const child = join(path, name)
    const cst = statSync(child, { throwIfNoEntry: false })
    if (!cst) continue
    const m = measure(child, cst)
    files += m.files
    bytes += m.bytes
  }
  return { files, bytes }
}

/** Finds leftovers in `dir` whose writer is gone (no side effects). */
export function findInterruptedExports(dir: string): InterruptedExport[] {
  if (!existsSync(dir)) return []
  const groups = new Map<string, string>()
  for (const name of readdirSync(dir)) {
    const m = PARTIAL.exec(name)
    if (m) groups.set(`${m[1]}.partial-${m[2]}`, m[1]!)
  }
  const found: InterruptedExport[] = []
  for (const [partialName, intendedName] of groups) {
    const partialPath = join(dir, partialName)
    const owner = readOwner(`${partialPath}${OWNER_SUFFIX}`)
    if (owner && isAlive(owner)) continue
    const st = statSync(partialPath, { throwIfNoEntry: false })
    const size = st ? measure(partialPath, st) : { files: 0, bytes: 0 }
    found.push({
      partialPath,
      intendedPath: join(dir, intendedName),
      kind: !st ? 'missing' : st.isDirectory() ? 'directory' : 'zip',
      ...size,
      exportId: null,
      owner
    })
  }
  return found.sort((a, b) => a.partialPath.localeCompare(b.partialPath))
}

/** Exports that started writing to `intendedPath` and have no end entry. */
function unfinishedExportIds(folder: CaseFolder): Map<string, string> {
  const rows = folder.db
    .prepare("SELECT action, details FROM custody WHERE action IN ('export.started','export.completed','export.failed','export.cancelled') ORDER BY seq")
    .all() as { action: string; details: string }[]
  const open = new Map<string, string>() // exportId → intended path
  for (const r of rows) {
    let d: { exportId?: unknown; path?: unknown }
    try {
      d = JSON.parse(r.details) as typeof d
    } catch {
      continue
    }
    if (typeof d.exportId !== 'string') continue
    if (r.action === 'export.started' && typeof d.path === 'string') open.set(d.exportId, d.path)
    else open.delete(d.exportId)
  }
  const byPath = new Map<string, string>()
  for (const [id, path] of open) byPath.set(path, id)
  return byPath
}

/**
 * Removes the leftovers of interrupted exports under the case's exports/ folder and
 * records what was found. Returns what was removed (empty: nothing to do, no entry).
 */
export function cleanInterruptedExports(folder: CaseFolder, examiner: string): InterruptedExport[] {
  const unfinished = unfinishedExportIds(folder)
  const found = findInterruptedExports(folder.layout.exports)
  // An export to a folder outside the case (--out elsewhere) that never ended: only the
  // leftovers carrying exactly that export's name are touched there.
  const elsewhere = new Set([...unfinished.keys()].map((p) => dirname(p)).filter((d) => resolve(d) !== resolve(folder.layout.exports)))
  for (const dir of elsewhere) {
    for (const f of findInterruptedExports(dir)) if (unfinished.has(f.intendedPath)) found.push(f)
  }
  if (found.length === 0) return []
  for (const f of found) {
    f.exportId = unfinished.get(f.intendedPath) ?? unfinished.get(`${f.intendedPath}.zip`) ?? null
    rmSync(f.partialPath, { recursive: true, force: true })
    for (const suffix of [OWNER_SUFFIX, '.events-csv', '.clips']) rmSync(`${f.partialPath}${suffix}`, { recursive: true, force: true })
  }
  folder.db.transaction(() =>
    appendCustody(folder.db, {
      examiner,
      action: 'export.interrupted',
      object: 'exports folder',
      details: {
        removed: found.map((f) => ({
          partialPath: f.partialPath,
          intendedPath: f.intendedPath,
          kind: f.kind,
          files: f.files,
          bytes: f.bytes,
          exportId: f.exportId,
          writerPid: f.owner?.pid ?? null,
          writerStartedAt: f.owner?.startedAt ?? null
        })),
        reason:
          'an export was interrupted before it completed (process killed or machine stopped); its unfinished bag was never renamed to its final name and has been removed'
      }
    })
  )()
  return found
}

/** For case open: a failure to clean up must not stop the case from opening. */
export function cleanInterruptedExportsQuietly(folder: CaseFolder, examiner: string): number {
  try {
    return cleanInterruptedExports(folder, examiner).length
  } catch {
    return 0
  }
}
