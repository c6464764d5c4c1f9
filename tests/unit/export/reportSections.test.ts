// The report's timeline picture (server-side SVG, one lane per source, bars summing to the
// exported events) and its bookmark / tag / note / findings sections: "none recorded"
// while those tables do not exist, filled from them once they do.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseFolder } from '../../../electron/core/case/caseFolder'
import { exportBag } from '../../../electron/core/export/bagWriter'
import { verifyBag } from '../../../electron/core/export/bagVerifier'
import { TimelineAccumulator, timelineSvg } from '../../../electron/core/export/timelineSvg'
import { tempDir } from '../../helpers/tmp'
import { buildCase, EXAMINER } from './exportFixture'

let tmp: ReturnType<typeof tempDir>
let folder: CaseFolder

beforeAll(async () => {
  tmp = tempDir()
  folder = (await buildCase(join(tmp.path, 'case'))).folder
})
afterAll(() => {
  folder.close()
  tmp.cleanup()
})

function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`)
  expect(start, id).toBeGreaterThan(-1)
  return html.slice(start, html.indexOf('</section>', start))
}

const keysDir = (): string => join(tmp.path, 'keys')

describe('report timeline', () => {
  it('draws one lane per source whose bars add up to the exported events, without scripts', async () => {
    const r = await exportBag(folder, { out: join(tmp.path, 'bag'), examiner: EXAMINER, keysDir: keysDir() })
    const html = readFileSync(join(r.path, 'data', 'report', 'index.html'), 'utf8')
    const tl = section(html, 'timeline')
    const svg = tl.slice(tl.indexOf('<svg'), tl.indexOf('</svg>') + 6)
    expect(svg).toMatch(/role="img"/)
    expect(svg).toMatch(/<title id="timeline-title">Events per source from .* \(Europe\/Berlin\), 120 equal intervals, \d+ events<\/title>/)
    expect(svg).not.toMatch(/<script|on[a-z]+=/i)
    const lanes = svg.split('<g class="lane"').slice(1)
    expect(lanes).toHaveLength(3)
    const total = [...svg.matchAll(/<rect class="bar"[^>]*><title>(\d+)<\/title>/g)].reduce((n, m) => n + Number(m[1]), 0)
    expect(total).toBe(r.events)
    for (const name of ['Linux_2k.log', 'crowdsec_aws-cloudtrail.jsonl', 'kerberos_pwd_spray_4771.evtx']) expect(svg).toContain(name)
    expect((await verifyBag(r.path)).ok).toBe(true)
  })

  it('buckets by position in the range, clamping the end instant into the last bar', () => {
    const acc = new TimelineAccumulator(0, 100, 4)
    for (const t of [0, 24, 25, 99, 100, 101, -1]) acc.add(7, t)
    expect(acc.counts.get(7)).toEqual([2, 1, 0, 2])
    const svg = timelineSvg(acc, [{ id: 7, name: 'a <b> & "c"' }, { id: 8, name: 'empty' }], 'UTC')
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot; (5)')
    expect(svg).toContain('empty (0)')
  })
})

describe('report annotation sections', () => {
  it('says "none recorded" while the tables do not exist', async () => {
    const r = await exportBag(folder, { out: join(tmp.path, 'bag-none'), examiner: EXAMINER, keysDir: keysDir() })
    const html = readFileSync(join(r.path, 'data', 'report', 'index.html'), 'utf8')
    const b = section(html, 'bookmarks')
    for (const what of ['Bookmarks', 'Narratives', 'Tags', 'Notes']) expect(b).toContain(`${what}: none recorded (this case has no such records).`)
    expect(section(html, 'findings')).toContain('Findings: none recorded')
    expect(section(html, 'clips')).toContain('No clips are part of this export.')
  })

  it('fills them from the tables once they exist, within the range', async () => {
    // Stand-ins for schema v6 (annotations) and v8 (findings).
    folder.db.exec(`
      CREATE TABLE bookmark (id INTEGER PRIMARY KEY, event_id INTEGER, ts_us INTEGER, title TEXT, narrative TEXT);
      CREATE TABLE note (id INTEGER PRIMARY KEY, created_us INTEGER, text TEXT);
      CREATE TABLE finding (id INTEGER PRIMARY KEY, ts_us INTEGER, rule TEXT, summary TEXT);
    `)
    const ev = folder.db.prepare('SELECT id, ts FROM event ORDER BY ts LIMIT 1').get() as { id: number; ts: number }
    folder.db.prepare('INSERT INTO bookmark (event_id, ts_us, title, narrative) VALUES (?, ?, ?, ?)').run(ev.id, ev.ts, 'First sign <of> trouble', 'The first failed login.')
    folder.db.prepare('INSERT INTO bookmark (event_id, ts_us, title, narrative) VALUES (NULL, ?, ?, ?)').run(5_000_000_000_000_000, 'Far future', 'outside any range')
    folder.db.prepare('INSERT INTO note (created_us, text) VALUES (NULL, ?)').run('Case-wide note')
    folder.db.prepare('INSERT INTO finding (ts_us, rule, summary) VALUES (?, ?, ?)').run(ev.ts, 'password-spray', 'Kerberos pre-auth failures from one host')
    const from = new Date(Math.floor(ev.ts / 1000) - 3_600_000).toISOString()
    const r = await exportBag(folder, { out: join(tmp.path, 'bag-filled'), examiner: EXAMINER, keysDir: keysDir(), from, to: '2100-01-01T00:00:00Z' })
    const html = readFileSync(join(r.path, 'data', 'report', 'index.html'), 'utf8')
    const b = section(html, 'bookmarks')
    expect(b).toContain('First sign &lt;of&gt; trouble')
    expect(b).not.toContain('Far future')
    expect(b).toContain('Case-wide note')
    expect(b).toContain('Tags: none recorded')
    expect(section(html, 'findings')).toContain('Kerberos pre-auth failures from one host')
    const meta = JSON.parse(readFileSync(join(r.path, 'data', 'metadata', 'export.json'), 'utf8')) as { annotations: { bookmarks: { rows: unknown[] } } }
    expect(meta.annotations.bookmarks.rows).toHaveLength(1)

    const whole = await exportBag(folder, { out: join(tmp.path, 'bag-whole'), examiner: EXAMINER, keysDir: keysDir() })
    expect(section(readFileSync(join(whole.path, 'data', 'report', 'index.html'), 'utf8'), 'bookmarks')).toContain('Far future')
    const withoutFindings = await exportBag(folder, { out: join(tmp.path, 'bag-nofind'), examiner: EXAMINER, keysDir: keysDir(), findings: false })
    expect(section(readFileSync(join(withoutFindings.path, 'data', 'report', 'index.html'), 'utf8'), 'findings')).toContain('left out of this export by the examiner')
  })
})
