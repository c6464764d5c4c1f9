// The timeline's questions and answers. Times are integer microseconds since the epoch
// (UTC) here: the renderer converts them for d3 and for display.
import { z } from 'zod'

export const TimelineGroupBy = z.enum(['source', 'category', 'location'])
export type TimelineGroupBy = z.infer<typeof TimelineGroupBy>

export const TimelineMark = z.object({ id: z.number().int(), ts: z.number(), category: z.string(), outcome: z.string() })
export type TimelineMark = z.infer<typeof TimelineMark>

export const TimelineLane = z.object({
  key: z.string(),
  label: z.string(),
  /** Events of this lane inside the asked range. */
  total: z.number().int(),
  /** Bar i covers [startUs + i × bucketUs, + bucketUs) clipped to the asked range. */
  startUs: z.number(),
  bucketUs: z.number(),
  /** Counts per bar (density mode). */
  counts: z.array(z.number()).nullable(),
  failures: z.array(z.number()).nullable(),
  /** Individual events (marks mode), when they are few enough to draw one by one. */
  marks: z.array(TimelineMark).nullable()
})
export type TimelineLane = z.infer<typeof TimelineLane>

export const TimelineHistogram = z.object({
  fromUs: z.number(),
  toUs: z.number(),
  buckets: z.number().int(),
  /** The stored aggregation level the counts came from (µs), or 0 for raw events. */
  levelUs: z.number(),
  lanes: z.array(TimelineLane)
})
export type TimelineHistogram = z.infer<typeof TimelineHistogram>

export const TimelineExtent = z.object({ firstUs: z.number(), lastUs: z.number(), total: z.number().int() }).nullable()
export type TimelineExtent = z.infer<typeof TimelineExtent>
