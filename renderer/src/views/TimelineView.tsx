// The investigation timeline: one wall-clock axis (d3 scale, axis, zoom, brush), lanes
// drawn on canvas as density histograms or individual marks (counts come from SQL), a
// minimap of the whole case, one cursor, and the events of the brushed range below.
import * as d3 from 'd3'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { EventRecord } from '@shared/ingestModel'
import type { CaseSummary } from '@shared/model'
import type { TimelineExtent, TimelineGroupBy, TimelineHistogram } from '@shared/timelineModel'
import { formatInZone, isoToMicros, localTimeZone, microsToIso } from '@shared/time'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { EventTable } from '../components/EventTable'
import { CameraGrid } from '../components/video/CameraGrid'

const LANE_HEIGHT = 28
const LABEL_WIDTH = 180
const MIN_SPAN_US = 10_000_000 // 10 s: the closest zoom
const AXIS_HEIGHT = 26
const BRUSH_HEIGHT = 18

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

export function TimelineView(props: { current: CaseSummary; onError: (m: string) => void }) {
  const [extent, setExtent] = useState<TimelineExtent>(null)
  const [domain, setDomain] = useState<Domain | null>(null)
  const [groupBy, setGroupBy] = useState<TimelineGroupBy>('source')
  const [histogram, setHistogram] = useState<TimelineHistogram | null>(null)
  const [cursorUs, setCursorUs] = useState<number | null>(null)
  const [selection, setSelection] = useState<Domain | null>(null)
  const [zoneChoice, setZoneChoice] = useState<'case' | 'utc' | 'local'>('case')
  const [events, setEvents] = useState<EventRecord[]>([])
  const [width, setWidth] = useState(900)
  const wrapRef = useRef<HTMLDivElement>(null)
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const axisRef = useRef<SVGSVGElement>(null)
  const brushRef = useRef<SVGSVGElement>(null)
  const minimapRef = useRef<HTMLCanvasElement>(null)
  const zoomRef = useRef<d3.ZoomBehavior<HTMLCanvasElement, unknown> | null>(null)

  const zone = zoneChoice === 'utc' ? 'UTC' : zoneChoice === 'local' ? localTimeZone() : props.current.timeZone
  const plotWidth = Math.max(width - LABEL_WIDTH, 100)

  // The base scale spans the whole case; zoom transforms rescale it.
  const base = useMemo(() => {
    if (!extent) return null
    const pad = Math.max((extent.lastUs - extent.firstUs) * 0.02, 1_000_000)
    return d3.scaleLinear().domain([extent.firstUs - pad, extent.lastUs + pad]).range([0, plotWidth])
  }, [extent, plotWidth])

  useEffect(() => {
    api()
      .call('timeline.extent', {})
      .then((e) => {
        setExtent(e)
        if (e) setCursorUs((c) => c ?? e.firstUs)
      }, (e: unknown) => props.onError(errorMessage(e)))
  }, [props.current.custodyLength])

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

  // Counts for the visible range, at about one bucket per two pixels.
  useEffect(() => {
    if (!domain) return
    const timer = setTimeout(() => {
      api()
        .call('timeline.histogram', { fromUs: Math.floor(domain[0]), toUs: Math.ceil(domain[1]), buckets: Math.max(1, Math.floor(plotWidth / 2)), groupBy })
        .then(setHistogram, (e: unknown) => props.onError(errorMessage(e)))
    }, 60)
    return () => clearTimeout(timer)
  }, [domain, groupBy, plotWidth])

  // The event list shows the brushed range, or the visible range.
  useEffect(() => {
    const range = selection ?? domain
    if (!range) return
    const timer = setTimeout(() => {
      api()
        .call('events.query', { from: microsToIso(Math.floor(range[0])), to: microsToIso(Math.ceil(range[1])), limit: 500 })
        .then(setEvents, (e: unknown) => props.onError(errorMessage(e)))
    }, 120)
    return () => clearTimeout(timer)
  }, [selection, domain])

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
  const zoomBy = useCallback(
    (factor: number) => {
      const canvas = canvasRef.current
      if (canvas && zoomRef.current) d3.select(canvas).call(zoomRef.current.scaleBy, factor)
    },
    []
  )

  // Axis (SVG) for the visible range, labelled in the display zone.
  useEffect(() => {
    if (!axisRef.current || !domain) return
    const x = d3.scaleLinear().domain(domain).range([0, plotWidth])
    const ticks = x.ticks(Math.max(2, Math.floor(plotWidth / 140)))
    const label = (us: number): string => formatInZone(us, zone).slice(0, 19).replace(/^(\d{4}-\d{2}-\d{2}) /, '$1 ')
    d3.select(axisRef.current)
      .select<SVGGElement>('g.axis')
      .call(d3.axisBottom(x).tickValues(ticks).tickFormat((v) => label(Number(v))))
  }, [domain, plotWidth, zone])

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

  // Lanes on canvas: bars where events crowd, single ticks where they don't.
  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas || !histogram || !domain) return
    const lanes = histogram.lanes
    const dpr = window.devicePixelRatio || 1
    canvas.width = plotWidth * dpr
    canvas.height = Math.max(lanes.length, 1) * LANE_HEIGHT * dpr
    canvas.style.width = `${plotWidth}px`
    canvas.style.height = `${Math.max(lanes.length, 1) * LANE_HEIGHT}px`
    const ctx = canvas.getContext('2d')
    if (!ctx) return
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    ctx.clearRect(0, 0, plotWidth, lanes.length * LANE_HEIGHT)
    const x = d3.scaleLinear().domain(domain).range([0, plotWidth])
    lanes.forEach((lane, i) => {
      const top = i * LANE_HEIGHT
      ctx.fillStyle = i % 2 ? '#1a1e24' : '#1d2128'
      ctx.fillRect(0, top, plotWidth, LANE_HEIGHT)
      if (lane.marks) {
        for (const m of lane.marks) {
          ctx.fillStyle = colourOf(m.category, m.outcome)
          ctx.fillRect(Math.round(x(m.ts)) - 1, top + 5, 2, LANE_HEIGHT - 10)
        }
      } else if (lane.counts) {
        // Bars sit on the lane's own grid (a multiple of a stored level), clipped to the view.
        const max = Math.max(1, ...lane.counts)
        lane.counts.forEach((c, b) => {
          if (!c) return
          const x0 = x(Math.max(domain[0], lane.startUs + b * lane.bucketUs))
          const x1 = x(Math.min(domain[1], lane.startUs + (b + 1) * lane.bucketUs))
          const w = Math.max(x1 - x0 - 0.5, 1)
          const h = Math.max(2, (Math.log1p(c) / Math.log1p(max)) * (LANE_HEIGHT - 4))
          ctx.fillStyle = '#4aa3ff'
          ctx.fillRect(x0, top + LANE_HEIGHT - 2 - h, w, h)
          const f = lane.failures?.[b] ?? 0
          if (f) {
            const fh = (f / c) * h
            ctx.fillStyle = '#f85149'
            ctx.fillRect(x0, top + LANE_HEIGHT - 2 - fh, w, fh)
          }
        })
      }
    })
    if (cursorUs !== null && cursorUs >= domain[0] && cursorUs <= domain[1]) {
      ctx.fillStyle = '#ffffff'
      ctx.fillRect(Math.round(x(cursorUs)), 0, 1, lanes.length * LANE_HEIGHT)
    }
  }, [histogram, domain, plotWidth, cursorUs])

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
    if (domain) {
      ctx.strokeStyle = '#4aa3ff'
      ctx.strokeRect(base(domain[0]), 1, Math.max(base(domain[1]) - base(domain[0]), 2), 22)
    }
    if (cursorUs !== null) {
      ctx.fillStyle = '#ffffff'
      ctx.fillRect(base(cursorUs), 0, 1, 24)
    }
  }, [base, domain, plotWidth, cursorUs, extent])

  // Keyboard: + / - zoom, 0 fit, [ / ] previous / next event in the list.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return
      if (e.key === '+' || e.key === '=') zoomBy(2)
      else if (e.key === '-') zoomBy(0.5)
      else if (e.key === '0') fitAll()
      else if ((e.key === ']' || e.key === '[') && events.length) {
        const after = e.key === ']'
        const c = cursorUs ?? 0
        const next = after ? events.find((ev) => (isoToMicros(ev.ts) ?? 0) > c) : [...events].reverse().find((ev) => (isoToMicros(ev.ts) ?? 0) < c)
        if (next) setCursorUs(isoToMicros(next.ts))
      } else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [zoomBy, fitAll, events, cursorUs])

  const onCanvasClick = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    if (!domain) return
    const rect = e.currentTarget.getBoundingClientRect()
    setCursorUs(d3.scaleLinear().domain(domain).range([0, plotWidth]).invert(e.clientX - rect.left))
  }

  const nearestId = useMemo(() => {
    if (cursorUs === null || events.length === 0) return null
    let best = events[0]!
    for (const ev of events) if (Math.abs((isoToMicros(ev.ts) ?? 0) - cursorUs) < Math.abs((isoToMicros(best.ts) ?? 0) - cursorUs)) best = ev
    return best.id
  }, [events, cursorUs])

  useEffect(() => {
    if (nearestId !== null) document.getElementById(`tl-event-${nearestId}`)?.scrollIntoView({ block: 'nearest' })
  }, [nearestId])

  if (extent === null) {
    return (
      <section className="card" aria-label="Timeline">
        <p>No events yet: import a log or badge export from the Evidence view.</p>
      </section>
    )
  }

  const spanSeconds = domain ? (domain[1] - domain[0]) / 1e6 : 0
  return (
    <div className="timeline-page">
      <section className="card" aria-label="Timeline" ref={wrapRef}>
        <div className="toolbar">
          <label>
            Group lanes by
            <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as TimelineGroupBy)}>
              <option value="source">source</option>
              <option value="category">category</option>
              <option value="location">door / location</option>
            </select>
          </label>
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
          <span className="muted" aria-label="Visible range">
            {spanSeconds >= 86400 ? `${(spanSeconds / 86400).toFixed(1)} days` : spanSeconds >= 3600 ? `${(spanSeconds / 3600).toFixed(1)} h` : `${spanSeconds.toFixed(0)} s`} visible ·{' '}
            {histogram?.lanes.reduce((a, l) => a + l.total, 0) ?? 0} events
          </span>
        </div>
        <div className="cursor-readout" role="status" aria-label="Cursor time">
          {cursorUs !== null ? `${formatInZone(cursorUs, zone)} (${zone}) · ${microsToIso(Math.round(cursorUs))}` : '—'}
        </div>
        <div className="timeline-grid">
          <div className="lane-labels" style={{ width: LABEL_WIDTH, marginTop: AXIS_HEIGHT + BRUSH_HEIGHT }}>
            <ul aria-label="Lanes">
              {histogram?.lanes.map((l) => (
                <li key={l.key} style={{ height: LANE_HEIGHT }} title={l.label}>
                  {l.label} <span className="muted">({l.total})</span>
                </li>
              ))}
            </ul>
          </div>
          <div>
            <svg ref={axisRef} width={plotWidth} height={AXIS_HEIGHT} className="axis-svg" aria-hidden="true">
              <g className="axis" />
            </svg>
            <svg ref={brushRef} width={plotWidth} height={BRUSH_HEIGHT} className="brush-svg" aria-label="Select a time range">
              <g className="brush" />
            </svg>
            <canvas ref={canvasRef} onClick={onCanvasClick} aria-label="Event lanes" role="img" />
            <canvas ref={minimapRef} className="minimap" aria-label="Minimap of the whole case" role="img" />
          </div>
        </div>
      </section>
      <CameraGrid onError={props.onError} />
      <section className="card" aria-label="Events in range">
        <h2>
          {selection ? 'Events in the selected range' : 'Events in the visible range'} ({events.length}
          {events.length === 500 ? '+' : ''})
          {selection && (
            <button type="button" onClick={() => setSelection(null)}>
              Clear selection
            </button>
          )}
        </h2>
        <div className="table-wrap">
          <EventTable events={events} zone={zone} selectedId={nearestId} onSelect={(e) => setCursorUs(isoToMicros(e.ts))} rowIdPrefix="tl-event-" />
        </div>
      </section>
    </div>
  )
}
