import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, deflateRawSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { checkCustodyChain, listCustody } from '../../../electron/core/case/custody'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { acquireArchiveMembers } from '../../../electron/core/ingest/archive/archiveIntake'
import type { ExtractedMember, ExtractOptions } from '../../../electron/core/ingest/archive/archiveTypes'
import { ArchiveRefusedError, extractMembers } from '../../../electron/core/ingest/archive/extractMembers'
import { inspectArchive } from '../../../electron/core/ingest/archive/inspectArchive'
import { CancelledError } from '../../../electron/core/util/fileHash'
import { buildZip, unixMode, type ZipEntrySpec } from '../../helpers/zipBuilder'

const SAMPLE_ZIP = join(__dirname, '..', '..', '..', '..', 'shared', 'samples', 'video', 'hikvision_sdcard_index_exampleV2.zip')
const MiB = 1024 * 1024

let root: string
let folder: CaseFolder
let n = 0

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'iwb-archive-'))
  folder = CaseFolder.create(join(root, 'case'), { name: 'Archive tests', examiner: 'Tester', timeZone: 'UTC' })
})
afterAll(() => {
  folder.close()
  rmSync(root, { recursive: true, force: true })
})

/** Writes bytes to a fresh file outside the case. */
function file(name: string, bytes: Buffer): string {
  const dir = join(root, `in-${n++}`)
  mkdirSync(dir)
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

const zip = (entries: ZipEntrySpec[], name = 'test.zip') => file(name, buildZip(entries))

/** Acquires the archive as evidence, then expands it, the way the app does. */
async function acquireAndExpand(path: string, options: Parameters<typeof acquireArchiveMembers>[4] = {}) {
  const outcome = await acquireEvidence(folder, { path }, { examiner: 'Tester' })
  const archive = outcome.evidence ?? (outcome.existingId ? { id: outcome.existingId, sha256: '' } : null)
  if (!archive) throw new Error(`archive not acquired: ${outcome.reason}`)
  const row = folder.db.prepare('SELECT sha256 FROM evidence WHERE id = ?').get(archive.id) as { sha256: string }
  const report = await acquireArchiveMembers(folder, archive.id, folder.evidencePath(row.sha256), { examiner: 'Tester' }, options)
  return { archiveId: archive.id, report }
}

async function extractAll(path: string, options: ExtractOptions = {}): Promise<{ items: ExtractedMember[]; dest: string }> {
  const dest = join(root, `out-${n++}`)
  const items: ExtractedMember[] = []
  for await (const item of extractMembers(path, dest, options)) items.push(item)
  return { items, dest }
}

const sha256sum = (path: string) => execFileSync('sha256sum', [path]).toString().split(' ')[0]
const incomingIsEmpty = () => expect(readdirSync(folder.layout.incoming)).toEqual([])
const custodyOf = (action: string) => listCustody(folder.db, 0, 100_000).filter((e) => e.action === action)

function gzipWithName(data: Buffer, storedName: string): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3])
  const trailer = Buffer.alloc(8)
  trailer.writeUInt32LE(crc32(data), 0)
  trailer.writeUInt32LE(data.length >>> 0, 4)
  return Buffer.concat([header, Buffer.from(`${storedName}\0`, 'latin1'), deflateRawSync(data), trailer])
}

