// A case is a folder: case.db, evidence/ (originals, named by SHA-256, read-only),
// derived/ (transcodes, clips), exports/. This module creates, opens and describes it.
import { randomUUID } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { CaseSummary } from '@shared/model'
import { isValidTimeZone, microsToIso, nowMicros } from '@shared/time'
import { TOOL_NAME, TOOL_VERSION } from '../appIdentity'
import { appendCustody, custodyLength } from './custody'
import { openDatabase, schemaVersion, type Db } from './database'

export const CASE_DB_NAME = 'case.db'

export interface CaseLayout {
  dir: string
  db: string
  evidence: string
  /** Partial intake copies; anything here after a crash is discarded on open. */
  incoming: string
  derived: string
  exports: string
}

export function caseLayout(dir: string): CaseLayout {
  const root = resolve(dir)
  return {
    dir: root,
    db: join(root, CASE_DB_NAME),
    evidence: join(root, 'evidence'),
    incoming: join(root, 'evidence', '.incoming'),
    derived: join(root, 'derived'),
    exports: join(root, 'exports')
  }
}

export class CaseError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST'
  ) {
    super(message)
  }
}

export interface CaseInfo {
  caseId: string
  name: string
  examiner: string
  organisation: string
  timeZone: string
  createdUs: number
}

export interface NewCase {
  name: string
  examiner: string
  organisation?: string
  timeZone: string
}

export class CaseFolder {
  private constructor(
    readonly layout: CaseLayout,
    readonly db: Db
  ) {}

  get dir(): string {
    return this.layout.dir
  }

  static create(dir: string, init: NewCase): CaseFolder {
    const layout = caseLayout(dir)
    if (!isValidTimeZone(init.timeZone)) {
      throw new CaseError(`Unknown time zone "${init.timeZone}". Use an IANA name such as Europe/London or UTC.`, 'BAD_REQUEST')
    }
    if (existsSync(layout.dir)) {
      if (!statSync(layout.dir).isDirectory()) throw new CaseError(`${layout.dir} exists and is not a folder.`, 'CONFLICT')
      if (readdirSync(layout.dir).length > 0) {
        throw new CaseError(`${layout.dir} is not empty. Choose a new or empty folder for the case.`, 'CONFLICT')
      }
    }
    for (const d of [layout.dir, layout.evidence, layout.incoming, layout.derived, layout.exports]) mkdirSync(d, { recursive: true })
    const db = openDatabase(layout.db, { create: true })
    const createdUs = nowMicros()
    const caseId = randomUUID()
    db.transaction(() => {
      db.prepare(
        `INSERT INTO case_info (id, case_id, name, examiner, organisation, time_zone, created_us, tool, tool_version)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)`
      ).run(caseId, init.name, init.examiner, init.organisation ?? '', init.timeZone, createdUs, TOOL_NAME, TOOL_VERSION)
      appendCustody(db, {
        examiner: init.examiner,
        action: 'case.created',
        object: `case ${caseId}`,
        tsUs: createdUs,
        details: { name: init.name, timeZone: init.timeZone, organisation: init.organisation ?? '', tool: TOOL_NAME, toolVersion: TOOL_VERSION }
      })
    })()
    return new CaseFolder(layout, db)
  }

  static open(dir: string, options: { readonly?: boolean } = {}): CaseFolder {
    const layout = caseLayout(dir)
    if (!existsSync(layout.db)) {
      throw new CaseError(`${layout.dir} is not an Incident Workbench case (no ${CASE_DB_NAME} in it).`, 'NOT_FOUND')
    }
    const db = openDatabase(layout.db, { readonly: options.readonly ?? false })
    const folder = new CaseFolder(layout, db)
    if (!options.readonly) {
      for (const d of [layout.evidence, layout.incoming, layout.derived, layout.exports]) mkdirSync(d, { recursive: true })
      folder.discardInterruptedIntake()
      folder.recordInterruptedImports()
    }
    return folder
  }

  info(): CaseInfo {
    const row = this.db.prepare('SELECT * FROM case_info WHERE id = 1').get() as
      | { case_id: string; name: string; examiner: string; organisation: string; time_zone: string; created_us: number }
      | undefined
    if (!row) throw new CaseError(`${this.dir}/case.db holds no case record.`, 'NOT_FOUND')
    return {
      caseId: row.case_id,
      name: row.name,
      examiner: row.examiner,
      organisation: row.organisation,
      timeZone: row.time_zone,
      createdUs: row.created_us
    }
  }

