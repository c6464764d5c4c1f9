// Finished exports of a case, read from its custody log (every completed export is an
// `export.completed` entry with its path and tag-manifest hash), with what is on disk now.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ExportListItem } from '@shared/contracts/exports'
import type { Db } from '../case/database'

function sizeOnDisk(path: string): number | null {
  const st = statSync(path, { throwIfNoEntry: false })
  if (!st) return null
  if (!st.isDirectory()) return st.size
  let total = 0
  for (const name of readdirSync(path)) total += sizeOnDisk(join(path, name)) ?? 0
  return total
}

export function listExports(db: Db): ExportListItem[] {
  const rows = db.prepare("SELECT ts_us, examiner, details FROM custody WHERE action = 'export.completed' ORDER BY seq DESC").all() as {
    ts_us: number
    examiner: string
    details: string
  }[]
  const out: ExportListItem[] = []
  for (const r of rows) {
    let d: Record<string, unknown>
    try {
      d = JSON.parse(r.details) as Record<string, unknown>
    } catch {
      continue
    }
    const str = (k: string): string => (typeof d[k] === 'string' ? (d[k] as string) : '')
    if (!str('exportId') || !str('path') || !/^[0-9a-f]{64}$/.test(str('tagManifestSha256')) || !/^[0-9a-f]{64}$/.test(str('signerFingerprint'))) continue
    const size = sizeOnDisk(str('path'))
    out.push({
      exportId: str('exportId'),
      kind: str('kind') === 'access-audit' ? 'access-audit' : 'evidence',
      path: str('path'),
      format: str('format') === 'zip' ? 'zip' : 'directory',
      exists: size !== null,
      size,
      completedAt: new Date(Math.floor(r.ts_us / 1000)).toISOString(),
      examiner: r.examiner,
      recipient: str('recipient'),
      purpose: str('purpose'),
      tagManifestSha256: str('tagManifestSha256'),
      signerFingerprint: str('signerFingerprint')
    })
  }
  return out
}
