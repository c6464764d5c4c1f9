// `iwb export` on a case built from real samples with the real pipeline, then checked the
// way a recipient would: sha256sum/sha512sum -c in the bag, the openssl commands from the
// bag's README, the custody chain recomputed in Python, and `iwb verify`. The contents are
// checked too: originals byte for byte, bag-info, case.jsonld, custody, signing key files.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../../shared/canonicalJson'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { CUSTODY_CHECK_PYTHON, SIGNATURE_COMMANDS, SIGNATURE_COMMANDS_PYTHON } from '../../../electron/core/export/bagReadme'
import { keyFileStem } from '../../../electron/core/export/signing'
import { iwb } from '../../helpers/cli'
import { sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'
import { buildCase, EXAMINER, has, listFiles, run, SAMPLES } from './exportFixture'

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')
const sha512 = (data: Buffer | string): string => createHash('sha512').update(data).digest('hex')

describe('iwb export: a bag that standard tools accept', () => {
  let tmp: ReturnType<typeof tempDir>
  let env: Record<string, string>
  let caseDir: string
  let bag: string
  let exported: { exportId: string; path: string; tagManifestSha256: string; signer: { fingerprint: string }; originals: number; events: number }

  beforeAll(async () => {
    tmp = tempDir('iwb-export-')
    env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
    caseDir = join(tmp.path, 'case')
    const { folder } = await buildCase(caseDir)
    folder.close()
    bag = join(tmp.path, 'out', 'dock-export')
    const r = iwb(['export', caseDir, '--out', bag, '--recipient', 'Crown Prosecution, Ms. Lee', '--purpose', 'Disclosure for hearing 12/2024', '--examiner', EXAMINER, '--json'], env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    exported = JSON.parse(r.stdout) as typeof exported
  })
  afterAll(() => tmp.cleanup())

  it('passes sha256sum -c and sha512sum -c over the payload and the tag manifests, run in the bag', () => {
    for (const [tool, file] of [
      ['sha256sum', 'manifest-sha256.txt'],
      ['sha512sum', 'manifest-sha512.txt'],
      ['sha256sum', 'tagmanifest-sha256.txt'],
      ['sha512sum', 'tagmanifest-sha512.txt']
    ] as const) {
      const r = run(tool, ['-c', '--strict', file], bag)
      expect(r.stderr, `${tool} -c ${file}`).toBe('')
      expect(r.code, `${tool} -c ${file}`).toBe(0)
      expect(r.stdout).not.toMatch(/FAILED/)
    }
    // These are the commands the bag's README.txt gives, with iwb verify for all of it.
    const readme = readFileSync(join(bag, 'README.txt'), 'utf8')
    for (const line of ['sha256sum -c manifest-sha256.txt', 'sha512sum -c manifest-sha512.txt', 'sha256sum -c tagmanifest-sha256.txt', 'sha512sum -c tagmanifest-sha512.txt'])
      expect(readme).toContain(`\n  ${line}\n`)
    expect(readme).toContain('iwb verify <this folder>')
    expect(readme).not.toContain('data/clips/') // no camera was chosen
    // Every payload file is listed: sha256sum alone would not notice an unlisted one.
    const listed = readFileSync(join(bag, 'manifest-sha256.txt'), 'utf8').trim().split('\n').map((l) => l.slice(66)).sort()
    expect(listed).toEqual(listFiles(bag).filter((f) => f.startsWith('data/')))
    expect(run('sha256sum', ['-c', 'manifest-sha256.txt'], bag).stdout).toMatch(/data\/report\/index\.html: OK/)
  })

  it("verifies the signature with the README's exact openssl commands, and the key fingerprint", () => {
    const readme = readFileSync(join(bag, 'README.txt'), 'utf8')
    for (const c of SIGNATURE_COMMANDS) expect(readme).toContain(c)
    const scratch = join(tmp.path, 'sigcheck')
    mkdirSync(scratch)
    writeFileSync(join(scratch, 'signature.json'), readFileSync(join(bag, 'signature.json')))
    writeFileSync(join(scratch, 'tagmanifest-sha256.txt'), readFileSync(join(bag, 'tagmanifest-sha256.txt')))
    if (has('jq')) {
      for (const c of SIGNATURE_COMMANDS.slice(0, 2)) expect(run('sh', ['-c', c], scratch).code).toBe(0)
    } else {
      expect(run('sh', ['-c', SIGNATURE_COMMANDS_PYTHON], scratch).code).toBe(0)
    }
    const verified = run('sh', ['-c', SIGNATURE_COMMANDS[2]], scratch)
    expect(verified.stdout.trim()).toBe('Signature Verified Successfully')
    expect(verified.code).toBe(0)
    expect(run('sh', ['-c', SIGNATURE_COMMANDS[3]], scratch).stdout).toMatch(new RegExp(`^${exported.signer.fingerprint}\\s`))
    expect(readme).toContain(exported.signer.fingerprint)

    // A changed tag manifest no longer verifies with the same commands.
    writeFileSync(join(scratch, 'tagmanifest-sha256.txt'), readFileSync(join(bag, 'tagmanifest-sha256.txt'), 'utf8').replace(/^./, (c) => (c === 'a' ? 'b' : 'a')))
    const forged = run('sh', ['-c', SIGNATURE_COMMANDS[2]], scratch)
    expect(forged.code).not.toBe(0)
    expect(forged.stdout).toMatch(/Signature Verification Failure/)
  })

  it('recomputes the custody chain with the Python snippet from the README', () => {
    if (!has('python3')) return
    const readme = readFileSync(join(bag, 'README.txt'), 'utf8')
    expect(readme).toContain(CUSTODY_CHECK_PYTHON)
    const r = run('sh', ['-c', CUSTODY_CHECK_PYTHON], bag)
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines.length).toBeGreaterThan(5)
    expect(lines.every((l) => / ok$/.test(l))).toBe(true)
  })

  it('passes iwb verify (exit 0), in words and in JSON', () => {
    const human = iwb(['verify', bag], env)
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^OK: bag intact/m)
    expect(human.stdout).toContain(exported.signer.fingerprint)
    const json = iwb(['verify', bag, '--json'], env)
    expect(json.code).toBe(0)
    const report = JSON.parse(json.stdout) as { ok: boolean; exportId: string; payloadFiles: number; problems: unknown[]; signer: { valid: boolean } }
    expect(report).toMatchObject({ ok: true, exportId: exported.exportId, problems: [], signer: { valid: true } })
    expect(report.payloadFiles).toBe(SAMPLES.length + 4)
    // Pinning the key: the right fingerprint passes, another one is named.
    expect(iwb(['verify', bag, '--fingerprint', exported.signer.fingerprint], env).code).toBe(0)
    const other = iwb(['verify', bag, '--fingerprint', 'ab'.repeat(32)], env)
    expect(other.code).toBe(1)
    expect(other.stdout).toMatch(/not with the expected key/)
  })

  it('holds the originals byte for byte under safe names, and a BagIt declaration and bag-info as specified', () => {
    expect(readFileSync(join(bag, 'bagit.txt'))).toEqual(Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n'))
    const originals = listFiles(bag).filter((f) => f.startsWith('data/originals/'))
    expect(originals).toHaveLength(SAMPLES.length)
    for (const s of SAMPLES) {
      const name = s.split('/').pop()!
      const copy = originals.find((o) => o.endsWith(`-${name}`))!
      expect(copy, name).toMatch(/^data\/originals\/\d{4}-[A-Za-z0-9._-]+$/)
      expect(sha256(readFileSync(join(bag, copy)))).toBe(sha256(readFileSync(sample(s))))
      expect(statSync(join(bag, copy)).mode & 0o222, `${copy} is read-only`).toBe(0)
    }
    for (const f of listFiles(bag).filter((p) => p.startsWith('data/'))) expect(f).toMatch(/^data(\/[A-Za-z0-9._-]+)+$/)
    for (const m of ['manifest-sha256.txt', 'manifest-sha512.txt', 'tagmanifest-sha256.txt', 'tagmanifest-sha512.txt']) {
      const text = readFileSync(join(bag, m), 'utf8')
      expect(text).not.toMatch(/\r/)
      const hex = m.includes('512') ? 128 : 64
      for (const line of text.trimEnd().split('\n')) expect(line).toMatch(new RegExp(`^[0-9a-f]{${hex}}  [A-Za-z0-9._/-]+$`))
    }
    const info = readFileSync(join(bag, 'bag-info.txt'), 'utf8')
    const payload = listFiles(bag).filter((f) => f.startsWith('data/'))
    const bytes = payload.reduce((n, f) => n + statSync(join(bag, f)).size, 0)
    expect(info).toContain(`Payload-Oxum: ${bytes}.${payload.length}\n`)
    expect(info).toContain(`External-Identifier: ${exported.exportId}\n`)
    expect(info).toMatch(/^Source-Organization: Acme Facilities$/m)
    expect(info).toMatch(/^Contact-Name: Robin Examiner$/m)
    expect(info).toMatch(/^Bagging-Date: \d{4}-\d{2}-\d{2}$/m)
    expect(info).toMatch(/^External-Description: .+$/m)
    expect(info).toMatch(/^Recipient: Crown Prosecution, Ms\. Lee$/m)
    expect(info).toMatch(/^Purpose: Disclosure for hearing 12\/2024$/m)
    expect(info).toMatch(/^Time-Zone: Europe\/Berlin$/m)
    expect(info).toMatch(/^Case-Name: Loading dock, night of 3 May$/m)
  })

  it('describes every file in case.jsonld (CASE/UCO) with size and both hashes, and the acquisitions and the export as actions', () => {
    const doc = JSON.parse(readFileSync(join(bag, 'case.jsonld'), 'utf8')) as { '@context': Record<string, string>; '@graph': Record<string, unknown>[] }
    expect(doc['@context']['case-investigation']).toBe('https://ontology.caseontology.org/case/investigation/')
    expect(doc['@context']['uco-observable']).toBe('https://ontology.unifiedcyberontology.org/uco/observable/')
    const text = JSON.stringify(doc)
    for (const f of listFiles(bag).filter((p) => p.startsWith('data/') && p !== 'data/report/index.html')) {
      const data = readFileSync(join(bag, f))
      expect(text, f).toContain(sha256(data))
      expect(text, f).toContain(sha512(data))
      expect(text, f).toContain(`"@value":"${data.length}"`)
    }
    const actions = doc['@graph'].filter((n) => n['@type'] === 'case-investigation:InvestigativeAction')
    expect(actions.map((a) => a['uco-core:name']).sort()).toEqual(['acquired', 'acquired', 'acquired', 'exported'])
    for (const a of actions) {
      expect(a['uco-action:performer']).toBeDefined()
      expect(a['uco-action:instrument']).toBeDefined()
      expect(a['uco-action:result']).toBeDefined()
      expect(a['uco-action:startTime']).toMatchObject({ '@type': 'xsd:dateTime' })
    }
    const exportAction = actions.find((a) => a['uco-core:name'] === 'exported')!
    expect(exportAction['uco-action:object']).toHaveLength(SAMPLES.length)
    const tool = doc['@graph'].find((n) => n['@type'] === 'uco-tool:Tool')!
    expect(tool).toMatchObject({ 'uco-core:name': 'Incident Workbench', 'uco-tool:version': expect.any(String) })
    expect(doc['@graph'].filter((n) => n['@type'] === 'case-investigation:ProvenanceRecord')).toHaveLength(SAMPLES.length + 1)
    const people = doc['@graph'].filter((n) => n['@type'] === 'uco-identity:Person').map((p) => p['uco-core:name'])
    expect(people).toEqual([EXAMINER])
  })

  it("carries the case's custody log up to its own entry, and records the export in the case", () => {
    const lines = readFileSync(join(bag, 'custody.jsonl'), 'utf8').trimEnd().split('\n')
    const rows = lines.map((l) => JSON.parse(l) as { seq: number; action: string; hash: string; details: Record<string, unknown> })
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1))
    expect(rows.at(-1)).toMatchObject({ action: 'export.started', details: { exportId: exported.exportId, recipient: 'Crown Prosecution, Ms. Lee', purpose: 'Disclosure for hearing 12/2024' } })
    const folder = CaseFolder.open(caseDir, { readonly: true })
    const log = listCustody(folder.db, 0, 10_000)
    folder.close()
    // Each line is the case's own row, canonical JSON with all fields.
    lines.forEach((line, i) => expect(line).toBe(canonicalJson(log[i])))
    const done = log.at(-1)!
    expect(done).toMatchObject({ action: 'export.completed', examiner: EXAMINER, details: { exportId: exported.exportId, recipient: 'Crown Prosecution, Ms. Lee' } })
    expect(done.details.tagManifestSha256).toBe(sha256(readFileSync(join(bag, 'tagmanifest-sha256.txt'))))
    expect(done.details.tagManifestSha256).toBe(exported.tagManifestSha256)
    expect(done.details.originals).toHaveLength(SAMPLES.length)
  })

  it("keeps the examiner's key outside the case, private (0600 in a 0700 folder), and reuses it", () => {
    const keys = join(tmp.path, 'config', 'keys')
    expect(statSync(keys).mode & 0o777).toBe(0o700)
    const priv = join(keys, `${keyFileStem(EXAMINER)}.ed25519.key.pem`)
    expect(statSync(priv).mode & 0o777).toBe(0o600)
    expect(readFileSync(priv, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(listFiles(caseDir).some((f) => f.includes('key'))).toBe(false)
    const again = iwb(['export', caseDir, '--out', join(tmp.path, 'out', 'second'), '--examiner', EXAMINER, '--json'], env)
    expect(again.code).toBe(0)
    expect((JSON.parse(again.stdout) as typeof exported).signer.fingerprint).toBe(exported.signer.fingerprint)
  })
})
