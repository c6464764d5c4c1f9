// The events table shared by the Events and Timeline views: time in the display zone
// (and UTC when asked), the normalised fields, one selected row.
import type { EventRecord } from '@shared/ingestModel'
import { formatInZone, isoToMicros } from '@shared/time'

export function EventTable(props: {
  events: EventRecord[]
  zone: string
  selectedId: number | null
  onSelect: (e: EventRecord) => void
  showUtc?: boolean
  showHost?: boolean
  /** Prefix of each row's element id, so a view can scroll a row into sight. */
  rowIdPrefix?: string
}) {
  const { events, zone, selectedId, onSelect } = props
  return (
    <table aria-label="Events">
      <thead>
        <tr>
          {props.showUtc && <th>Time (UTC)</th>}
          <th>Time ({zone})</th>
          <th>Category</th>
          <th>Action</th>
          <th>Outcome</th>
          <th>Actor</th>
          <th>Location</th>
          {props.showHost && <th>Host</th>}
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr
            key={e.id}
            id={props.rowIdPrefix ? `${props.rowIdPrefix}${e.id}` : undefined}
            className={selectedId === e.id ? 'selected' : undefined}
            onClick={() => onSelect(e)}
            onKeyDown={(k) => k.key === 'Enter' && onSelect(e)}
            tabIndex={0}
            aria-selected={selectedId === e.id}
          >
            {props.showUtc && <td className="mono">{e.ts}</td>}
            <td className="mono">{formatInZone(isoToMicros(e.ts) ?? 0, zone)}</td>
            <td>{e.category}</td>
            <td>{e.action}</td>
            <td>{e.outcome}</td>
            <td>{e.actor}</td>
            <td>{e.location}</td>
            {props.showHost && <td>{e.host}</td>}
            <td className="details">{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
