// The report's timeline picture: an inline SVG histogram of the exported events, one lane
// per source, drawn on the server so the page needs no script and prints as vectors.
// Counts are gathered while the events are streamed into the bag (no second query).
import { formatInZone } from '@shared/time'

export interface TimelineLane {
  id: number
  name: string
}

export class TimelineAccumulator {
  readonly counts = new Map<number, number[]>()
  private readonly width: number

  constructor(
    readonly fromUs: number,
    readonly toUs: number,
    readonly buckets = 120
  ) {
    this.width = Math.max(1, toUs - fromUs)
  }

  add(laneId: number, tsUs: number): void {
    if (tsUs < this.fromUs || tsUs > this.toUs) return
    let row = this.counts.get(laneId)
    if (!row) {
      row = new Array<number>(this.buckets).fill(0)
      this.counts.set(laneId, row)
    }
    const b = Math.min(this.buckets - 1, Math.floor(((tsUs - this.fromUs) / this.width) * this.buckets))
    row[b]!++
  }
}

const esc = (v: string): string => v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

const LABEL_W = 200
const PLOT_W = 720
const LANE_H = 34
const AXIS_H = 36

/** The SVG (with <title> and a text alternative) for lanes in the given order; lanes without events are drawn empty. */
export function timelineSvg(acc: TimelineAccumulator, lanes: TimelineLane[], zone: string): string {
  const height = lanes.length * LANE_H + AXIS_H
  const width = LABEL_W + PLOT_W + 10
  const barW = PLOT_W / acc.buckets
  const parts: string[] = []
  let total = 0
  lanes.forEach((lane, i) => {
    const row = acc.counts.get(lane.id) ?? []
    const max = Math.max(1, ...row)
    const y0 = i * LANE_H
    const laneTotal = row.reduce((a, b) => a + b, 0)
    total += laneTotal
    parts.push(`<g class="lane" data-source="${lane.id}">`)
    parts.push(`<rect x="${LABEL_W}" y="${y0 + 2}" width="${PLOT_W}" height="${LANE_H - 4}" fill="#f6f8fa" stroke="#d0d7de" stroke-width="0.5"/>`)
    parts.push(`<text x="${LABEL_W - 6}" y="${y0 + LANE_H / 2 + 4}" text-anchor="end" font-size="11">${esc(truncate(lane.name, 30))} (${laneTotal})</text>`)
    row.forEach((n, b) => {
      if (n === 0) return
      const h = Math.max(1, ((LANE_H - 6) * n) / max)
      parts.push(`<rect class="bar" x="${(LABEL_W + b * barW).toFixed(2)}" y="${(y0 + LANE_H - 3 - h).toFixed(2)}" width="${Math.max(0.6, barW - 0.4).toFixed(2)}" height="${h.toFixed(2)}" fill="#0969da"><title>${n}</title></rect>`)
    })
    parts.push('</g>')
  })
  const axisY = lanes.length * LANE_H
  const ticks = 4
  for (let t = 0; t <= ticks; t++) {
    const x = LABEL_W + (PLOT_W * t) / ticks
    const us = acc.fromUs + ((acc.toUs - acc.fromUs) * t) / ticks
    const anchor = t === 0 ? 'start' : t === ticks ? 'end' : 'middle'
    parts.push(`<line x1="${x}" y1="${axisY}" x2="${x}" y2="${axisY + 5}" stroke="#57606a"/>`)
    parts.push(`<text x="${x}" y="${axisY + 18}" text-anchor="${anchor}" font-size="10">${esc(formatInZone(Math.round(us), zone))}</text>`)
  }
  const title = `Events per source from ${formatInZone(acc.fromUs, zone)} to ${formatInZone(acc.toUs, zone)} (${zone}), ${acc.buckets} equal intervals, ${total} events`
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="timeline-title" viewBox="0 0 ${width} ${height}" width="100%" class="timeline-svg" font-family="system-ui, sans-serif">
<title id="timeline-title">${esc(title)}</title>
${parts.join('\n')}
</svg>`
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s
}
