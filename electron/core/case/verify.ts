// Case verification: re-hash every evidence file, look for files that should not be
// there, walk the custody chain and check the database itself. The result names every
// broken item; the check is recorded per item and as one custody entry.
import { readdirSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { EvidenceStatus, VerifyProblem, VerifyReport } from '@shared/model'
import { microsToIso, nowMicros } from '@shared/time'
import { sha256File } from '../util/fileHash'
import type { CaseFolder } from './caseFolder'
import { appendCustody, checkCustodyChain } from './custody'
import { listEvidence, recordEvidenceCheck } from './evidence'

export interface VerifyOptions {
  signal?: AbortSignal
  onBytes?: (n: number) => void
  onItem?: (done: number, total: number) => void
  /** Write the result into the case (evidence_check rows and a custody entry). */
  record?: { examiner: string }
}

export async function verifyCase(folder: CaseFolder, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = []
  const items = listEvidence(folder.db)
  const results: VerifyReport['evidence'] = []
  let bytesHashed = 0

  for (const [i, item] of items.entries()) {
    const path = folder.evidencePath(item.sha256)
    const label = `evidence #${item.id} (${item.originalName})`
    let status: EvidenceStatus = 'intact'
    let actual: string | null = null
    const st = await stat(path).catch(() => null)
    if (!st) {
      status = 'missing'
      problems.push({ kind: 'evidence-missing', object: label, message: `File missing: ${label} should be at ${path}.` })
    } else {
      const hashed = await sha256File(path, {
        signal: options.signal,
        onBytes: (n) => {
          bytesHashed += n
          options.onBytes?.(n)
        }
      })
      actual = hashed.sha256
      if (hashed.sha256 !== item.sha256 || hashed.size !== item.size) {
        status = 'changed'
        problems.push({
          kind: 'evidence-changed',
          object: label,
          message: `File changed: ${label} now hashes to ${hashed.sha256} (${hashed.size} bytes); at intake it was ${item.sha256} (${item.size} bytes).`
        })
      } else if ((st.mode & 0o222) !== 0) {
        status = 'writable'
        problems.push({
          kind: 'evidence-writable',
          object: label,
          message: `File writable: ${label} is intact but no longer read-only (mode ${(st.mode & 0o777).toString(8)}).`
        })
      }
    }
    results.push({ id: item.id, originalName: item.originalName, sha256: item.sha256, status, actualSha256: actual })
    options.onItem?.(i + 1, items.length)
  }

  const known = new Set(items.map((i) => i.sha256))
  for (const name of readdirSync(folder.layout.evidence)) {
    if (name === '.incoming' || known.has(name)) continue
    problems.push({
      kind: 'evidence-unregistered',
      object: `evidence/${name}`,
      message: `Unregistered file: evidence/${name} is in the evidence folder but not in the case record.`
    })
  }

  const chain = checkCustodyChain(folder.db)
  problems.push(...chain.problems)

  const integrity = folder.db.pragma('quick_check', { simple: true })
  if (integrity !== 'ok') {
    problems.push({ kind: 'database', object: 'case.db', message: `The case database is damaged: ${String(integrity)}.` })
  }

  const checkedUs = nowMicros()
  const report: VerifyReport = {
    ok: problems.length === 0,
    checkedAt: microsToIso(checkedUs),
    evidenceChecked: items.length,
    bytesHashed,
    custodyLength: chain.length,
    evidence: results,
    problems
  }

  if (options.record) {
    const examiner = options.record.examiner
    folder.db.transaction(() => {
      for (const r of results) recordEvidenceCheck(folder.db, r.id, checkedUs, r.status, r.actualSha256)
      appendCustody(folder.db, {
        examiner,
        action: 'case.verified',
        object: `case ${folder.info().caseId}`,
        tsUs: checkedUs,
        details: {
          ok: report.ok,
          evidenceChecked: report.evidenceChecked,
          bytesHashed,
          custodyLengthChecked: chain.length,
          problems: problems.map((p) => p.message)
        }
      })
    })()
  }
  return report
}

