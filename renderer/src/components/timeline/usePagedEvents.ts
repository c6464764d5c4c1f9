// Events for a table, one keyset page at a time: the first page when the filter changes,
// the next (after the last row's (ts, id)) when the table scrolls near its end. Nothing
// loads the whole result: a 10M-event case costs one page per screenful scrolled.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Request } from '@shared/contract'
import type { EventRecord } from '@shared/ingestModel'
import { api } from '../../api/client'
import { errorMessage } from '../ErrorBanner'

export type EventFilterRequest = Omit<Request<'events.query'>, 'after' | 'limit'>

export interface PagedEvents {
  events: EventRecord[]
  /** True while more pages may follow. */
  more: boolean
  loading: boolean
  loadMore(): void
  /** Asks for the first page again (after tags changed, say). */
  reload(): void
}

export function usePagedEvents(filter: EventFilterRequest | null, pageSize: number, onError: (m: string) => void, delayMs = 150): PagedEvents {
  const [events, setEvents] = useState<EventRecord[]>([])
  const [more, setMore] = useState(false)
  const [loading, setLoading] = useState(false)
  const [generation, setGeneration] = useState(0)
  // Each filter change starts a generation; late answers of an older one are dropped.
  const gen = useRef(0)
  const busy = useRef(false)
  const key = JSON.stringify(filter)

  /** One page: the first (after null) replaces the rows, a later one appends to them. */
  const fetchPage = (f: EventFilterRequest, mine: number, after: Request<'events.query'>['after']): void => {
    busy.current = true
    setLoading(true)
    api()
      .call('events.query', { ...f, limit: pageSize, after })
      .then(
        (page) => {
          if (gen.current !== mine) return
          setEvents((prev) => (after === null ? page : [...prev, ...page]))
          setMore(page.length === pageSize)
        },
        (e: unknown) => gen.current === mine && onError(errorMessage(e))
      )
      .finally(() => {
        if (gen.current !== mine) return
        busy.current = false
        setLoading(false)
      })
  }

  useEffect(() => {
    const mine = ++gen.current
    busy.current = false
    if (filter === null) {
      setEvents([])
      setMore(false)
      return
    }
    const timer = setTimeout(() => fetchPage(filter, mine, null), delayMs)
    return () => clearTimeout(timer)
  }, [key, pageSize, generation])

  const loadMore = useCallback(() => {
    if (busy.current || !more || filter === null) return
    const last = events.at(-1)
    if (!last) return
    fetchPage(filter, gen.current, { ts: last.ts, id: last.id })
  }, [events, more, key, pageSize])

  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  return { events, more, loading, loadMore, reload }
}