describe('archive inspection', () => {
  it('detects the kind by magic bytes and refuses anything else', async () => {
    expect((await inspectArchive(file('x.zip', Buffer.from('not really a zip')))).refusal).toMatch(/not a ZIP or gzip/)
    const empty = await inspectArchive(zip([]))
    expect(empty).toMatchObject({ kind: 'zip', entryCount: 0, refusal: null, members: [] })
    expect((await inspectArchive(file('x.bin', gzipSync('hi')))).kind).toBe('gzip')
  })

  it('refuses traversal names, each with a clear reason, and extracts none of them', async () => {
    const names = ['../../etc/passwd', '/abs', 'C:\\x', 'a/../../b', '..\\..\\win.ini', 'ok/\u0000hidden', '.. /x']
    const path = zip(names.map((name) => ({ name, data: Buffer.from('pwned') })))
    const listing = await inspectArchive(path)
    expect(listing.members.map((m) => m.verdict)).toEqual(names.map(() => 'refused'))
    const reasons = listing.members.map((m) => m.reason)
    expect(reasons[0]).toMatch(/path traversal.*"\.\."/)
    expect(reasons[1]).toMatch(/absolute path/)
    expect(reasons[2]).toMatch(/drive letter/)
    expect(reasons[3]).toMatch(/path traversal/)
    expect(reasons[4]).toMatch(/path traversal/)
    expect(reasons[5]).toMatch(/NUL/)
    expect(reasons[6]).toMatch(/dots and spaces/)

    const { items, dest } = await extractAll(path)
    expect(items.every((i) => i.outcome === 'refused')).toBe(true)
    expect(readdirSync(dest)).toEqual([])
  })

  it('accepts a backslash name that stays inside and records it with "/"', async () => {
    const listing = await inspectArchive(zip([{ name: 'logs\\app.log', data: Buffer.from('x') }]))
    expect(listing.members[0]).toMatchObject({ verdict: 'ok', path: 'logs/app.log', name: 'logs\\app.log' })
  })

  it('refuses symlinks, devices, encrypted entries and unsupported methods; skips folders', async () => {
    const listing = await inspectArchive(
      zip([
        { name: 'link', data: Buffer.from('/etc/passwd'), method: 0, externalAttributes: unixMode(0o120777) },
        { name: 'fifo', externalAttributes: unixMode(0o010644) },
        { name: 'secret.txt', data: Buffer.from('x'), flags: 0x1 },
        { name: 'big.bz2', data: Buffer.from('x'), method: 12, compressed: Buffer.from('x') },
        { name: 'dir/', method: 0, externalAttributes: unixMode(0o040755) },
        { name: 'dir/real.log', data: Buffer.from('line\n') },
        { name: 'hidden/', data: Buffer.from('payload'), externalAttributes: unixMode(0o040755) }
      ])
    )
    const v = listing.members.map((m) => [m.name, m.verdict, m.reason])
    expect(v[0]).toEqual(['link', 'refused', 'not a regular file: the entry is a symbolic link'])
    expect(v[1]![2]).toMatch(/named pipe/)
    expect(v[2]![2]).toMatch(/encrypted/)
    expect(v[3]![2]).toMatch(/compression method 12 \(bzip2\)/)
    expect(v[4]![1]).toBe('skipped-directory')
    expect(v[5]![1]).toBe('ok')
    expect(v[6]![2]).toMatch(/folder entry that carries data/)
  })

  it('refuses duplicate names and names that differ only by case', async () => {
    const listing = await inspectArchive(
      zip([
        { name: 'a.log', data: Buffer.from('1') },
        { name: 'a.log', data: Buffer.from('2') },
        { name: 'Report.TXT', data: Buffer.from('3') },
        { name: 'report.txt', data: Buffer.from('4') },
        { name: 'other.txt', data: Buffer.from('5') }
      ])
    )
    expect(listing.members.map((m) => m.verdict)).toEqual(['refused', 'refused', 'refused', 'refused', 'ok'])
    expect(listing.members[0]!.reason).toMatch(/duplicate name.*#0, #1/)
    expect(listing.members[2]!.reason).toMatch(/differ only by case/)
  })

  it('refuses an archive with more entries than the limit before reading them', async () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => ({ name: `f${i}.txt`, method: 0, data: Buffer.from('x') }))
    const listing = await inspectArchive(zip(entries))
    expect(listing.refusal).toBe('too many entries: the archive declares 20000; the limit is 10000')
    expect(listing.members).toEqual([])
  })

  it('refuses an honest high-ratio bomb from its declared sizes', async () => {
    const listing = await inspectArchive(zip([{ name: 'zeros.bin', data: Buffer.alloc(50 * MiB) }]))
    expect(listing.members[0]!.verdict).toBe('refused')
    expect(listing.members[0]!.reason).toMatch(/compression ratio of \d+:1 .* the limit is 200:1/)
  })

  it('refuses entries that share compressed data (non-recursive zip bomb)', async () => {
    const listing = await inspectArchive(zip([{ name: 'a.txt', data: Buffer.from('hello') }, { name: 'b.txt', shareDataWith: 0 }]))
    expect(listing.members.map((m) => m.verdict)).toEqual(['refused', 'refused'])
    expect(listing.members[1]!.reason).toMatch(/overlaps another entry/)
  })

  it('reports the real sample: index00.bin plus __MACOSX metadata, skipped', async () => {
    const listing = await inspectArchive(SAMPLE_ZIP)
    expect(listing.kind).toBe('zip')
    expect(listing.refusal).toBeNull()
    expect(listing.members.map((m) => [m.name, m.verdict, m.declaredSize])).toEqual([
      ['index00.bin', 'ok', 16_777_216],
      ['__MACOSX/._index00.bin', 'skipped-metadata', 319]
    ])
    // zipinfo -v: DOS time 2020 Dec 20 21:16:54 (the zipping machine's local time, here UTC+1)
    // and a UT extra field of 2020 Dec 20 20:16:54 UTC.
    expect(listing.members[0]!.dosTime).toBe('2020-12-20 21:16:54')
    expect(listing.members[0]!.modifiedUs).toBe(Date.UTC(2020, 11, 20, 20, 16, 54) * 1000)
  })
})

