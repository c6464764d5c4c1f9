// The events table shared by the Events and Timeline views: time in the display zone
// (and UTC when asked), the normalised fields, tags, one selected row.
//
// Windowed: only the rows in sight (plus a few) are in the DOM, between two spacer rows
// that keep the scrollbar true to the number of rows loaded. No virtual-list library is
// installed and none may be added; fixed row heights make the arithmetic a few lines.
// When the window nears the last loaded row the table asks for the next keyset page.
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { EventColumn } from '@shared/contracts/annotations'
import type { EventRecord } from '@shared/ingestModel'
import { formatInZone, isoToMicros } from '@shared/time'
import './timeline/timeline.css'

export const ROW_HEIGHT = 26
const HEADER_HEIGHT = 30
const OVERSCAN = 8

export const COLUMN_LABELS: Record<EventColumn, string> = {
  timeUtc: 'Time (UTC)',
  time: 'Time',
  category: 'Category',
  action: 'Action',
  outcome: 'Outcome',
  actor: 'Actor',
  location: 'Location',
  host: 'Host',
  srcIp: 'Source IP',
  dstIp: 'Destination IP',
  tags: 'Tags',
  message: 'Message'
}
export const ALL_COLUMNS = Object.keys(COLUMN_LABELS) as EventColumn[]

function cell(e: EventRecord, column: EventColumn, zone: string, tags: string[] | undefined): string {
  switch (column) {
    case 'timeUtc':
      return e.ts
    case 'time':
      return formatInZone(isoToMicros(e.ts) ?? 0, zone)
    case 'tags':
      return tags?.join(', ') ?? ''
    default:
      return e[column] ?? ''
  }
}

export function EventTable(props: {
  events: EventRecord[]
  zone: string
  selectedId: number | null
  onSelect: (e: EventRecord) => void
  /** Visible columns in order (default: time, category, action, outcome, actor, location, message). */
  columns?: EventColumn[]
  /** Tags per event id, for the tags column. */
  tags?: Map<number, string[]>
  /** Called when the window nears the last loaded row (load the next page). */
  onNearEnd?: () => void
  /** Height of the scrolling area in pixels. */
  height?: number
  /** Scroll the selected row into sight when the selection changes from outside. */
  followSelected?: boolean
  /** Prefix of each row's element id. */
  rowIdPrefix?: string
}) {
  const { events, zone, selectedId, onSelect } = props
  const columns = props.columns ?? ['time', 'category', 'action', 'outcome', 'actor', 'location', 'message']
  const height = props.height ?? 420
  const scrollRef = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)

  const bodyTop = Math.max(0, scrollTop - HEADER_HEIGHT)
  const first = Math.max(0, Math.floor(bodyTop / ROW_HEIGHT) - OVERSCAN)
  const last = Math.min(events.length, Math.ceil((bodyTop + height) / ROW_HEIGHT) + OVERSCAN)
  const windowRows = events.slice(first, last)

  useEffect(() => {
    if (props.onNearEnd && last >= events.length - OVERSCAN * 4 && events.length > 0) props.onNearEnd()
  }, [last, events.length])

  // A new result starts at the top.
  const firstId = events[0]?.id
  useLayoutEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0
  }, [firstId])

  useEffect(() => {
    if (!props.followSelected || selectedId === null || !scrollRef.current) return
    const i = events.findIndex((e) => e.id === selectedId)
    if (i < 0) return
    const el = scrollRef.current
    const top = HEADER_HEIGHT + i * ROW_HEIGHT
    if (top < el.scrollTop + HEADER_HEIGHT || top + ROW_HEIGHT > el.scrollTop + height) el.scrollTop = Math.max(0, top - height / 2)
  }, [selectedId, props.followSelected])

  return (
    <div className="vtable" ref={scrollRef} style={{ height }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <table aria-label="Events" aria-rowcount={events.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c === 'time' ? `Time (${zone})` : COLUMN_LABELS[c]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {first > 0 && <tr aria-hidden="true" className="vtable-spacer" style={{ height: first * ROW_HEIGHT }} />}
          {windowRows.map((e, k) => (
            <tr
              key={e.id}
              id={props.rowIdPrefix ? `${props.rowIdPrefix}${e.id}` : undefined}
              className={selectedId === e.id ? 'selected' : undefined}
              style={{ height: ROW_HEIGHT }}
              onClick={() => onSelect(e)}
              onKeyDown={(k) => k.key === 'Enter' && onSelect(e)}
              tabIndex={0}
              aria-rowindex={first + k + 2}
              aria-selected={selectedId === e.id}
            >
              {columns.map((c) => (
                <td key={c} className={c === 'time' || c === 'timeUtc' ? 'mono' : c === 'message' ? 'details' : undefined}>
                  {cell(e, c, zone, props.tags?.get(e.id))}
                </td>
              ))}
            </tr>
          ))}
          {last < events.length && <tr aria-hidden="true" className="vtable-spacer" style={{ height: (events.length - last) * ROW_HEIGHT }} />}
        </tbody>
      </table>
    </div>
  )
}
