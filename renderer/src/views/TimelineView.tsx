// The investigation timeline: one wall-clock axis (d3 scale, axis, zoom, brush), lanes
// drawn on canvas as density histograms or individual marks (counts come from SQL), a
// minimap of the whole case, the shared cursor (cursorStore: the camera grid follows it),
// bookmarks on the axis and in their panel, keyboard control like a video-review tool, and
// the events of the brushed (or visible) range below in a windowed table.
import * as d3 from 'd3'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Bookmark, CameraLane, LaneGroupBy, LaneInfo, LaneLayout } from '@shared/contracts/annotations'
import type { CaseSummary } from '@shared/model'
import type { TimelineExtent, TimelineHistogram, TimelineLane } from '@shared/timelineModel'
import type { EventRecord } from '@shared/ingestModel'
import { formatInZone, isoToMicros, localTimeZone, microsToIso } from '@shared/time'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { EventTable } from '../components/EventTable'
import { BookmarksPanel } from '../components/timeline/BookmarksPanel'
import { LaneLabels, LanesMenu, type LaneRow } from '../components/timeline/LaneLabels'
import { ShortcutsHelp } from '../components/timeline/ShortcutsHelp'
import { usePagedEvents } from '../components/timeline/usePagedEvents'
import { EMPTY_LAYOUT, loadCaseView, moveLane, orderLanes, useViewState, viewStore } from '../components/timeline/viewStore'
import { cursor, useCursor } from '../state/cursorStore'
import { CameraGrid, focusEventCameras } from '../components/video/CameraGrid'

const LANE_HEIGHT = 28
const COLLAPSED_HEIGHT = 14
const CAMERA_LANE_HEIGHT = 16
const LABEL_WIDTH = 240
const MIN_SPAN_US = 10_000_000 // 10 s: the closest zoom
const AXIS_HEIGHT = 26
const BRUSH_HEIGHT = 18
const SHIFT_STEP_US = 5_000_000
const LONG_STEP_US = 30_000_000
/** A camera that reported time this recently is driving the cursor: do not advance it too. */
const VIDEO_DRIVES_MS = 200

type Domain = [number, number]

function colourOf(category: string, outcome: string): string {
  if (outcome === 'failure') return '#f85149'
  switch (category) {
    case 'access':
      return '#d29922'
    case 'auth':
      return '#a371f7'
    case 'network':
      return '#3fb950'
    case 'video':
      return '#db61a2'
    default:
      return '#4aa3ff'
  }
}

/** Keys typed into a field are text, not commands. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
}

const sameExtent = (a: TimelineExtent, b: TimelineExtent): boolean => a?.firstUs === b?.firstUs && a?.lastUs === b?.lastUs && a?.total === b?.total

/** The events.query filter that selects one lane's events. */
function laneFilter(groupBy: LaneGroupBy, key: string): { sourceId?: number; category?: string; location?: string; actor?: string } {
  if (groupBy === 'source') return { sourceId: Number(key) }
  if (groupBy === 'category') return { category: key }
  if (groupBy === 'location') return { location: key }
  return { actor: key }
}