describe('archive extraction counts real bytes', () => {
  it('aborts a member that inflates past its declared size, leaving no partial file', async () => {
    const bomb = deflateRawSync(Buffer.alloc(50 * MiB))
    const path = zip([{ name: 'small.log', data: Buffer.alloc(1000), compressed: bomb, declaredSize: 1000 }])
    expect((await inspectArchive(path)).members[0]!.verdict).toBe('ok') // the headers look innocent
    let maxReported = 0
    const { items, dest } = await extractAll(path, { onProgress: (p) => (maxReported = Math.max(maxReported, p.memberBytes)) })
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ outcome: 'refused' })
    expect(items[0]!.outcome === 'refused' && items[0]!.reason).toMatch(/more than the 1000 bytes its header declares/)
    expect(maxReported).toBeLessThanOrEqual(1000)
    expect(readdirSync(dest)).toEqual([])
  })

  it('aborts a gzip whose output passes the ratio limit, whatever its trailer says', async () => {
    const gz = gzipSync(Buffer.alloc(50 * MiB))
    gz.writeUInt32LE(10, gz.length - 4) // lie in ISIZE
    const { items, dest } = await extractAll(file('bomb.gz', gz), { archiveName: 'bomb.gz' })
    expect(items[0]!.outcome === 'refused' && items[0]!.reason).toMatch(/inflates beyond 200:1/)
    expect(readdirSync(dest)).toEqual([])
  })

  it('holds members to the total budget', async () => {
    const data = randomBytes(2 * MiB)
    const { items, dest } = await extractAll(file('big.gz', gzipSync(data)), { archiveName: 'big.gz', limits: { maxTotalBytes: MiB } })
    expect(items[0]!.outcome === 'refused' && items[0]!.reason).toMatch(/total budget of 1\.0 MiB/)
    expect(readdirSync(dest)).toEqual([])
  })

  it('refuses a member whose CRC does not match its data', async () => {
    const { items } = await extractAll(zip([{ name: 'a.log', data: Buffer.from('hello'), crc: 1234 }]))
    expect(items[0]!.outcome === 'refused' && items[0]!.reason).toMatch(/CRC-32 mismatch/)
  })

  it('refuses a member whose local header names another file', async () => {
    const { items } = await extractAll(zip([{ name: 'a.log', localName: '../evil', data: Buffer.from('hello') }]))
    expect(items[0]!.outcome === 'refused' && items[0]!.reason).toMatch(/local header names a different file/)
  })

  it('stops on cancel with CancelledError and deletes the partial file', async () => {
    const path = zip([{ name: 'r.bin', data: randomBytes(4 * MiB) }])
    const controller = new AbortController()
    const dest = join(root, `out-${n++}`)
    const run = async () => {
      for await (const _ of extractMembers(path, dest, { signal: controller.signal, onProgress: () => controller.abort() })) void _
    }
    await expect(run()).rejects.toBeInstanceOf(CancelledError)
    expect(readdirSync(dest)).toEqual([])
  })

  it('throws ArchiveRefusedError for a whole-archive refusal', async () => {
    await expect(extractAll(file('x.zip', Buffer.from('PK\x03\x04 but nothing else')))).rejects.toBeInstanceOf(ArchiveRefusedError)
  })
})

