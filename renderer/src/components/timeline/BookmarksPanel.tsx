// The case's bookmarks: filter, jump to, edit (title, narrative) and delete. Each change
// is recorded in the custody log by the core; a deleted bookmark leaves a tombstone.
import { useEffect, useRef, useState } from 'react'
import type { Bookmark } from '@shared/contracts/annotations'
import { formatInZone } from '@shared/time'
import { api } from '../../api/client'
import { errorMessage } from '../ErrorBanner'

export function BookmarksPanel(props: {
  bookmarks: Bookmark[]
  zone: string
  editingId: number | null
  onEdit: (id: number | null) => void
  onJump: (b: Bookmark) => void
  onChanged: () => void
  onError: (m: string) => void
}) {
  const [filter, setFilter] = useState('')
  const q = filter.trim().toLowerCase()
  const shown = props.bookmarks.filter((b) => !q || b.title.toLowerCase().includes(q) || b.narrative.toLowerCase().includes(q))
  const remove = async (b: Bookmark): Promise<void> => {
    try {
      await api().call('bookmarks.delete', { id: b.id, reason: '' })
      props.onChanged()
    } catch (e) {
      props.onError(errorMessage(e))
    }
  }
  return (
    <section className="card bookmarks-panel" aria-label="Bookmarks">
      <h2>Bookmarks ({props.bookmarks.length})</h2>
      <label>
        Filter bookmarks
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="title or narrative" />
      </label>
      <ul aria-label="Bookmark list">
        {shown.map((b) => (
          <li key={b.id}>
            {props.editingId === b.id ? (
              <BookmarkForm bookmark={b} onDone={() => (props.onEdit(null), props.onChanged())} onCancel={() => props.onEdit(null)} onError={props.onError} />
            ) : (
              <>
                <div className="bm-head">
                  <button type="button" onClick={() => props.onJump(b)} aria-label={`Go to bookmark ${b.title}`} title="Move the cursor here">
                    ⚑
                  </button>
                  <strong>{b.title}</strong>
                  <span className="muted mono">
                    {formatInZone(b.fromUs, props.zone)}
                    {b.toUs !== null && ` → ${formatInZone(b.toUs, props.zone)}`}
                  </span>
                  <button type="button" onClick={() => props.onEdit(b.id)} aria-label={`Edit bookmark ${b.title}`}>
                    Edit
                  </button>
                  <button type="button" onClick={() => void remove(b)} aria-label={`Delete bookmark ${b.title}`}>
                    Delete
                  </button>
                </div>
                {b.narrative && <div className="bm-narrative">{b.narrative}</div>}
              </>
            )}
          </li>
        ))}
        {shown.length === 0 && <li className="muted">{props.bookmarks.length ? 'No bookmark matches.' : 'No bookmarks yet: press B on the timeline.'}</li>}
      </ul>
    </section>
  )
}

function BookmarkForm(props: { bookmark: Bookmark; onDone: () => void; onCancel: () => void; onError: (m: string) => void }) {
  const [title, setTitle] = useState(props.bookmark.title)
  const [narrative, setNarrative] = useState(props.bookmark.narrative)
  const titleRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    titleRef.current?.focus()
    titleRef.current?.select()
  }, [])
  const save = async (): Promise<void> => {
    try {
      if (title !== props.bookmark.title || narrative !== props.bookmark.narrative) {
        await api().call('bookmarks.update', { id: props.bookmark.id, title, narrative })
      }
      props.onDone()
    } catch (e) {
      props.onError(errorMessage(e))
    }
  }
  return (
    <form
      aria-label="Edit bookmark"
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
      onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
    >
      <label>
        Bookmark title
        <input ref={titleRef} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} required />
      </label>
      <label>
        Narrative
        <textarea value={narrative} onChange={(e) => setNarrative(e.target.value)} maxLength={4000} rows={3} />
      </label>
      <div>
        <button type="submit">Save bookmark</button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
