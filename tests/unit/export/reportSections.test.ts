// The report's timeline picture (server-side SVG, one lane per source, bars summing to the
// exported events) and its bookmark / tag / note / findings sections: "none recorded"
// while the case has none, filled from the annotations made with the timeline module.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseFolder } from '../../../electron/core/case/caseFolder'
import { exportBag } from '../../../electron/core/export/bagWriter'
import { verifyBag } from '../../../electron/core/export/bagVerifier'
import { TimelineAccumulator, timelineSvg } from '../../../electron/core/export/timelineSvg'
import { decideFinding, listFindings, saveFindings } from '../../../electron/core/correlation/findings'
import type { FindingDraft } from '../../../electron/core/correlation/rules/common'
import { RULE_IDS } from '../../../shared/contracts/correlation'
import { addNote, createBookmark, deleteBookmark, setTag, updateBookmark } from '../../../electron/core/timeline/annotations'
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
  it('says "none recorded" while the case has no bookmarks, tags, notes or findings', async () => {
    const r = await exportBag(folder, { out: join(tmp.path, 'bag-none'), examiner: EXAMINER, keysDir: keysDir() })
    const html = readFileSync(join(r.path, 'data', 'report', 'index.html'), 'utf8')
    const b = section(html, 'bookmarks')
    for (const what of ['Bookmarks and narratives', 'Tags', 'Notes']) expect(b).toContain(`${what}: none recorded.`)
    expect(section(html, 'findings')).toContain('Confirmed findings: none recorded.')
    expect(section(html, 'clips')).toContain('No clips are part of this export.')
  })

  it('fills them from the annotations made with the timeline module, within the range', async () => {
    const db = folder.db
    const [first, second] = db.prepare('SELECT id, ts FROM event ORDER BY ts, id LIMIT 2').all() as { id: number; ts: number }[]
    const bm = createBookmark(db, { fromUs: first!.ts, toUs: first!.ts + 60_000_000, title: 'First sign <of> trouble', narrative: 'The first failed login.' }, EXAMINER)
    updateBookmark(db, bm.id, { narrative: 'The first failed login, from the build host.' }, EXAMINER)
    createBookmark(db, { fromUs: 5_000_000_000_000_000, toUs: null, title: 'Far future', narrative: 'outside any range' }, EXAMINER)
    const gone = createBookmark(db, { fromUs: first!.ts, toUs: null, title: 'Withdrawn bookmark', narrative: '' }, EXAMINER)
    deleteBookmark(db, gone.id, EXAMINER, 'duplicate')
    addNote(db, second!.id, 'Same account, 2 s later.', EXAMINER)
    setTag(db, [first!.id, second!.id], 'spray', 'add', EXAMINER)

    const from = new Date(Math.floor(first!.ts / 1000) - 3_600_000).toISOString()
    const r = await exportBag(folder, { out: join(tmp.path, 'bag-filled'), examiner: EXAMINER, keysDir: keysDir(), from, to: '2100-01-01T00:00:00Z' })
    const html = readFileSync(join(r.path, 'data', 'report', 'index.html'), 'utf8')
    const b = section(html, 'bookmarks')
    expect(b).toContain('First sign &lt;of&gt; trouble')
    expect(b).toContain('The first failed login, from the build host.')
    expect(b).toContain('version 2; earlier versions in data/metadata/export.json')
    expect(b).not.toContain('Far future')
    expect(b).not.toContain('Withdrawn bookmark')
    expect(b).toContain('Same account, 2 s later.')
    expect(b).toMatch(new RegExp(`<td>spray</td><td>#${first!.id}<br>`))
    expect(b).toMatch(new RegExp(`<td>spray</td><td>#${second!.id}<br>`))
    expect(section(html, 'findings')).toContain('Confirmed findings: none recorded in the selected range.')
    const meta = JSON.parse(readFileSync(join(r.path, 'data', 'metadata', 'export.json'), 'utf8')) as {
      annotations: { bookmarks: { title: string; versions: { body: string }[] }[]; notes: { eventId: number }[]; tags: unknown[] }
    }
    expect(meta.annotations.bookmarks.map((x) => x.title)).toEqual(['First sign <of> trouble'])
    expect(meta.annotations.bookmarks[0]!.versions.map((v) => v.body)).toEqual(['The first failed login.', 'The first failed login, from the build host.'])
    expect(meta.annotations.notes.map((n) => n.eventId)).toEqual([second!.id])
    expect(meta.annotations.tags).toHaveLength(2)
    expect((await verifyBag(r.path)).ok).toBe(true)

    // A range before the first event: none of them.
    const early = await exportBag(folder, { out: join(tmp.path, 'bag-early'), examiner: EXAMINER, keysDir: keysDir(), from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' })
    const eb = section(readFileSync(join(early.path, 'data', 'report', 'index.html'), 'utf8'), 'bookmarks')
    for (const what of ['Bookmarks and narratives', 'Tags', 'Notes']) expect(eb).toContain(`${what}: none recorded in the selected range.`)

    const whole = await exportBag(folder, { out: join(tmp.path, 'bag-whole'), examiner: EXAMINER, keysDir: keysDir() })
    expect(section(readFileSync(join(whole.path, 'data', 'report', 'index.html'), 'utf8'), 'bookmarks')).toContain('Far future')
    const withoutFindings = await exportBag(folder, { out: join(tmp.path, 'bag-nofind'), examiner: EXAMINER, keysDir: keysDir(), findings: false })
    expect(section(readFileSync(join(withoutFindings.path, 'data', 'report', 'index.html'), 'utf8'), 'findings')).toContain('left out of this export by the examiner')
  })

  it('exports confirmed findings with severity, explanation, supporting events and cameras; "findings only" selects their events', async () => {
    const db = folder.db
    // The fixture's logs trigger no rule, so two findings are saved the way a rule run saves them.
    const evs = db.prepare('SELECT id, ts FROM event ORDER BY ts, id LIMIT 4').all() as { id: number; ts: number }[]
    const draft = (key: string, ev: { id: number; ts: number }[], cameras: string[]): FindingDraft => ({
      rule: RULE_IDS[0], key, severity: 'high', tsUs: ev[0]!.ts, endUs: ev[ev.length - 1]!.ts, title: `Spray <${key}>`,
      explanation: 'Kerberos pre-auth failures for many accounts from one host within 10 minutes.', subjects: ['WKS-07'], eventIds: ev.map((e) => e.id), cameras, links: []
    })
    saveFindings(db, [draft('a', evs.slice(0, 2), ['Dock cam']), draft('b', evs.slice(2, 4), [])], 1, [RULE_IDS[0]])
    const all = listFindings(db)
    expect(all).toHaveLength(2)
    const chosen = all[0]!
    decideFinding(db, { id: chosen.id, decision: 'confirm', reason: 'checked against the DC logs', examiner: EXAMINER })
    const others = all.slice(1)
    if (others[0]) decideFinding(db, { id: others[0].id, decision: 'dismiss', reason: 'test account', examiner: EXAMINER })

    const r = await exportBag(folder, { out: join(tmp.path, 'bag-findings'), examiner: EXAMINER, keysDir: keysDir() })
    const f = section(readFileSync(join(r.path, 'data', 'report', 'index.html'), 'utf8'), 'findings')
    expect(f).toContain(`Finding #${chosen.id}:`)
    expect(f).toContain(`<dt>Severity</dt><dd>${chosen.severity}</dd>`)
    expect(f).toContain('checked against the DC logs')
    expect(f).toContain(chosen.explanation.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'))
    expect(f).toContain(`Supporting events (${chosen.eventIds.length})`)
    for (const id of chosen.eventIds.slice(0, 20)) expect(f).toContain(`<td>#${id}</td>`)
    expect(f).toContain(chosen.cameras.length ? chosen.cameras[0]! : 'none associated')
    if (others[0]) expect(f).not.toContain(`Finding #${others[0].id}:`)
    const meta = JSON.parse(readFileSync(join(r.path, 'data', 'metadata', 'export.json'), 'utf8')) as { findings: { id: number; events: { id: number }[] }[] }
    expect(meta.findings.map((x) => x.id)).toEqual([chosen.id])
    expect(meta.findings[0]!.events.map((e) => e.id).sort((a, b) => a - b)).toEqual([...chosen.eventIds].sort((a, b) => a - b))

    // The "findings" selection: only the confirmed finding's events.
    const only = await exportBag(folder, { out: join(tmp.path, 'bag-findings-only'), examiner: EXAMINER, keysDir: keysDir(), findingsOnly: true })
    const ids = readFileSync(join(only.path, 'data', 'events', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id)
    expect(ids.sort((a, b) => a - b)).toEqual([...new Set(chosen.eventIds)].sort((a, b) => a - b))
    expect((await verifyBag(only.path)).ok).toBe(true)
  })
})
