// Contract section: Bookmarks, tags, notes, lanes and saved views on the timeline (issue 5).
// Merged into the one contract in shared/contract.ts; implemented by
// electron/core/api/handlers/annotations.ts. Every request and response is a zod schema.
import { z } from 'zod'
import { TimelineHistogram } from '../timelineModel'
import type { ContractSection } from './section'

const Empty = z.object({}).strict()
const Id = z.number().int().positive()
/** Integer microseconds since the epoch (UTC), within what a JS number holds exactly. */
const Us = z.number().int().min(-8_640_000_000_000_000).max(8_640_000_000_000_000)
// eslint-disable-next-line no-control-regex
const noControl = (s: string): boolean => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s)

/** A tag as investigators type it: trimmed, one line, no control characters. */
export const TagText = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(64, 'a tag is at most 64 characters')
  .refine((s) => noControl(s) && !/[\r\n\t]/.test(s), 'a tag is one line without control characters')
const Title = z.string().trim().min(1, 'give the bookmark a title').max(200).refine(noControl, 'no control characters')
const Narrative = z.string().max(4000, 'keep the narrative under 4,000 characters').refine(noControl, 'no control characters')
const NoteText = z.string().trim().min(1, 'a note cannot be empty').max(10_000).refine(noControl, 'no control characters')

export const Bookmark = z.object({
  id: Id,
  version: z.number().int().positive(),
  fromUs: z.number().int(),
  /** Null for an instant; else the end of the range (exclusive). */
  toUs: z.number().int().nullable(),
  title: z.string(),
  narrative: z.string(),
  deleted: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  examiner: z.string()
})
export type Bookmark = z.infer<typeof Bookmark>

export const EventNote = z.object({
  id: Id,
  eventId: z.number().int(),
  version: z.number().int().positive(),
  text: z.string(),
  deleted: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  examiner: z.string()
})
export type EventNote = z.infer<typeof EventNote>

/** Lane groupings of the timeline; 'actor' = one lane per person (the busiest N). */
export const LaneGroupBy = z.enum(['source', 'category', 'location', 'actor'])
export type LaneGroupBy = z.infer<typeof LaneGroupBy>

const LaneKey = z.string().max(500)
/** How the investigator arranged the lanes of one grouping. Keys not listed keep the default order (busiest first). */
export const LaneLayout = z.object({
  order: z.array(LaneKey).max(2000).default([]),
  hidden: z.array(LaneKey).max(2000).default([]),
  collapsed: z.array(LaneKey).max(2000).default([])
})
export type LaneLayout = z.infer<typeof LaneLayout>

export const EventColumn = z.enum(['timeUtc', 'time', 'category', 'action', 'outcome', 'actor', 'location', 'host', 'srcIp', 'dstIp', 'tags', 'message'])
export type EventColumn = z.infer<typeof EventColumn>

/** The event filters a view can carry (the fields of events.query an investigator sets). */
export const ViewFilters = z.object({
  q: z.string().max(500).nullable().default(null),
  category: z.string().max(40).nullable().default(null),
  outcome: z.enum(['success', 'failure', 'unknown']).nullable().default(null),
  actor: z.string().max(500).nullable().default(null),
  host: z.string().max(500).nullable().default(null),
  ip: z.string().max(100).nullable().default(null),
  location: z.string().max(500).nullable().default(null),
  tag: z.string().max(64).nullable().default(null)
})
export type ViewFilters = z.infer<typeof ViewFilters>

/** Everything a saved view restores. */
export const ViewState = z.object({
  filters: ViewFilters.default(ViewFilters.parse({})),
  groupBy: LaneGroupBy.default('source'),
  lanes: z.partialRecord(LaneGroupBy, LaneLayout).default({}),
  range: z.object({ fromUs: Us, toUs: Us }).nullable().default(null),
  hiddenColumns: z.array(EventColumn).max(20).default([])
})
export type ViewState = z.infer<typeof ViewState>

export const SavedView = z.object({ name: z.string(), state: ViewState, savedAt: z.string(), examiner: z.string() })
export type SavedView = z.infer<typeof SavedView>

export const LaneInfo = z.object({
  key: z.string(),
  label: z.string(),
  events: z.number().int(),
  failures: z.number().int(),
  firstUs: z.number().nullable(),
  lastUs: z.number().nullable()
})
export type LaneInfo = z.infer<typeof LaneInfo>