export function TimelineView(props: { current: CaseSummary; onError: (m: string) => void }) {
  const view = useViewState()
  const groupBy = view.groupBy
  const layout = view.lanes[groupBy] ?? EMPTY_LAYOUT
  const { timeUs: cursorUs, rate } = useCursor()
  const [extent, setExtent] = useState<TimelineExtent>(null)
  const [domain, setDomain] = useState<Domain | null>(null)
  const [histogram, setHistogram] = useState<TimelineHistogram | null>(null)
  const [laneInfo, setLaneInfo] = useState<LaneInfo[]>([])
  const [cameras, setCameras] = useState<CameraLane[]>([])
  const [bookmarks, setBookmarks] = useState<Bookmark[]>([])
  const [editingBookmark, setEditingBookmark] = useState<number | null>(null)
  const [focusedLane, setFocusedLane] = useState<string | null>(null)
  const [showHelp, setShowHelp] = useState(false)
  /** Seconds before a picked event the cursor lands (0: exactly at the event). */
  const [preRoll, setPreRoll] = useState('0')
  const [selection, setSelection] = useState<Domain | null>(null)
  const [zoneChoice, setZoneChoice] = useState<'case' | 'utc' | 'local'>('case')
  const [width, setWidth] = useState(900)
  const wrapRef = useRef<HTMLDivElement>(null)
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const axisRef = useRef<SVGSVGElement>(null)
  const brushRef = useRef<SVGSVGElement>(null)
  const minimapRef = useRef<HTMLCanvasElement>(null)
  const zoomRef = useRef<d3.ZoomBehavior<HTMLCanvasElement, unknown> | null>(null)

  const zone = zoneChoice === 'utc' ? 'UTC' : zoneChoice === 'local' ? localTimeZone() : props.current.timeZone
  const plotWidth = Math.max(width - LABEL_WIDTH, 100)

  useEffect(() => loadCaseView(props.current.dir, props.onError), [props.current.dir])

  // The base scale spans the whole case; zoom transforms rescale it.
  const base = useMemo(() => {
    if (!extent) return null
    const pad = Math.max((extent.lastUs - extent.firstUs) * 0.02, 1_000_000)
    return d3.scaleLinear().domain([extent.firstUs - pad, extent.lastUs + pad]).range([0, plotWidth])
  }, [extent, plotWidth])

  // The extent is asked again whenever the case changes (custody grows with every
  // bookmark too): keep the old object when nothing moved, so the zoom is not reset.
  useEffect(() => {
    api()
      .call('timeline.extent', {})
      .then(
        (e) => {
          setExtent((old) => (sameExtent(old, e) ? old : e))
          if (e && cursor.get().timeUs === null) cursor.setTime(e.firstUs, 'init')
        },
        (e: unknown) => props.onError(errorMessage(e))
      )
  }, [props.current.custodyLength])

  // Camera lanes follow imports and placements (each one grows custody).
  useEffect(() => {
    if (!extent) return
    api().call('timeline.cameraLanes', {}).then(setCameras, () => setCameras([]))
  }, [extent, props.current.custodyLength])

  const refreshBookmarks = useCallback(() => {
    api()
      .call('bookmarks.list', {})
      .then(setBookmarks, (e: unknown) => props.onError(errorMessage(e)))
  }, [])
  useEffect(refreshBookmarks, [props.current.dir])

  useEffect(() => {
    if (base) setDomain(base.domain() as Domain)
  }, [base])

  useEffect(() => {
    const el = wrapRef.current
    if (!el) return
    // The card has 16 px padding on each side.
    const measure = (): void => setWidth(el.clientWidth - 32)
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [extent !== null])

  // Every lane of the grouping (for the lanes menu and the display order).
  useEffect(() => {
    if (!extent) return
    setFocusedLane(null)
    api()
      .call('timeline.lanes', { groupBy, limit: 50 })
      .then(setLaneInfo, (e: unknown) => props.onError(errorMessage(e)))
  }, [groupBy, extent])

  const ordered = useMemo(() => orderLanes(laneInfo, layout), [laneInfo, layout])
  const visible = useMemo(() => ordered.filter((l) => !layout.hidden.includes(l.key)), [ordered, layout])
  const visibleKey = visible.map((l) => l.key).join('\u0000')

  // Counts for the visible range and the shown lanes only, about one bucket per two pixels.
  useEffect(() => {
    if (!domain) return
    const keys = visible.map((l) => l.key)
    if (keys.length === 0) {
      setHistogram(null)
      return
    }
    // All lanes shown: let the core answer for every lane (no key list to send).
    const all = groupBy !== 'actor' && layout.hidden.length === 0
    const timer = setTimeout(() => {
      api()
        .call('timeline.laneHistogram', {
          fromUs: Math.floor(domain[0]),
          toUs: Math.ceil(domain[1]),
          buckets: Math.max(1, Math.floor(plotWidth / 2)),
          groupBy,
          keys: all ? null : keys
        })
        .then(setHistogram, (e: unknown) => props.onError(errorMessage(e)))
    }, 60)
    return () => clearTimeout(timer)
  }, [domain, groupBy, plotWidth, visibleKey, laneInfo])

  const laneData = useMemo(() => new Map((histogram?.lanes ?? []).map((l) => [l.key, l])), [histogram])
  const rows: LaneRow[] = useMemo(
    () =>
      visible.map((l) => {
        const collapsed = layout.collapsed.includes(l.key)
        return { key: l.key, label: l.label, total: laneData.get(l.key)?.total ?? null, collapsed, height: collapsed ? COLLAPSED_HEIGHT : LANE_HEIGHT }
      }),
    [visible, layout, laneData]
  )
  const lanesHeight = rows.reduce((a, r) => a + r.height, 0) + cameras.length * CAMERA_LANE_HEIGHT

  // Keep the visible range in the view state (saved views carry it).
  useEffect(() => {
    if (!domain) return
    const t = setTimeout(() => viewStore.setRange({ fromUs: Math.floor(domain[0]), toUs: Math.ceil(domain[1]) }), 300)
    return () => clearTimeout(t)
  }, [domain])

  const setLayout = (next: LaneLayout): void => viewStore.setLayout(groupBy, next)

  // The event list shows the brushed range, or the visible range, a page at a time.
  const range = selection ?? domain
  const listRange = useMemo(() => (range ? { from: microsToIso(Math.floor(range[0])), to: microsToIso(Math.ceil(range[1])) } : null), [range?.[0], range?.[1]])
  const paged = usePagedEvents(listRange, 500, props.onError, 150)
  const events = paged.events

  // d3 zoom on the lanes canvas: wheel zooms around the pointer, drag pans.
  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas || !base || !extent) return
    const span = base.domain()[1]! - base.domain()[0]!
    const zoom = d3
      .zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, Math.max(1, span / MIN_SPAN_US)])
      .translateExtent([
        [0, 0],
        [plotWidth, 0]
      ])
      .extent([
        [0, 0],
        [plotWidth, 0]
      ])
      .on('zoom', (ev: d3.D3ZoomEvent<HTMLCanvasElement, unknown>) => setDomain(ev.transform.rescaleX(base).domain() as Domain))
    zoomRef.current = zoom
    d3.select(canvas).call(zoom).on('dblclick.zoom', null)
    return () => {
      d3.select(canvas).on('.zoom', null)
    }
  }, [base, plotWidth])

  const zoomTo = useCallback(
    (target: Domain) => {
      const canvas = canvasRef.current
      if (!canvas || !base || !zoomRef.current) return
      const [a, b] = [base(target[0]), base(target[1])]
      const k = plotWidth / Math.max(b - a, 1e-9)
      d3.select(canvas).call(zoomRef.current.transform, d3.zoomIdentity.scale(k).translate(-a, 0))
    },
    [base, plotWidth]
  )
  const fitAll = useCallback(() => {
    if (base) zoomTo(base.domain() as Domain)
  }, [base, zoomTo])
  const zoomBy = useCallback((factor: number) => {
    const canvas = canvasRef.current
    if (canvas && zoomRef.current) d3.select(canvas).call(zoomRef.current.scaleBy, factor)
  }, [])

  // A saved view brings its visible range: zoom there once it is applied.
  const applied = viewStore.appliedCount()
  useEffect(() => {
    if (applied > 0 && view.range && base) zoomTo([view.range.fromUs, view.range.toUs])
  }, [applied, base])

  // Playback for cases without a playing camera: advance the cursor at the rate. A camera
  // that plays reports its time (origin 'video'); while it does, it drives and we do not.
  useEffect(() => {
    if (rate === 0) return
    let lastVideoAt = cursor.get().origin === 'video' ? performance.now() : -Infinity
    const unsubscribe = cursor.subscribe(() => {
      if (cursor.get().origin === 'video') lastVideoAt = performance.now()
    })
    let last = performance.now()
    let frame = requestAnimationFrame(function tick(now: number) {
      const dt = now - last
      last = now
      const s = cursor.get()
      if (s.timeUs !== null && s.rate !== 0 && now - lastVideoAt > VIDEO_DRIVES_MS) cursor.setTime(s.timeUs + dt * 1000 * s.rate, 'timeline')
      frame = requestAnimationFrame(tick)
    })
    return () => {
      cancelAnimationFrame(frame)
      unsubscribe()
    }
  }, [rate])

  // While playing, the view pages along with the cursor when it runs off either edge.
  useEffect(() => {
    if (rate === 0 || cursorUs === null || !domain) return
    const span = domain[1] - domain[0]
    if (cursorUs > domain[1]) zoomTo([cursorUs - span * 0.05, cursorUs + span * 0.95])
    else if (cursorUs < domain[0]) zoomTo([cursorUs - span * 0.95, cursorUs + span * 0.05])
  }, [cursorUs, rate])

  // Axis (SVG) for the visible range, labelled in the display zone, with bookmark flags.
  useEffect(() => {
    if (!axisRef.current || !domain) return
    const x = d3.scaleLinear().domain(domain).range([0, plotWidth])
    const ticks = x.ticks(Math.max(2, Math.floor(plotWidth / 140)))
    const label = (us: number): string => formatInZone(us, zone).slice(0, 19)
    const svg = d3.select(axisRef.current)
    svg.select<SVGGElement>('g.axis').call(
      d3
        .axisBottom(x)
        .tickValues(ticks)
        .tickFormat((v) => label(Number(v)))
    )
    const inView = bookmarks.filter((b) => (b.toUs ?? b.fromUs) >= domain[0] && b.fromUs <= domain[1])
    const flags = svg
      .select<SVGGElement>('g.bookmarks')
      .selectAll<SVGGElement, Bookmark>('g.bookmark')
      .data(inView, (b) => String(b.id))
      .join((enter) => {
        const g = enter.append('g').attr('class', 'bookmark')
        g.append('rect').attr('class', 'span')
        g.append('path').attr('d', 'M0,0 L8,4 L0,8 Z')
        g.append('title')
        return g
      })
    flags.attr('transform', (b) => `translate(${Math.max(0, x(b.fromUs))},0)`)
    flags
      .select('rect.span')
      .attr('height', 3)
      .attr('y', 0)
      .attr('width', (b) => (b.toUs === null ? 0 : Math.max(2, x(Math.min(b.toUs, domain[1])) - Math.max(0, x(b.fromUs)))))
      .attr('fill', '#e3b341')
    flags.select('path').attr('fill', '#e3b341')
    flags.select('title').text((b) => `Bookmark: ${b.title}`)
  }, [domain, plotWidth, zone, bookmarks])

  // Brush (SVG overlay strip) selects a range that filters the event list.
  useEffect(() => {
    if (!brushRef.current || !domain) return
    const x = d3.scaleLinear().domain(domain).range([0, plotWidth])
    const brush = d3
      .brushX()
      .extent([
        [0, 0],
        [plotWidth, BRUSH_HEIGHT]
      ])
      .on('end', (ev: d3.D3BrushEvent<unknown>) => {
        if (!ev.sourceEvent) return
        const s = ev.selection as [number, number] | null
        setSelection(s ? [x.invert(s[0]), x.invert(s[1])] : null)
      })
    const g = d3.select(brushRef.current).select<SVGGElement>('g.brush')
    g.call(brush)
    g.call(brush.move, selection ? [x(selection[0]), x(selection[1])] : null)
  }, [domain, plotWidth, selection])

  // Lanes on canvas: bars where events crowd, single ticks where they don't; collapsed
  // lanes as a thin strip; camera lanes (recorded spans) below; bookmarks across all.
  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas || !domain) return
    const height = Math.max(lanesHeight, LANE_HEIGHT)
    const dpr = window.devicePixelRatio || 1
    canvas.width = plotWidth * dpr
    canvas.height = height * dpr
    canvas.style.width = `${plotWidth}px`
    canvas.style.height = `${height}px`
    const ctx = canvas.getContext('2d')
    if (!ctx) return
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    ctx.clearRect(0, 0, plotWidth, height)
    const x = d3.scaleLinear().domain(domain).range([0, plotWidth])
    let top = 0
    rows.forEach((row, i) => {
      const h = row.height
      ctx.fillStyle = row.key === focusedLane ? '#222b36' : i % 2 ? '#1a1e24' : '#1d2128'
      ctx.fillRect(0, top, plotWidth, h)
      const lane: TimelineLane | undefined = laneData.get(row.key)
      if (lane) drawLane(ctx, lane, x, domain, top, h)
      top += h
    })
    for (const cam of cameras) {
      ctx.fillStyle = '#15181d'
      ctx.fillRect(0, top, plotWidth, CAMERA_LANE_HEIGHT)
      ctx.fillStyle = '#db61a2'
      for (const s of cam.spans) {
        if (s.toUs < domain[0] || s.fromUs > domain[1]) continue
        const x0 = x(Math.max(s.fromUs, domain[0]))
        ctx.fillRect(x0, top + 4, Math.max(1, x(Math.min(s.toUs, domain[1])) - x0), CAMERA_LANE_HEIGHT - 8)
      }
      top += CAMERA_LANE_HEIGHT
    }
    ctx.fillStyle = 'rgba(227, 179, 65, 0.14)'
    for (const b of bookmarks) {
      if (b.toUs !== null && b.toUs >= domain[0] && b.fromUs <= domain[1]) ctx.fillRect(x(Math.max(b.fromUs, domain[0])), 0, x(Math.min(b.toUs, domain[1])) - x(Math.max(b.fromUs, domain[0])), height)
    }
    ctx.fillStyle = 'rgba(227, 179, 65, 0.8)'
    for (const b of bookmarks) if (b.fromUs >= domain[0] && b.fromUs <= domain[1]) ctx.fillRect(Math.round(x(b.fromUs)), 0, 1, height)
  }, [laneData, rows, cameras, bookmarks, domain, plotWidth, lanesHeight, focusedLane])

  // Minimap: the whole case, with the visible range outlined.
  useEffect(() => {
    const mm = minimapRef.current
    if (!mm || !base || !extent) return
    const ctx = mm.getContext('2d')
    if (!ctx) return
    mm.width = plotWidth
    mm.height = 24
    ctx.fillStyle = '#0f1216'
    ctx.fillRect(0, 0, plotWidth, 24)
    ctx.fillStyle = '#e3b341'
    for (const b of bookmarks) ctx.fillRect(base(b.fromUs), 0, 1, 6)
    if (domain) {
      ctx.strokeStyle = '#4aa3ff'
      ctx.strokeRect(base(domain[0]), 1, Math.max(base(domain[1]) - base(domain[0]), 2), 22)
    }
    if (cursorUs !== null) {
      ctx.fillStyle = '#ffffff'
      ctx.fillRect(base(cursorUs), 0, 1, 24)
    }
  }, [base, domain, plotWidth, cursorUs, extent, bookmarks])

  const bookmarkHere = useCallback(async () => {
    const fromUs = selection ? Math.floor(selection[0]) : cursorUs === null ? null : Math.round(cursorUs)
    if (fromUs === null) return
    const toUs = selection ? Math.ceil(selection[1]) : null
    try {
      const b = await api().call('bookmarks.create', {
        fromUs,
        toUs,
        title: `${toUs === null ? 'Bookmark at' : 'Range from'} ${formatInZone(fromUs, zone).slice(0, 19)}`,
        narrative: ''
      })
      refreshBookmarks()
      setEditingBookmark(b.id)
    } catch (e) {
      props.onError(errorMessage(e))
    }
  }, [selection, cursorUs, zone])

  // [ and ]: the previous or next event of the focused lane (its marks, else the next one
  // the database finds), or of the list when no lane is focused.
  const stepEvent = useCallback(
    async (forward: boolean) => {
      const c = cursor.get().timeUs ?? 0
      const pick = (times: number[]): number | undefined => (forward ? times.find((t) => t > c) : [...times].reverse().find((t) => t < c))
      if (focusedLane !== null) {
        const lane = laneData.get(focusedLane)
        if (lane?.marks) {
          const t = pick(lane.marks.map((m) => m.ts))
          if (t !== undefined) cursor.setTime(t, 'keyboard')
          return
        }
        try {
          // Dense lanes show bars, not marks: ask the database for the neighbour in that direction.
          const around = forward ? { from: microsToIso(Math.floor(c) + 1) } : { to: microsToIso(Math.ceil(c)), newestFirst: true }
          const [next] = await api().call('events.query', { ...around, limit: 1, ...laneFilter(groupBy, focusedLane) })
          if (next) cursor.setTime(isoToMicros(next.ts), 'keyboard')
        } catch (e) {
          props.onError(errorMessage(e))
        }
        return
      }
      const t = pick(events.map((ev) => isoToMicros(ev.ts) ?? 0))
      if (t !== undefined) cursor.setTime(t, 'keyboard')
    },
    [focusedLane, laneData, events, groupBy]
  )

  // Keyboard, as in video-review tools (see ShortcutsHelp for the list).
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (showHelp || isTyping(e.target) || e.altKey) return
      const key = e.key
      const arrow = key === 'ArrowRight' || key === 'ArrowLeft'
      // Ctrl (⌘) + Shift + ←/→ jumps 30 s; other Ctrl/⌘ combinations stay the browser's.
      if (e.ctrlKey || e.metaKey) {
        if (!arrow || !e.shiftKey) return
        cursor.nudge((key === 'ArrowRight' ? 1 : -1) * LONG_STEP_US)
      } else if (key === ' ') cursor.togglePlay()
      else if (key === 'j' || key === 'J') cursor.shuttle('j')
      else if (key === 'k' || key === 'K') cursor.shuttle('k')
      else if (key === 'l' || key === 'L') cursor.shuttle('l')
      else if (arrow) {
        const sign = key === 'ArrowRight' ? 1 : -1
        if (e.shiftKey) cursor.nudge(sign * SHIFT_STEP_US)
        else cursor.stepFrames(sign)
      }
      else if (key === '+' || key === '=') zoomBy(2)
      else if (key === '-') zoomBy(0.5)
      else if (key === '0') fitAll()
      else if (key === ']' || key === '[') void stepEvent(key === ']')
      else if (key === 'b' || key === 'B') void bookmarkHere()
      else if (key === '?') setShowHelp(true)
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [zoomBy, fitAll, stepEvent, bookmarkHere, showHelp])

  const onCanvasClick = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    if (!domain) return
    const rect = e.currentTarget.getBoundingClientRect()
    cursor.setTime(d3.scaleLinear().domain(domain).range([0, plotWidth]).invert(e.clientX - rect.left), 'timeline')
    // The lane under the pointer becomes the focused lane.
    let top = 0
    for (const r of rows) {
      if (e.clientY - rect.top < top + r.height) {
        setFocusedLane(r.key)
        break
      }
      top += r.height
    }
  }

  const nearestId = useMemo(() => {
    if (cursorUs === null || events.length === 0) return null
    let best = events[0]!
    for (const ev of events) if (Math.abs((isoToMicros(ev.ts) ?? 0) - cursorUs) < Math.abs((isoToMicros(best.ts) ?? 0) - cursorUs)) best = ev
    return best.id
  }, [events, cursorUs])

  if (extent === null) {
    return (
      <section className="card" aria-label="Timeline">
        <p>No events yet: import a log or badge export from the Evidence view.</p>
      </section>
    )
  }

  const spanSeconds = domain ? (domain[1] - domain[0]) / 1e6 : 0
  const cursorX = domain && cursorUs !== null && cursorUs >= domain[0] && cursorUs <= domain[1] ? ((cursorUs - domain[0]) / (domain[1] - domain[0])) * plotWidth : null
  const preRollUs = Math.max(0, Number(preRoll) || 0) * 1_000_000
  // An event picked in the list: pause, move the cursor to its instant (less the pre-roll),
  // and let the camera grid show the cameras of its door.
  const pickEvent = (e: EventRecord): void => {
    const us = isoToMicros(e.ts)
    if (us === null) return
    cursor.pause()
    cursor.setTime(us - preRollUs, 'list')
    focusEventCameras(e.location ?? null)
  }

  return (
    <div className="timeline-page">
      <section className="card" aria-label="Timeline" ref={wrapRef}>
        <div className="toolbar">
          <label>
            Group lanes by
            <select value={groupBy} onChange={(e) => viewStore.setGroupBy(e.target.value as LaneGroupBy)}>
              <option value="source">source</option>
              <option value="category">category</option>
              <option value="location">door / location</option>
              <option value="actor">person (busiest 50)</option>
            </select>
          </label>
          <LanesMenu lanes={ordered} layout={layout} onChange={setLayout} />
          <label>
            Display time zone
            <select value={zoneChoice} onChange={(e) => setZoneChoice(e.target.value as typeof zoneChoice)}>
              <option value="case">case ({props.current.timeZone})</option>
              <option value="utc">UTC</option>
              <option value="local">this workstation ({localTimeZone()})</option>
            </select>
          </label>
          <button type="button" onClick={() => zoomBy(2)} aria-label="Zoom in" title="Zoom in (+)">
            +
          </button>
          <button type="button" onClick={() => zoomBy(0.5)} aria-label="Zoom out" title="Zoom out (-)">
            −
          </button>
          <button type="button" onClick={fitAll} title="Fit all (0)">
            Fit all
          </button>
          <button type="button" onClick={() => selection && zoomTo(selection)} disabled={!selection}>
            Zoom to selection
          </button>
          <button type="button" onClick={() => cursor.togglePlay()} aria-label={rate === 0 ? 'Play' : 'Pause'} title="Play / pause (Space)">
            {rate === 0 ? '▶' : '❚❚'}
          </button>
          <button type="button" onClick={() => void bookmarkHere()} title="Bookmark (B)">
            Bookmark
          </button>
          <button type="button" onClick={() => setShowHelp(true)} title="Keyboard shortcuts (?)">
            Keyboard shortcuts
          </button>
          <span className="muted" aria-label="Visible range">
            {spanSeconds >= 86400 ? `${(spanSeconds / 86400).toFixed(1)} days` : spanSeconds >= 3600 ? `${(spanSeconds / 3600).toFixed(1)} h` : `${spanSeconds.toFixed(0)} s`} visible ·{' '}
            {histogram?.lanes.reduce((a, l) => a + l.total, 0) ?? 0} events
          </span>
        </div>
        <div className="cursor-readout" role="status" aria-label="Cursor time">
          {cursorUs !== null ? `${formatInZone(cursorUs, zone)} (${zone}) · ${microsToIso(Math.round(cursorUs))}` : '—'}
          {rate !== 0 && <span className="muted"> · playing {rate}×</span>}
        </div>
        <div className="timeline-grid">
          <div className="lane-labels" style={{ width: LABEL_WIDTH, marginTop: AXIS_HEIGHT + BRUSH_HEIGHT }}>
            <LaneLabels
              rows={rows}
              focused={focusedLane}
              onFocus={setFocusedLane}
              onMove={(key, delta) => setLayout({ ...layout, order: moveLane(ordered.map((l) => l.key), key, delta) })}
              onToggleCollapsed={(key) =>
                setLayout({ ...layout, collapsed: layout.collapsed.includes(key) ? layout.collapsed.filter((k) => k !== key) : [...layout.collapsed, key] })
              }
              onHide={(key) => setLayout({ ...layout, hidden: [...layout.hidden, key] })}
            />
            {cameras.length > 0 && (
              <ul aria-label="Camera lanes">
                {cameras.map((c) => (
                  <li key={c.key} style={{ height: CAMERA_LANE_HEIGHT }} title={`Camera ${c.label}: bars are footage, gaps are none`}>
                    🎥 {c.label}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="timeline-plot">
            <svg ref={axisRef} width={plotWidth} height={AXIS_HEIGHT} className="axis-svg" aria-hidden="true">
              <g className="axis" />
              <g className="bookmarks" />
            </svg>
            <svg ref={brushRef} width={plotWidth} height={BRUSH_HEIGHT} className="brush-svg" aria-label="Select a time range">
              <g className="brush" />
            </svg>
            <canvas ref={canvasRef} onClick={onCanvasClick} aria-label="Event lanes" role="img" />
            {cursorX !== null && (
              <div
                className="cursor-line"
                aria-hidden="true"
                style={{ position: 'absolute', left: cursorX, top: AXIS_HEIGHT, width: 1, height: BRUSH_HEIGHT + Math.max(lanesHeight, LANE_HEIGHT), background: '#fff', pointerEvents: 'none' }}
              />
            )}
            <canvas ref={minimapRef} className="minimap" aria-label="Minimap of the whole case" role="img" />
          </div>
        </div>
      </section>
      <CameraGrid onError={props.onError} />
      <BookmarksPanel
        bookmarks={bookmarks}
        zone={zone}
        editingId={editingBookmark}
        onEdit={setEditingBookmark}
        onJump={(b) => cursor.setTime(b.fromUs, 'timeline')}
        onChanged={refreshBookmarks}
        onError={props.onError}
      />
      <section className="card" aria-label="Events in range">
        <h2>
          {selection ? 'Events in the selected range' : 'Events in the visible range'} ({events.length}
          {paged.more ? '+' : ''})
          {selection && (
            <button type="button" onClick={() => setSelection(null)}>
              Clear selection
            </button>
          )}
        </h2>
        <div className="toolbar">
          <label title="Picking an event puts the cursor this many seconds before it, to watch the lead-up">
            Pre-roll seconds
            <input type="number" min={0} max={3600} step={1} value={preRoll} onChange={(e) => setPreRoll(e.target.value)} aria-label="Pre-roll seconds" style={{ width: '5em' }} />
          </label>
          <button type="button" onClick={() => cursor.nudge(-preRollUs)} disabled={cursorUs === null || preRollUs === 0} title="Moves the cursor back by the pre-roll">
            Back by pre-roll
          </button>
          <span className="muted">Picking an event moves the cursor to it (less the pre-roll) and shows its door's cameras.</span>
        </div>
        <EventTable
          events={events}
          zone={zone}
          selectedId={nearestId}
          onSelect={pickEvent}
          onNearEnd={paged.loadMore}
          followSelected
          rowIdPrefix="tl-event-"
          height={380}
        />
      </section>
      {showHelp && <ShortcutsHelp onClose={() => setShowHelp(false)} />}
    </div>
  )
}

function drawLane(ctx: CanvasRenderingContext2D, lane: TimelineLane, x: d3.ScaleLinear<number, number>, domain: Domain, top: number, h: number): void {
  if (lane.marks) {
    for (const m of lane.marks) {
      ctx.fillStyle = colourOf(m.category, m.outcome)
      ctx.fillRect(Math.round(x(m.ts)) - 1, top + Math.min(5, h / 4), 2, h - 2 * Math.min(5, h / 4))
    }
  } else if (lane.counts) {
    // Bars sit on the lane's own grid (a multiple of a stored level), clipped to the view.
    const max = Math.max(1, ...lane.counts)
    lane.counts.forEach((c, b) => {
      if (!c) return
      const x0 = x(Math.max(domain[0], lane.startUs + b * lane.bucketUs))
      const x1 = x(Math.min(domain[1], lane.startUs + (b + 1) * lane.bucketUs))
      const w = Math.max(x1 - x0 - 0.5, 1)
      const bh = Math.max(2, (Math.log1p(c) / Math.log1p(max)) * (h - 4))
      ctx.fillStyle = '#4aa3ff'
      ctx.fillRect(x0, top + h - 2 - bh, w, bh)
      const f = lane.failures?.[b] ?? 0
      if (f) {
        const fh = (f / c) * bh
        ctx.fillStyle = '#f85149'
        ctx.fillRect(x0, top + h - 2 - fh, w, fh)
      }
    })
  }
}