describe('archive members become evidence', () => {
  it('acquires each member of a normal zip as evidence derived from the archive', async () => {
    const authLog = Buffer.from('Jan 10 10:00:01 host sshd[1]: Accepted password for root\n'.repeat(500))
    const appLog = Buffer.from('{"ts":"2024-01-10T10:00:00Z","msg":"login"}\n'.repeat(300))
    const authPath = file('auth.log', authLog)
    const appPath = file('app.jsonl', appLog)
    const path = zip(
      [
        { name: 'logs/', method: 0, externalAttributes: unixMode(0o040755) },
        { name: 'logs/auth.log', data: authLog },
        { name: 'logs/app.jsonl', data: appLog, method: 0 },
        { name: '__MACOSX/logs/._auth.log', data: Buffer.from('mac') }
      ],
      'logs.zip'
    )
    const { archiveId, report } = await acquireAndExpand(path)
    expect(report.refusal).toBeNull()
    expect(report.counts).toEqual({ acquired: 2, duplicate: 0, refused: 0, skipped: 2 })

    const rows = folder.db
      .prepare('SELECT id, sha256, original_name, original_path, acquired_via, parent_id, member_path, source_mtime_us FROM evidence WHERE parent_id = ? ORDER BY id')
      .all(archiveId) as { id: number; sha256: string; original_name: string; original_path: string; acquired_via: string; parent_id: number; member_path: string }[]
    expect(rows.map((r) => [r.member_path, r.original_name, r.acquired_via])).toEqual([
      ['logs/auth.log', 'auth.log', 'archive-member'],
      ['logs/app.jsonl', 'app.jsonl', 'archive-member']
    ])
    expect(rows[0]!.original_path).toMatch(/logs\.zip!\/logs\/auth\.log$/)
    // Hashes agree with sha256sum of the originals, and with the read-only copies in the case.
    expect(rows[0]!.sha256).toBe(sha256sum(authPath))
    expect(rows[1]!.sha256).toBe(sha256sum(appPath))
    expect(sha256sum(folder.evidencePath(rows[0]!.sha256))).toBe(rows[0]!.sha256)

    const acquired = custodyOf('evidence.acquired').filter((e) => e.details.parentId === archiveId)
    expect(acquired.map((e) => e.details.memberPath)).toEqual(['logs/auth.log', 'logs/app.jsonl'])
    const expanded = custodyOf('evidence.archive-expanded').at(-1)!
    expect(expanded.object).toBe(`evidence ${archiveId}`)
    expect(expanded.details).toMatchObject({ acquired: 2, refused: 0, skipped: 2 })
    expect(checkCustodyChain(folder.db).problems).toEqual([])
    incomingIsEmpty()

    // The same log in another archive is a duplicate of the item already in the case.
    const again = await acquireAndExpand(zip([{ name: 'copy-of-auth.log', data: authLog }], 'other.zip'))
    expect(again.report.members[0]).toMatchObject({ outcome: 'duplicate', existingId: rows[0]!.id })
  })

  it('records refused members in custody and leaves nothing in staging', async () => {
    const bomb = deflateRawSync(Buffer.alloc(50 * MiB))
    const { archiveId, report } = await acquireAndExpand(
      zip([
        { name: '../../etc/passwd', data: Buffer.from('root:x:0:0') },
        { name: 'small.log', data: Buffer.alloc(10), compressed: bomb, declaredSize: 10 },
        { name: 'fine.log', data: Buffer.from('fine\n') }
      ])
    )
    expect(report.members.map((m) => m.outcome)).toEqual(['refused', 'refused', 'acquired'])
    const refused = custodyOf('evidence.member-refused').filter((e) => e.object === `evidence ${archiveId}`)
    expect(refused.map((e) => e.details.member)).toEqual(['../../etc/passwd', 'small.log'])
    expect(String(refused[1]!.details.reason)).toMatch(/header declares/)
    incomingIsEmpty()
  })

  it('records a whole-archive refusal in custody', async () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => ({ name: `f${i}`, method: 0 }))
    const { archiveId, report } = await acquireAndExpand(zip(entries, 'many.zip'))
    expect(report.refusal).toMatch(/too many entries/)
    expect(custodyOf('evidence.archive-refused').some((e) => e.object === `evidence ${archiveId}`)).toBe(true)
  })

  it('acquires a .gz as one member named after the archive minus .gz', async () => {
    const trail = Buffer.from(JSON.stringify({ Records: [{ eventTime: '2024-01-10T10:00:00Z', eventName: 'ConsoleLogin' }] }))
    const original = file('cloudtrail.json', trail)
    const { report } = await acquireAndExpand(file('cloudtrail.json.gz', gzipSync(trail)))
    expect(report.kind).toBe('gzip')
    expect(report.members).toHaveLength(1)
    expect(report.members[0]).toMatchObject({ outcome: 'acquired', memberPath: 'cloudtrail.json', size: trail.length })
    const row = folder.db.prepare('SELECT sha256, original_path FROM evidence WHERE id = ?').get(report.members[0]!.evidenceId) as { sha256: string; original_path: string }
    expect(row.sha256).toBe(sha256sum(original))
    expect(row.original_path).toMatch(/cloudtrail\.json\.gz!\/cloudtrail\.json$/)
  })

  it('names a gzip without a .gz suffix after its sanitised FNAME', async () => {
    const { items } = await extractAll(file('blob', gzipWithName(Buffer.from('x'), '../../evil.json')), { archiveName: 'blob' })
    expect(items[0]).toMatchObject({ outcome: 'extracted', member: { path: 'evil.json' } })
  })

  it('treats concatenated gzip members as one stream', async () => {
    const a = Buffer.from('first part\n'.repeat(100))
    const b = Buffer.from('second part\n'.repeat(100))
    const joined = file('joined.log', Buffer.concat([a, b]))
    const { report } = await acquireAndExpand(file('joined.log.gz', Buffer.concat([gzipSync(a), gzipSync(b)])))
    const row = folder.db.prepare('SELECT sha256 FROM evidence WHERE id = ?').get(report.members[0]!.evidenceId) as { sha256: string }
    expect(row.sha256).toBe(sha256sum(joined))
  })

  it('refuses a truncated gzip with a clear reason', async () => {
    const gz = gzipSync(randomBytes(256 * 1024))
    const { report } = await acquireAndExpand(file('cut.log.gz', gz.subarray(0, gz.length >> 1)))
    expect(report.members[0]).toMatchObject({ outcome: 'refused' })
    expect(report.members[0]!.reason).toMatch(/truncated: it ends before the stream is complete/)
    incomingIsEmpty()
  })
})
