// Test fixture: a case built with the real pipeline from shared samples (acquired, then
// imported), and small helpers to run standard tools and to copy bags for tampering.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { importEvidence } from '../../../electron/core/ingest/importPipeline'
import { sample } from '../../helpers/importSample'

export const SAMPLES = ['syslog/Linux_2k.log', 'cloud/crowdsec_aws-cloudtrail.jsonl', 'windows/kerberos_pwd_spray_4771.evtx'] as const

export const EXAMINER = 'Robin Examiner'

/** Creates a case in `dir` and acquires + imports each sample; returns evidence ids in order. */
export async function buildCase(dir: string, files: readonly string[] = SAMPLES.map((s) => sample(s))): Promise<{ folder: CaseFolder; evidenceIds: number[] }> {
  const folder = CaseFolder.create(dir, { name: 'Loading dock, night of 3 May', examiner: EXAMINER, organisation: 'Acme Facilities', timeZone: 'Europe/Berlin' })
  const evidenceIds: number[] = []
  for (const file of files) {
    const acquired = await acquireEvidence(folder, { path: file }, { examiner: EXAMINER, note: 'handed over on USB #7' })
    if (!acquired.evidence) throw new Error(`not acquired: ${file}: ${acquired.reason}`)
    const report = await importEvidence(folder, { evidenceId: acquired.evidence.id, examiner: EXAMINER })
    if (report.status !== 'complete') throw new Error(`import failed: ${file}: ${report.message}`)
    evidenceIds.push(acquired.evidence.id)
  }
  return { folder, evidenceIds }
}

export function run(cmd: string, args: string[], cwd: string, input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', input, timeout: 60_000 })
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

export function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' })
    return true
  } catch {
    return false
  }
}

/** Every regular file of a folder, as '/'-separated paths relative to it. */
export function listFiles(root: string, rel = ''): string[] {
  const out: string[] = []
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name
    if (statSync(join(root, path)).isDirectory()) out.push(...listFiles(root, path))
    else out.push(path)
  }
  return out
}

export function copyBag(from: string, to: string): string {
  cpSync(from, to, { recursive: true })
  return to
}
