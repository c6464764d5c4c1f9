// The lane labels beside the canvas: focus a lane (for [ and ]), move it up or down,
// collapse it to a thin strip, hide it; and the lanes menu to show hidden lanes again.
import type { LaneLayout } from '@shared/contracts/annotations'
import { Popover } from './Popover'

export interface LaneRow {
  key: string
  label: string
  total: number | null
  height: number
  collapsed: boolean
}

export function LaneLabels(props: {
  rows: LaneRow[]
  focused: string | null
  onFocus: (key: string | null) => void
  onMove: (key: string, delta: -1 | 1) => void
  onToggleCollapsed: (key: string) => void
  onHide: (key: string) => void
}) {
  const { rows } = props
  return (
    <ul aria-label="Lanes">
      {rows.map((r, i) => (
        <li key={r.key} style={{ height: r.height }} title={r.label} className={props.focused === r.key ? 'focused' : undefined}>
          <span
            className="lane-name"
            role="button"
            tabIndex={0}
            aria-pressed={props.focused === r.key}
            aria-label={`Focus lane ${r.label}`}
            onClick={() => props.onFocus(props.focused === r.key ? null : r.key)}
            onKeyDown={(e) => (e.key === 'Enter' ? props.onFocus(props.focused === r.key ? null : r.key) : undefined)}
          >
            {r.label} {!r.collapsed && r.total !== null && <span className="muted">({r.total})</span>}
          </span>
          <span className="lane-actions">
            {!r.collapsed && (
              <>
                <button type="button" aria-label={`Move ${r.label} up`} title="Move up" disabled={i === 0} onClick={() => props.onMove(r.key, -1)}>
                  ↑
                </button>
                <button type="button" aria-label={`Move ${r.label} down`} title="Move down" disabled={i === rows.length - 1} onClick={() => props.onMove(r.key, 1)}>
                  ↓
                </button>
              </>
            )}
            <button type="button" aria-label={`${r.collapsed ? 'Expand' : 'Collapse'} ${r.label}`} title={r.collapsed ? 'Expand' : 'Collapse'} onClick={() => props.onToggleCollapsed(r.key)}>
              {r.collapsed ? '▸' : '▾'}
            </button>
            {!r.collapsed && (
              <button type="button" aria-label={`Hide ${r.label}`} title="Hide" onClick={() => props.onHide(r.key)}>
                ✕
              </button>
            )}
          </span>
        </li>
      ))}
    </ul>
  )
}

/** Every lane of the grouping with a checkbox: unticked lanes are hidden (and not queried). */
export function LanesMenu(props: { lanes: { key: string; label: string }[]; layout: LaneLayout; onChange: (layout: LaneLayout) => void }) {
  const hidden = new Set(props.layout.hidden)
  return (
    <Popover label="Show or hide lanes" buttonText="Lanes">
      <button type="button" onClick={() => props.onChange({ ...props.layout, hidden: [] })} disabled={hidden.size === 0}>
        Show all lanes
      </button>
      <button type="button" onClick={() => props.onChange({ order: [], hidden: [], collapsed: [] })}>
        Reset lanes
      </button>
      <fieldset>
        <legend className="muted">Shown lanes</legend>
        {props.lanes.map((l) => (
          <label key={l.key}>
            <input
              type="checkbox"
              checked={!hidden.has(l.key)}
              onChange={(e) =>
                props.onChange({ ...props.layout, hidden: e.target.checked ? props.layout.hidden.filter((k) => k !== l.key) : [...props.layout.hidden, l.key] })
              }
            />
            {l.label}
          </label>
        ))}
      </fieldset>
    </Popover>
  )
}
