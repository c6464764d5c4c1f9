// The custody log: every action on the case or its evidence is one append-only row that
// carries the hash of the row before it. A row's hash is SHA-256 over the canonical JSON
// of {seq, ts, examiner, action, object, details, prevHash} (ts as ISO 8601 UTC with
// microseconds), so anyone can recompute the chain from an exported custody.jsonl.
import { createHash } from 'node:crypto'
import { canonicalJson } from '@shared/canonicalJson'
import type { CustodyEntry, VerifyProblem } from '@shared/model'
import { microsToIso, nowMicros } from '@shared/time'
import type { Db } from './database'
import { protectiveTriggers } from './migrations'

export const GENESIS_HASH = '0'.repeat(64)

/** Actions written to the log. Keep names stable: exports and auditors read them. */
export type CustodyAction =
  | 'case.created'
  | 'case.timezone-changed'
  | 'case.verified'
  | 'evidence.acquired'
  | 'evidence.refused'
  | 'evidence.intake-rolled-back'
  | 'settings.changed'
  | (string & {})

export interface CustodyInput {
  examiner: string
  action: CustodyAction
  object: string
  details?: Record<string, unknown>
  tsUs?: number
}

interface CustodyRow {
  seq: number
  ts_us: number
  examiner: string
  action: string
  object: string
  details: string
  prev_hash: string
  hash: string
}

export function custodyRowHash(entry: Omit<CustodyEntry, 'hash'>): string {
  const { seq, ts, examiner, action, object, details, prevHash } = entry
  return createHash('sha256').update(canonicalJson({ seq, ts, examiner, action, object, details, prevHash })).digest('hex')
}

/** Appends one entry. Call inside the transaction of the action it records so both land or neither. */
export function appendCustody(db: Db, input: CustodyInput): CustodyEntry {
  const last = db.prepare('SELECT seq, hash FROM custody ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; hash: string }
    | undefined
  const seq = (last?.seq ?? 0) + 1
  const tsUs = input.tsUs ?? nowMicros()
  const details = JSON.parse(canonicalJson(input.details ?? {})) as Record<string, unknown>
  const base = {
    seq,
    ts: microsToIso(tsUs),
    examiner: input.examiner,
    action: input.action,
    object: input.object,
    details,
    prevHash: last?.hash ?? GENESIS_HASH
  }
  const hash = custodyRowHash(base)
  db.prepare(
    'INSERT INTO custody (seq, ts_us, examiner, action, object, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
  ).run(seq, tsUs, base.examiner, base.action, base.object, canonicalJson(details), base.prevHash, hash)
  return { ...base, hash }
}

function rowToEntry(row: CustodyRow): CustodyEntry {
  let details: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(row.details)
    details = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed }
  } catch {
    details = { unparseable: row.details }
  }
  return {
    seq: row.seq,
    ts: microsToIso(row.ts_us),
    examiner: row.examiner,
    action: row.action,
    object: row.object,
    details,
    prevHash: row.prev_hash,
    hash: row.hash
  }
}

export function listCustody(db: Db, afterSeq = 0, limit = 1000): CustodyEntry[] {
  const rows = db.prepare('SELECT * FROM custody WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as CustodyRow[]
  return rows.map(rowToEntry)
}

export function custodyLength(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM custody').get() as { n: number }).n
}

/**
 * Walks the whole chain. Reports every row whose stored hash is not the hash of its
 * content, every link that does not point at the row before, and gaps in the sequence
 * (deleted rows), plus missing protective triggers.
 */
export function checkCustodyChain(db: Db): { length: number; problems: VerifyProblem[] } {
  const problems: VerifyProblem[] = []
  let expectedSeq = 1
  let prevHash = GENESIS_HASH
  let length = 0
  for (const row of db.prepare('SELECT * FROM custody ORDER BY seq').iterate() as Iterable<CustodyRow>) {
    length++
    const entry = rowToEntry(row)
    if (row.seq !== expectedSeq) {
      problems.push({
        kind: 'custody-gap',
        object: `custody row ${expectedSeq}`,
        message: `Custody chain broken at row ${expectedSeq}: rows ${expectedSeq}–${row.seq - 1} are missing (deleted).`
      })
    }
    if (entry.prevHash !== prevHash) {
      problems.push({
        kind: 'custody-broken',
        object: `custody row ${row.seq}`,
        message: `Custody chain broken at row ${row.seq}: it does not point at the hash of the row before it.`
      })
    }
    const { hash: _stored, ...content } = entry
    if (custodyRowHash(content) !== row.hash) {
      problems.push({
        kind: 'custody-broken',
        object: `custody row ${row.seq}`,
        message: `Custody chain broken at row ${row.seq}: its content (${row.action} on ${row.object}) was changed after it was written.`
      })
    }
    prevHash = row.hash
    expectedSeq = row.seq + 1
  }
  const present = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]).map((r) => r.name)
  )
  for (const name of protectiveTriggers) {
    if (!present.has(name)) {
      problems.push({
        kind: 'custody-unprotected',
        object: `trigger ${name}`,
        message: `The protective trigger ${name} has been removed from case.db: rows can be altered without the app.`
      })
    }
  }
  return { length, problems }
}
