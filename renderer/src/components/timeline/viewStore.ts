// The investigator's current view of a case, shared by the Timeline and Events screens:
// event filters, lane grouping and lane layout, visible range, hidden table columns. Saved
// views are snapshots of it; the lane layout part is also kept in the case as the working
// layout (timeline.layoutSet), so reopening the case restores the lanes as they were left.
// A tiny external store, like the cursor, so both screens see one state without a provider.
import { useSyncExternalStore } from 'react'
import { ViewState, type EventColumn, type LaneGroupBy, type LaneLayout, type ViewFilters } from '@shared/contracts/annotations'
import { api } from '../../api/client'

type Listener = () => void

export const EMPTY_LAYOUT: LaneLayout = { order: [], hidden: [], collapsed: [] }

class ViewStore {
  private state: ViewState = ViewState.parse({})
  private readonly listeners = new Set<Listener>()
  /** Bumped when a saved view is applied, so the timeline zooms to its range once. */
  private applied = 0
  private persistTimer: ReturnType<typeof setTimeout> | null = null

  get = (): ViewState => this.state
  appliedCount = (): number => this.applied

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }

  private set(next: ViewState, persist: boolean): void {
    this.state = next
    for (const l of this.listeners) l()
    if (persist) this.persistSoon()
  }

  /** Writes the working layout to the case, at most every half second. */
  private persistSoon(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer)
    this.persistTimer = setTimeout(() => {
      this.persistTimer = null
      api()
        .call('timeline.layoutSet', { state: this.state })
        .catch(() => undefined) // a preference: losing one write is harmless, the next one carries it
    }, 500)
  }

  /** Flushes a pending layout write now (before the case closes). */
  async flush(): Promise<void> {
    if (!this.persistTimer) return
    clearTimeout(this.persistTimer)
    this.persistTimer = null
    await api().call('timeline.layoutSet', { state: this.state }).catch(() => undefined)
  }

  /** The case's working layout, read once when a case opens. */
  load(state: ViewState | null): void {
    this.set(state ?? ViewState.parse({}), false)
  }

  /** Restores a saved view (filters, grouping, lanes, range, columns). */
  apply(state: ViewState): void {
    this.applied++
    this.set(state, true)
  }

  setFilters(patch: Partial<ViewFilters>): void {
    this.set({ ...this.state, filters: { ...this.state.filters, ...patch } }, true)
  }

  setGroupBy(groupBy: LaneGroupBy): void {
    this.set({ ...this.state, groupBy }, true)
  }

  setRange(range: { fromUs: number; toUs: number } | null): void {
    // The range changes at every zoom step: keep it without writing each one.
    this.state = { ...this.state, range }
    for (const l of this.listeners) l()
  }

  setHiddenColumns(hiddenColumns: EventColumn[]): void {
    this.set({ ...this.state, hiddenColumns }, true)
  }

  layoutOf(groupBy: LaneGroupBy = this.state.groupBy): LaneLayout {
    return this.state.lanes[groupBy] ?? EMPTY_LAYOUT
  }

  setLayout(groupBy: LaneGroupBy, layout: LaneLayout): void {
    this.set({ ...this.state, lanes: { ...this.state.lanes, [groupBy]: layout } }, true)
  }
}

export const viewStore = new ViewStore()

export function useViewState(): ViewState {
  return useSyncExternalStore(viewStore.subscribe, viewStore.get, viewStore.get)
}

/** Lane keys in display order: the investigator's order first, then the rest as given (busiest first). */
export function orderLanes<T extends { key: string }>(lanes: T[], layout: LaneLayout): T[] {
  const rank = new Map(layout.order.map((k, i) => [k, i]))
  const known = lanes.filter((l) => rank.has(l.key)).sort((a, b) => rank.get(a.key)! - rank.get(b.key)!)
  return [...known, ...lanes.filter((l) => !rank.has(l.key))]
}

/** Moves a lane one place up or down in the display order (the whole order is then stored). */
export function moveLane(keysInOrder: string[], key: string, delta: -1 | 1): string[] {
  const order = [...keysInOrder]
  const i = order.indexOf(key)
  const j = i + delta
  if (i < 0 || j < 0 || j >= order.length) return order
  ;[order[i], order[j]] = [order[j]!, order[i]!]
  return order
}

let loadedFor: string | null = null

/** Loads the case's working layout once per opened case (both screens call this). */
export function loadCaseView(caseDir: string, onError: (m: string) => void): void {
  if (loadedFor === caseDir) return
  loadedFor = caseDir
  viewStore.load(null)
  api()
    .call('timeline.layoutGet', {})
    .then(
      (state) => viewStore.load(state),
      (e: unknown) => onError(e instanceof Error ? e.message : String(e))
    )
}
