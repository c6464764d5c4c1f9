// Saved views (name → filters, grouping, lanes, visible range, columns) and the case's
// working layout. Saved views are versioned like annotations (a deletion is a tombstone)
// and each save or delete is a custody entry: a view is how a finding was looked at.
// The working layout is a display preference, overwritten in place.
import { SavedView, ViewState } from '@shared/contracts/annotations'
import { microsToIso, nowMicros } from '@shared/time'
import { appendCustody } from '../case/custody'
import type { Db } from '../case/database'

interface Row {
  name: string
  state: string
  deleted: number
  ts_us: number
  examiner: string
}

/** A stored state read back through the schema, so a hand-edited row cannot reach the UI unchecked. */
function parseState(text: string): ViewState | null {
  try {
    const parsed = ViewState.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export function listSavedViews(db: Db): SavedView[] {
  const rows = db
    .prepare(
      `SELECT name, state, deleted, ts_us, examiner FROM saved_view_version v
        WHERE id = (SELECT MAX(id) FROM saved_view_version WHERE name = v.name) ORDER BY name COLLATE NOCASE`
    )
    .all() as Row[]
  const out: SavedView[] = []
  for (const r of rows) {
    if (r.deleted) continue
    const state = parseState(r.state)
    if (state) out.push(SavedView.parse({ name: r.name, state, savedAt: microsToIso(r.ts_us), examiner: r.examiner }))
  }
  return out
}

export function saveView(db: Db, name: string, state: ViewState, examiner: string): SavedView {
  const clean = name.trim()
  return db.transaction(() => {
    const tsUs = nowMicros()
    const json = JSON.stringify(state)
    db.prepare('INSERT INTO saved_view_version (name, state, deleted, ts_us, examiner) VALUES (?, ?, 0, ?, ?)').run(clean, json, tsUs, examiner)
    appendCustody(db, { examiner, action: 'view.saved', object: `view ${clean}`, tsUs, details: { state } })
    return { name: clean, state, savedAt: microsToIso(tsUs), examiner }
  })()
}

export function deleteSavedView(db: Db, name: string, examiner: string): boolean {
  return db.transaction(() => {
    const cur = db.prepare('SELECT state, deleted FROM saved_view_version WHERE name = ? ORDER BY id DESC LIMIT 1').get(name) as
      | { state: string; deleted: number }
      | undefined
    if (!cur || cur.deleted) return false
    const tsUs = nowMicros()
    db.prepare('INSERT INTO saved_view_version (name, state, deleted, ts_us, examiner) VALUES (?, ?, 1, ?, ?)').run(name, cur.state, tsUs, examiner)
    appendCustody(db, { examiner, action: 'view.deleted', object: `view ${name}`, tsUs, details: {} })
    return true
  })()
}

export function getLayout(db: Db): ViewState | null {
  const row = db.prepare(`SELECT state FROM timeline_layout WHERE key = 'current'`).get() as { state: string } | undefined
  return row ? parseState(row.state) : null
}

export function setLayout(db: Db, state: ViewState): void {
  db.prepare(
    `INSERT INTO timeline_layout (key, state, updated_us) VALUES ('current', ?, ?)
     ON CONFLICT(key) DO UPDATE SET state = excluded.state, updated_us = excluded.updated_us`
  ).run(JSON.stringify(state), nowMicros())
}
