// `iwb export --zip`: one ZIP whose single top folder is the bag. `iwb verify` checks it
// without unpacking; Info-ZIP's unzip (or yauzl when unzip is missing) unpacks it into a
// bag that sha256sum -c accepts. ZIP64 records (forced on a small archive) read the same.
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import yauzl from 'yauzl'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportBag } from '../../../electron/core/export/bagWriter'
import { verifyBag } from '../../../electron/core/export/bagVerifier'
import { iwb } from '../../helpers/cli'
import { sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'
import { buildCase, EXAMINER, has, listFiles, run } from './exportFixture'

const SMALL = ['cloud/crowdsec_aws-cloudtrail.jsonl', 'windows/kerberos_pwd_spray_4771.evtx', 'network/zeek_conn_tsv.log']

async function entries(zip: string): Promise<yauzl.Entry[]> {
  const z = await yauzl.openPromise(zip, { lazyEntries: true, autoClose: false })
  const out: yauzl.Entry[] = []
  for await (const e of z.eachEntry()) out.push(e)
  z.close()
  return out
}

/** Unpacks with unzip when installed, otherwise with yauzl. */
async function unpack(zip: string, into: string): Promise<void> {
  mkdirSync(into, { recursive: true })
  if (has('unzip')) {
    const r = run('unzip', ['-q', zip, '-d', into], into)
    expect(r.code, r.stderr).toBe(0)
    return
  }
  const z = await yauzl.openPromise(zip, { lazyEntries: true, autoClose: false })
  for await (const e of z.eachEntry()) {
    const target = join(into, e.fileName)
    if (e.fileName.endsWith('/')) {
      mkdirSync(target, { recursive: true })
      continue
    }
    mkdirSync(dirname(target), { recursive: true })
    const chunks: Buffer[] = []
    for await (const c of await z.openReadStreamPromise(e)) chunks.push(c as Buffer)
    writeFileSync(target, Buffer.concat(chunks))
  }
  z.close()
}

describe('iwb export --zip', () => {
  let tmp: ReturnType<typeof tempDir>
  let env: Record<string, string>
  let caseDir: string
  let zip: string

  beforeAll(async () => {
    tmp = tempDir('iwb-zip-')
    env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
    caseDir = join(tmp.path, 'case')
    const { folder } = await buildCase(caseDir, SMALL.map((s) => sample(s)))
    folder.close()
    const r = iwb(['export', caseDir, '--out', join(tmp.path, 'out', 'court-bundle'), '--zip', '--recipient', 'Court', '--examiner', EXAMINER, '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    zip = (JSON.parse(r.stdout) as { path: string }).path
  })
  afterAll(() => tmp.cleanup())

  it('writes one ZIP (".zip" added) whose single top folder is the bag', async () => {
    expect(zip).toBe(join(tmp.path, 'out', 'court-bundle.zip'))
    const list = await entries(zip)
    const tops = new Set(list.map((e) => e.fileName.split('/')[0]))
    expect([...tops]).toEqual(['court-bundle'])
    const names = list.map((e) => e.fileName)
    expect(new Set(names).size).toBe(names.length)
    for (const f of ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'tagmanifest-sha256.txt', 'signature.json', 'data/report/index.html']) {
      expect(names).toContain(`court-bundle/${f}`)
    }
    // Originals are stored byte for byte (no compression) and marked read-only.
    for (const e of list.filter((x) => x.fileName.includes('/data/originals/') && !x.fileName.endsWith('/'))) {
      expect(e.compressionMethod).toBe(0)
      expect((e.externalFileAttributes >>> 16) & 0o777).toBe(0o444)
    }
  })

  it('passes iwb verify as a .zip, and unzips into a bag that sha256sum -c and iwb verify accept', async () => {
    const v = iwb(['verify', zip], env)
    expect(v.code, v.stdout).toBe(0)
    expect(v.stdout).toMatch(/\(zip\)/)
    if (has('unzip')) expect(run('unzip', ['-tq', zip], tmp.path).code).toBe(0)
    const into = join(tmp.path, 'unpacked')
    await unpack(zip, into)
    const bag = join(into, 'court-bundle')
    for (const [tool, file] of [
      ['sha256sum', 'manifest-sha256.txt'],
      ['sha512sum', 'manifest-sha512.txt'],
      ['sha256sum', 'tagmanifest-sha256.txt']
    ] as const) {
      const r = run(tool, ['-c', '--strict', file], bag)
      expect(r.code, `${tool} -c ${file}: ${r.stdout}${r.stderr}`).toBe(0)
    }
    expect(iwb(['verify', bag], env).code).toBe(0)
    expect(listFiles(bag).filter((f) => f.startsWith('data/originals/'))).toHaveLength(SMALL.length)
  })

  it('names a payload file changed inside the ZIP, and an entry outside the top folder', async () => {
    const tampered = join(tmp.path, 'tampered.zip')
    copyFileSync(zip, tampered)
    const target = (await entries(tampered)).find((e) => e.fileName.endsWith('.evtx'))!
    // Stored entry: its data starts right after the local header (30 bytes + name + extra).
    const fd = openSync(tampered, 'r+')
    const header = Buffer.alloc(30)
    readSync(fd, header, 0, 30, target.relativeOffsetOfLocalHeader)
    const dataStart = target.relativeOffsetOfLocalHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28)
    const byte = Buffer.alloc(1)
    readSync(fd, byte, 0, 1, dataStart + 1000)
    byte[0] = byte[0]! ^ 0xff
    writeSync(fd, byte, 0, 1, dataStart + 1000)
    closeSync(fd)
    const r = iwb(['verify', tampered], env)
    expect(r.code).toBe(1)
    const bagPath = target.fileName.slice('court-bundle/'.length)
    expect(r.stdout).toContain(`PROBLEM ${bagPath} has changed`)

    if (has('zip')) {
      const stray = join(tmp.path, 'stray')
      mkdirSync(stray)
      writeFileSync(join(stray, 'extra.txt'), 'x')
      const withExtra = join(tmp.path, 'extra.zip')
      copyFileSync(zip, withExtra)
      expect(run('zip', ['-q', withExtra, 'extra.txt'], stray).code).toBe(0)
      const e = iwb(['verify', withExtra], env)
      expect(e.code).toBe(1)
      expect(e.stdout).toMatch(/PROBLEM The ZIP must hold one top folder \(the bag\); it holds "court-bundle", "extra\.txt"/)
    }
  })

  it('writes ZIP64 records when asked (as for > 4 GiB or > 65535 entries) that unzip, yauzl and the verifier read', async () => {
    const { CaseFolder } = await import('../../../electron/core/case/caseFolder')
    const folder = CaseFolder.open(caseDir)
    const out = join(tmp.path, 'zip64', 'bundle64.zip')
    try {
      await exportBag(folder, { out, zip: true, examiner: EXAMINER, keysDir: join(tmp.path, 'config', 'keys'), forceZip64: true })
    } finally {
      folder.close()
    }
    const bytes = readFileSync(out)
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true) // ZIP64 end of central directory
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true) // ZIP64 locator
    if (has('unzip')) expect(run('unzip', ['-tq', out], dirname(out)).stdout).toMatch(/No errors detected/)
    const report = await verifyBag(out)
    expect(report.problems).toEqual([])
    const into = join(tmp.path, 'zip64', 'unpacked')
    await unpack(out, into)
    expect(run('sha256sum', ['-c', '--strict', 'manifest-sha256.txt'], join(into, basename(out, '.zip'))).code).toBe(0)
  })
})
