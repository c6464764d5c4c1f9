// Tampering with an exported bag, file by file, as someone with the folder in hand could:
// for EVERY file, one changed byte and its deletion must make `iwb verify` fail and name
// it; so must an extra file, and an edited or removed custody.jsonl line (named by line).
import { chmodSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../../shared/canonicalJson'
import { exportBag } from '../../../electron/core/export/bagWriter'
import { verifyBag } from '../../../electron/core/export/bagVerifier'
import { iwb } from '../../helpers/cli'
import { sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'
import { buildCase, EXAMINER, listFiles } from './exportFixture'

const SMALL = ['cloud/crowdsec_aws-cloudtrail.jsonl', 'windows/kerberos_pwd_spray_4771.evtx', 'firewall/crowdsec_pfsense-rfc5424-filterlog.log']

let tmp: ReturnType<typeof tempDir>
let env: Record<string, string>
let bag: string
let files: string[]

beforeAll(async () => {
  tmp = tempDir('iwb-tamper-')
  env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
  const { folder } = await buildCase(join(tmp.path, 'case'), SMALL.map((s) => sample(s)))
  bag = join(tmp.path, 'bag')
  await exportBag(folder, { out: bag, examiner: EXAMINER, recipient: 'Court', purpose: 'Test', keysDir: join(tmp.path, 'config', 'keys') })
  folder.close()
  files = listFiles(bag)
})
afterAll(() => tmp.cleanup())

/** Runs `fn` with one file altered, then puts the original bytes back. */
async function withAltered(file: string, alter: (data: Buffer) => Buffer | null, fn: () => Promise<void> | void): Promise<void> {
  const path = join(bag, file)
  const original = readFileSync(path)
  chmodSync(path, 0o644)
  const changed = alter(Buffer.from(original))
  if (changed === null) unlinkSync(path)
  else writeFileSync(path, changed)
  try {
    await fn()
  } finally {
    writeFileSync(path, original)
  }
}

const flip = (at: (len: number) => number) => (data: Buffer): Buffer => {
  const i = at(data.length)
  data[i] = data[i]! ^ 0x01
  return data
}

describe('iwb verify on a tampered bag', () => {
  it('covers every kind of file a bag holds', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'manifest-sha512.txt', 'tagmanifest-sha256.txt', 'tagmanifest-sha512.txt',
        'case.jsonld', 'custody.jsonl', 'signature.json', 'README.txt', 'data/events/events.jsonl', 'data/events/events.csv',
        'data/metadata/export.json', 'data/report/index.html'
      ])
    )
    expect(files.filter((f) => f.startsWith('data/originals/'))).toHaveLength(SMALL.length)
    expect(iwb(['verify', bag], env).code).toBe(0)
  })

  // One test per file (the list is read from the bag, so a new file is covered automatically).
  it.each(['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'manifest-sha512.txt', 'tagmanifest-sha256.txt', 'tagmanifest-sha512.txt', 'case.jsonld', 'custody.jsonl', 'signature.json', 'README.txt'])(
    'names the tag file %s when one byte of it changes or it is deleted',
    async (file) => checkFile(file)
  )

  it('names every payload file when one byte of it changes or it is deleted', async () => {
    const payload = files.filter((f) => f.startsWith('data/'))
    expect(payload.length).toBe(SMALL.length + 4)
    for (const file of payload) await checkFile(file)
  }, 180_000)

  it('checks above every tag file the bag holds (no other tag file exists)', () => {
    const tags = files.filter((f) => !f.startsWith('data/'))
    expect(tags.sort()).toEqual(
      ['README.txt', 'bag-info.txt', 'bagit.txt', 'case.jsonld', 'custody.jsonl', 'manifest-sha256.txt', 'manifest-sha512.txt', 'signature.json', 'tagmanifest-sha256.txt', 'tagmanifest-sha512.txt'].sort()
    )
  })

  it('names an extra file added to data/, to data/originals/ and next to the tag files', async () => {
    for (const extra of ['data/notes.txt', 'data/originals/9999-planted.log', 'corrections.txt']) {
      writeFileSync(join(bag, extra), 'added later\n')
      try {
        const r = iwb(['verify', bag], env)
        expect(r.code, extra).toBe(1)
        expect(r.stdout).toContain(`PROBLEM ${extra} is`)
        if (extra.startsWith('data/')) expect(r.stdout).toMatch(/Payload-Oxum in bag-info\.txt/)
      } finally {
        rmSync(join(bag, extra))
      }
    }
    expect(iwb(['verify', bag], env).code).toBe(0)
  })

  it('names the custody.jsonl line whose entry was edited, and the line after a removed one', async () => {
    const path = join(bag, 'custody.jsonl')
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    expect(lines.length).toBeGreaterThan(4)
    for (const n of [1, 3, lines.length]) {
      await withAltered(
        'custody.jsonl',
        () => {
          const row = JSON.parse(lines[n - 1]!) as Record<string, unknown>
          row.examiner = 'Mallory'
          return Buffer.from(lines.map((l, i) => (i === n - 1 ? canonicalJson(row) : l)).join('\n') + '\n')
        },
        () => {
          const r = iwb(['verify', bag], env)
          expect(r.code).toBe(1)
          expect(r.stdout).toContain(`Custody chain broken at custody.jsonl line ${n} (seq ${n}): its content`)
          // The rows around it still link up: only the edited line is named by the chain check.
          expect(r.stdout.match(/Custody chain broken at custody\.jsonl line (\d+)/g)).toEqual([`Custody chain broken at custody.jsonl line ${n}`])
        }
      )
    }
    await withAltered(
      'custody.jsonl',
      () => Buffer.from(lines.filter((_, i) => i !== 1).join('\n') + '\n'),
      () => {
        const r = iwb(['verify', bag], env)
        expect(r.code).toBe(1)
        expect(r.stdout).toContain('Custody chain broken at custody.jsonl line 2 (seq 3): expected seq 2')
        expect(r.stdout).toContain('Custody chain broken at custody.jsonl line 2 (seq 3): it does not point at the hash of the line before it')
      }
    )
    expect(iwb(['verify', bag], env).code).toBe(0)
  })
})

/** Middle byte and deletion through the CLI; first and last byte through the core verifier. */
async function checkFile(file: string): Promise<void> {
  await withAltered(file, flip((n) => Math.floor(n / 2)), () => {
    const r = iwb(['verify', bag], env)
    expect(r.code, `one byte of ${file} changed`).toBe(1)
    expect(r.stdout, `one byte of ${file} changed`).toMatch(new RegExp(`PROBLEM .*${file.replace(/\./g, '\\.')}`))
  })
  await withAltered(file, () => null, () => {
    const r = iwb(['verify', bag], env)
    expect(r.code, `${file} deleted`).toBe(1)
    expect(r.stdout, `${file} deleted`).toMatch(new RegExp(`PROBLEM .*${file.replace(/\./g, '\\.')}.* missing`))
  })
  for (const at of [(): number => 0, (n: number): number => n - 1]) {
    await withAltered(file, flip(at), async () => {
      const report = await verifyBag(bag)
      expect(report.ok, `${file} byte ${at(100)}`).toBe(false)
      expect(report.problems.map((p) => p.message).join('\n')).toContain(file)
    })
  }
}
