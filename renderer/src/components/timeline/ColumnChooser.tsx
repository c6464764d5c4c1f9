// Which columns the events table shows: one checkbox per column, named after it.
import type { EventColumn } from '@shared/contracts/annotations'
import { ALL_COLUMNS, COLUMN_LABELS } from '../EventTable'
import { Popover } from './Popover'

export function ColumnChooser(props: { hidden: EventColumn[]; onChange: (hidden: EventColumn[]) => void }) {
  const hidden = new Set(props.hidden)
  return (
    <Popover label="Choose columns" buttonText="Columns">
      {ALL_COLUMNS.map((c) => (
        <label key={c}>
          <input
            type="checkbox"
            checked={!hidden.has(c)}
            // Keep at least one column: a table without columns would look like no events.
            disabled={!hidden.has(c) && hidden.size >= ALL_COLUMNS.length - 1}
            onChange={(e) => props.onChange(e.target.checked ? props.hidden.filter((h) => h !== c) : [...props.hidden, c])}
          />
          {COLUMN_LABELS[c]}
        </label>
      ))}
    </Popover>
  )
}