/** A camera's footage coverage for a camera lane: corrected (offset-applied) spans, merged; gaps are absent. */
export const CameraLane = z.object({
  key: z.string(),
  label: z.string(),
  spans: z.array(z.object({ fromUs: z.number(), toUs: z.number() }))
})
export type CameraLane = z.infer<typeof CameraLane>

const EventIds = z.array(Id).min(1).max(10_000)

export const annotationsContract = {
  'bookmarks.list': {
    request: z.object({ q: z.string().max(200).nullable().default(null), includeDeleted: z.boolean().default(false) }).strict(),
    response: z.array(Bookmark)
  },
  'bookmarks.create': {
    request: z
      .object({ fromUs: Us, toUs: Us.nullable().default(null), title: Title, narrative: Narrative.default('') })
      .strict()
      .refine((r) => r.toUs === null || r.toUs > r.fromUs, { message: 'a range must end after it starts', path: ['toUs'] }),
    response: Bookmark
  },
  'bookmarks.update': {
    request: z
      .object({ id: Id, fromUs: Us.optional(), toUs: Us.nullable().optional(), title: Title.optional(), narrative: Narrative.optional() })
      .strict(),
    response: Bookmark
  },
  'bookmarks.delete': {
    request: z.object({ id: Id, reason: z.string().max(2000).default('') }).strict(),
    response: Bookmark
  },
  'events.tag': { request: z.object({ eventIds: EventIds, tag: TagText }).strict(), response: z.object({ changed: z.number().int() }) },
  'events.untag': { request: z.object({ eventIds: EventIds, tag: TagText }).strict(), response: z.object({ changed: z.number().int() }) },
  /** Adds a note to an event. */
  'events.note': { request: z.object({ eventId: Id, text: NoteText }).strict(), response: EventNote },
  'notes.update': { request: z.object({ id: Id, text: NoteText }).strict(), response: EventNote },
  'notes.delete': { request: z.object({ id: Id }).strict(), response: EventNote },
  /** The tags and current notes of one event. */
  'events.annotations': {
    request: z.object({ eventId: Id }).strict(),
    response: z.object({ tags: z.array(z.string()), notes: z.array(EventNote) })
  },
  /** The tags of some events at once (for the table's tags column). */
  'events.tagsOf': {
    request: z.object({ eventIds: z.array(Id).max(10_000) }).strict(),
    response: z.array(z.object({ eventId: z.number().int(), tags: z.array(z.string()) }))
  },
  'tags.list': { request: Empty, response: z.array(z.object({ tag: z.string(), events: z.number().int() })) },

  'savedViews.list': { request: Empty, response: z.array(SavedView) },
  'savedViews.save': { request: z.object({ name: Title, state: ViewState }).strict(), response: SavedView },
  'savedViews.delete': { request: z.object({ name: z.string().min(1).max(200) }).strict(), response: z.object({ deleted: z.boolean() }) },

  /** The case's working view (lanes per grouping, grouping, columns), restored when it is reopened. */
  'timeline.layoutGet': { request: Empty, response: ViewState.nullable() },
  'timeline.layoutSet': { request: z.object({ state: ViewState }).strict(), response: z.object({ saved: z.boolean() }) },

  /** The lanes of a grouping with totals, busiest first; person lanes are capped to the busiest `limit`. */
  'timeline.lanes': {
    request: z.object({ groupBy: LaneGroupBy, limit: z.number().int().min(1).max(500).default(50) }).strict(),
    response: z.array(LaneInfo)
  },
  /** Like timeline.histogram, with person lanes and only the lanes asked for (the visible ones). */
  'timeline.laneHistogram': {
    request: z
      .object({
        fromUs: Us,
        toUs: Us,
        buckets: z.number().int().min(1).max(8000),
        groupBy: LaneGroupBy,
        /** Only these lanes (null: all lanes; for 'actor', the busiest 50). */
        keys: z.array(LaneKey).max(500).nullable().default(null)
      })
      .strict()
      .refine((r) => r.toUs > r.fromUs, 'toUs must be after fromUs'),
    response: TimelineHistogram
  },
  /** Camera lanes, when the case has cameras (another area's tables); empty otherwise. */
  'timeline.cameraLanes': { request: Empty, response: z.array(CameraLane) }
} as const satisfies ContractSection

/** The result each of this area's long-running job kinds delivers with `job.done`. */
export const annotationsJobResults = {} as const
