// Contract section: Cameras, video files, HLS playback and calibration (issue 4).
// Merged into the one contract in shared/contract.ts; implemented by
// electron/core/api/handlers/video.ts. Every request and response is a zod schema.
import { z } from 'zod'
import type { ContractSection } from './section'

const TimeZoneName = z.string().min(1).max(64)
/** Same grammar as the core contract's clock offsets: +43s, -1m30s, -00:01:30. */
export const ClockOffsetText = z
  .string()
  .max(40)
  .regex(/^[+-]?(\d+(\.\d+)?(h|m|s|ms|us)\s*)+$|^[+-]?\d+:\d{2}:\d{2}(\.\d{1,6})?$/, 'a clock offset such as +43s or -00:01:30')
const Us = z.number().int()
const IdParam = z.number().int().positive()

export const StartMethod = z.enum(['creation-time', 'stream-timestamps', 'file-name', 'sidecar', 'manual', 'unplaced'])
export type StartMethod = z.infer<typeof StartMethod>

const CardIndex = z.object({ evidenceId: IdParam, sha256: z.string(), name: z.string() })
const HikvisionPiece = z.object({
  of: z.object({ evidenceId: IdParam, sha256: z.string(), fileName: z.string() }),
  byteStart: z.number().int().nonnegative(),
  byteEnd: z.number().int().nonnegative(),
  index: CardIndex.extend({ slot: z.number().int().nonnegative() })
})
const HikvisionSplit = z.object({
  index: CardIndex,
  pieces: z.array(z.object({ slot: z.number().int().nonnegative(), videoFileId: IdParam, evidenceId: IdParam })),
  refused: z.array(z.object({ slot: z.number().int().nonnegative(), byteRange: z.object({ start: z.number().int(), end: z.number().int() }).nullable(), reason: z.string() }))
})

export const VideoFileInfo = z.object({
  id: IdParam,
  evidenceId: IdParam,
  sha256: z.string(),
  fileName: z.string(),
  cameraId: IdParam,
  container: z.string(),
  codec: z.string(),
  audioCodecs: z.array(z.string()),
  width: z.number().int(),
  height: z.number().int(),
  fps: z.number().nullable(),
  durationUs: Us.nullable(),
  keyframes: z.number().int().nonnegative(),
  playback: z.enum(['remux', 'transcode']),
  /** Corrected start and end (camera offset applied where it applies); null while unplaced. */
  startUs: Us.nullable(),
  endUs: Us.nullable(),
  rawStartUs: Us.nullable(),
  offsetApplied: z.boolean(),
  startMethod: StartMethod,
  /** How the start was found (pattern id, tag, who entered it) or why it is unplaced. */
  startDetail: z.string(),
  unplacedReason: z.string().nullable(),
  warnings: z.array(z.string()),
  /** One recording of a Hikvision hiv file: exactly bytes [byteStart, byteEnd) of it, as its card index lists. */
  piece: HikvisionPiece.nullable().optional(),
  /** A Hikvision hiv file shown as its index segments: the pieces, and each segment not used with the reason. */
  split: HikvisionSplit.nullable().optional()
})
export type VideoFileInfo = z.infer<typeof VideoFileInfo>

export const TrackInfo = z.object({
  startUs: Us.nullable(),
  endUs: Us.nullable(),
  coveredUs: Us,
  gaps: z.array(z.object({ startUs: Us, endUs: Us, afterFileId: z.string(), beforeFileId: z.string() })),
  overlaps: z.array(z.object({ fileA: z.string(), fileB: z.string(), startUs: Us, endUs: Us }))
})
export type TrackInfo = z.infer<typeof TrackInfo>

export const CameraInfo = z.object({
  id: IdParam,
  key: z.string(),
  name: z.string(),
  timeZone: z.string().nullable(),
  clockOffsetUs: Us,
  offsetMethod: z.enum(['none', 'manual', 'calibration', 'import']),
  offsetNotes: z.string(),
  identifiedBy: z.string(),
  files: z.array(VideoFileInfo),
  track: TrackInfo
})
export type CameraInfo = z.infer<typeof CameraInfo>

export const VideoImportResult = z.object({
  items: z.array(
    z.object({
      evidenceId: IdParam,
      fileName: z.string(),
      outcome: z.enum(['imported', 'already', 'refused']),
      message: z.string(),
      file: VideoFileInfo.nullable()
    })
  )
})
export type VideoImportResult = z.infer<typeof VideoImportResult>