  summary(): CaseSummary {
    const info = this.info()
    const ev = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM evidence').get() as { n: number; bytes: number }
    return {
      caseId: info.caseId,
      dir: this.dir,
      name: info.name,
      examiner: info.examiner,
      timeZone: info.timeZone,
      createdAt: microsToIso(info.createdUs),
      evidenceCount: ev.n,
      evidenceBytes: ev.bytes,
      custodyLength: custodyLength(this.db),
      schemaVersion: schemaVersion(this.db)
    }
  }

  /** The case zone interprets zone-less timestamps, so changing it is a custody event. */
  setTimeZone(timeZone: string, examiner: string, reason: string): void {
    if (!isValidTimeZone(timeZone)) throw new CaseError(`Unknown time zone "${timeZone}".`, 'BAD_REQUEST')
    const before = this.info().timeZone
    if (before === timeZone) return
    this.db.transaction(() => {
      // case_info is not evidence: its current zone is mutable, its history lives in custody.
      this.db.prepare('UPDATE case_info SET time_zone = ? WHERE id = 1').run(timeZone)
      appendCustody(this.db, {
        examiner,
        action: 'case.timezone-changed',
        object: `case ${this.info().caseId}`,
        details: { from: before, to: timeZone, reason }
      })
    })()
  }

  evidencePath(sha256: string): string {
    return join(this.layout.evidence, sha256)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  /**
   * An import holds the write lock from start to commit, so an 'import.started' entry with
   * no ending entry, found while nobody holds the lock, is an import that died (crash,
   * kill, power loss). Its events were rolled back by SQLite; custody says so.
   */
  private recordInterruptedImports(): void {
    const ended = new Set(['import.completed', 'import.failed', 'import.cancelled', 'import.interrupted'])
    const open = new Map<string, string>()
    for (const row of this.db
      .prepare("SELECT action, object, details FROM custody WHERE action LIKE 'import.%' ORDER BY seq")
      .iterate() as Iterable<{ action: string; object: string; details: string }>) {
      const id = (JSON.parse(row.details) as { importId?: string }).importId
      if (!id) continue
      if (row.action === 'import.started') open.set(id, row.object)
      else if (ended.has(row.action)) open.delete(id)
    }
    if (open.size === 0) return
    const previousTimeout = this.db.pragma('busy_timeout', { simple: true })
    this.db.pragma('busy_timeout = 0')
    try {
      this.db.exec('BEGIN IMMEDIATE')
    } catch {
      return // another process is importing right now
    } finally {
      this.db.pragma(`busy_timeout = ${Number(previousTimeout)}`)
    }
    try {
      for (const [importId, object] of open) {
        appendCustody(this.db, {
          examiner: this.info().examiner,
          action: 'import.interrupted',
          object,
          details: { importId, reason: 'the import stopped before it finished (crash or kill); none of its events were kept' }
        })
      }
      this.db.exec('COMMIT')
    } catch (err) {
      this.db.exec('ROLLBACK')
      throw err
    }
  }

  /**
   * An intake copies into evidence/.incoming, then renames into evidence/ inside the
   * transaction that records it. A crash can leave a partial copy in .incoming, or a
   * renamed copy whose row never committed: both are our own copies, never originals.
   */
  private discardInterruptedIntake(): void {
    for (const name of readdirSync(this.layout.incoming)) removeOwnCopy(join(this.layout.incoming, name))
    const known = new Set((this.db.prepare('SELECT sha256 FROM evidence').all() as { sha256: string }[]).map((r) => r.sha256))
    for (const name of readdirSync(this.layout.evidence)) {
      if (!/^[0-9a-f]{64}$/.test(name) || known.has(name)) continue
      removeOwnCopy(join(this.layout.evidence, name))
      this.db.transaction(() =>
        appendCustody(this.db, {
          examiner: this.info().examiner,
          action: 'evidence.intake-rolled-back',
          object: `sha256 ${name}`,
          details: { reason: 'an intake was interrupted before it was recorded; its copy was discarded' }
        })
      )()
    }
  }
}

function removeOwnCopy(path: string): void {
  try {
    chmodSync(path, 0o600)
    if (statSync(path).isDirectory()) rmSync(path, { recursive: true, force: true })
    else unlinkSync(path)
  } catch {
    // Best effort: a copy we cannot remove is reported by verify as unregistered.
  }
}