export const DoorCamera = z.object({
  door: z.string(),
  cameraId: IdParam.nullable(),
  cameraName: z.string().nullable(),
  status: z.enum(['suggested', 'confirmed', 'none']),
  reason: z.string()
})
export type DoorCamera = z.infer<typeof DoorCamera>

export const PlaylistInfo = z.object({
  /** URL path (same origin) of the VOD playlist: /media/hls/<sha>/<plan>/index.m3u8. */
  url: z.string(),
  fileId: IdParam,
  mode: z.enum(['remux', 'transcode']),
  /** Wall clock (corrected) of the first frame and the frame duration, for the player's mapping. */
  startUs: Us,
  frameUs: z.number().positive(),
  durationUs: Us,
  segments: z.number().int().positive(),
  /**
   * The text served at `url`, given here so the player hands it to hls.js without another
   * round trip (and the grid reads segment boundaries from it).
   */
  m3u8: z.string().max(16_000_000)
})
export type PlaylistInfo = z.infer<typeof PlaylistInfo>

const Empty = z.object({}).strict()

export const videoContract = {
  'cameras.list': { request: Empty, response: z.array(CameraInfo) },
  'cameras.update': {
    request: z
      .object({
        cameraId: IdParam,
        name: z.string().min(1).max(200).optional(),
        timeZone: TimeZoneName.nullable().optional(),
        offset: ClockOffsetText.optional(),
        reason: z.string().min(1, 'say why the camera changes').max(2000)
      })
      .strict(),
    response: CameraInfo
  },
  /** Imports acquired evidence as footage: probe, camera, placement. */
  'video.import': {
    request: z
      .object({
        evidenceIds: z.array(IdParam).min(1).max(10_000),
        camera: z.string().min(1).max(200).nullable().default(null),
        timeZone: TimeZoneName.nullable().default(null),
        offset: ClockOffsetText.nullable().default(null),
        start: z.string().max(60).nullable().default(null)
      })
      .strict(),
    response: z.object({ jobId: z.string() })
  },
  /** Investigator placement of a file whose start could not be established (or a correction). */
  'video.place': {
    request: z
      .object({
        fileId: IdParam,
        /** ISO 8601, with an offset or Z; without one, `timeZone` says where the wall clock was. */
        start: z.string().min(10).max(60),
        timeZone: TimeZoneName.nullable().default(null),
        /** camera-clock: read off the camera (its overlay): the camera offset applies. */
        basis: z.enum(['camera-clock', 'reference-clock']).default('reference-clock'),
        reason: z.string().max(2000).default('')
      })
      .strict(),
    response: VideoFileInfo
  },
  /** Offset from a reference event and the position in a file where it is seen. */
  'video.calibrate': {
    request: z
      .object({
        fileId: IdParam,
        /** Position in the file (µs from its first frame) where the event is seen. */
        positionUs: Us.nonnegative(),
        eventId: IdParam.nullable().default(null),
        /** The reference instant when no event id is given (ISO 8601 UTC). */
        eventTime: z.string().max(40).nullable().default(null),
        confirmLargeOffset: z.boolean().default(false)
      })
      .strict(),
    response: z.object({ camera: CameraInfo, previousOffsetUs: Us, newOffsetUs: Us, description: z.string(), warnings: z.array(z.string()) })
  },
  'video.playlist': { request: z.object({ fileId: IdParam }).strict(), response: PlaylistInfo },
  /** Saves the frame at a position as a PNG in derived/ with a burnt-in caption band under it, with custody. */
  'video.still': {
    request: z.object({ fileId: IdParam, positionUs: Us.nonnegative() }).strict(),
    /** caption: the text burnt in (camera, wall-clock time in the case zone and UTC, source hash prefix). */
    response: z.object({ path: z.string(), url: z.string(), sha256: z.string(), caption: z.string() })
  },
  'doorCameras.list': { request: Empty, response: z.array(DoorCamera) },
  'doorCameras.set': {
    request: z.object({ door: z.string().min(1).max(500), cameraId: IdParam.nullable() }).strict(),
    response: z.array(DoorCamera)
  },
  'doorCameras.suggest': { request: Empty, response: z.array(DoorCamera) }
} as const satisfies ContractSection

/** The result each of this area's long-running job kinds delivers with `job.done`. */
export const videoJobResults = {
  'video-import': VideoImportResult
} as const
