// Handlers for the calls in shared/contracts/video.ts.
import type { videoContract, VideoImportResult } from '@shared/contracts/video'
import { isoToMicros } from '@shared/time'
import { listEvidence } from '../../case/evidence'
import { MediaNotFound, MediaServer, planFor, playlistUrl, type MediaHost } from '../../media/mediaServer'
import {
  calibrateCamera,
  eventForCalibration,
  fileProbe,
  fileRow,
  getCamera,
  importVideoEvidence,
  listCameras,
  listDoorCameras,
  placeFile,
  setDoorCamera,
  suggestDoorCameras,
  updateCamera,
  VideoError
} from '../../media/videoStore'
import { parseClockOffset } from '../../ingest/timeResolve'
import type { AreaHandlers, WorkbenchContext } from '../context'
import { ApiError } from '../errors'

const servers = new WeakMap<WorkbenchContext, MediaServer>()

/** The one media server of a Workbench, shared by its handlers and its transports. */
export function mediaServerFor(ctx: WorkbenchContext): MediaServer {
  let s = servers.get(ctx)
  if (!s) {
    const host: MediaHost = {
      currentCase: () => {
        try {
          return ctx.requireCase()
        } catch {
          return null
        }
      },
      settings: () => ctx.settings.get(),
      exclusive: (work) => ctx.exclusive(work)
    }
    s = new MediaServer(host)
    servers.set(ctx, s)
  }
  return s
}

/** Store errors become API errors with the same words. */
function api<T>(work: () => T): T {
  try {
    return work()
  } catch (err) {
    if (err instanceof VideoError) throw new ApiError(err.code, err.message)
    throw err
  }
}

export function videoHandlers(ctx: WorkbenchContext): AreaHandlers<typeof videoContract> {
  const examiner = (): string => ctx.settings.get().examinerName
  return {
    'cameras.list': () => {
      const cameras = listCameras(ctx.requireCase().db)
      // The grid lists cameras before anyone jumps into footage: get ffmpeg ready meanwhile.
      if (cameras.length) mediaServerFor(ctx).prepare()
      return cameras
    },
    'cameras.update': (req) => {
      const folder = ctx.requireCase()
      let offsetUs: number | undefined
      try {
        offsetUs = req.offset === undefined ? undefined : parseClockOffset(req.offset)
      } catch (err) {
        throw new ApiError('BAD_REQUEST', (err as Error).message)
      }
      const cam = api(() => updateCamera(folder.db, req.cameraId, { name: req.name, timeZone: req.timeZone, offsetUs, offsetMethod: 'manual', reason: req.reason }, examiner()))
      ctx.emitCaseChanged()
      return cam
    },
    'video.import': (req) => {
      const folder = ctx.requireCase()
      const media = mediaServerFor(ctx)
      let offsetUs: number | null = null
      try {
        offsetUs = req.offset === null ? null : parseClockOffset(req.offset)
      } catch (err) {
        throw new ApiError('BAD_REQUEST', (err as Error).message)
      }
      const names = new Map(listEvidence(folder.db).map((e) => [e.id, e.originalName]))
      const jobId = ctx.jobs.start('video-import', `Importing ${req.evidenceIds.length} video file${req.evidenceIds.length === 1 ? '' : 's'}`, (job) =>
        ctx.exclusive(async () => {
          const tools = await media.mediaTools()
          job.setTotals(null, req.evidenceIds.length)
          const items: VideoImportResult['items'] = []
          for (const [i, evidenceId] of req.evidenceIds.entries()) {
            const fileName = names.get(evidenceId) ?? `evidence #${evidenceId}`
            job.setLabel(`Probing ${fileName}`)
            const r = await importVideoEvidence(folder, evidenceId, {
              examiner: examiner(),
              tools,
              camera: req.camera,
              timeZone: req.timeZone,
              offsetUs,
              start: req.start,
              caseZone: folder.info().timeZone,
              signal: job.signal
            }).catch((err: unknown) => ({ outcome: 'refused' as const, file: null, message: (err as Error).message }))
            items.push({ evidenceId, fileName, outcome: r.outcome, message: r.message, file: r.file })
            job.setItems(i + 1)
          }
          ctx.emitCaseChanged()
          return { items }
        })
      )
      return { jobId }
    },
    'video.place': (req) => {
      const folder = ctx.requireCase()
      const file = api(() => placeFile(folder.db, req.fileId, { start: req.start, timeZone: req.timeZone, basis: req.basis, reason: req.reason }, examiner(), folder.info().timeZone))
      ctx.emitCaseChanged()
      return file
    },
    'video.calibrate': (req) => {
      const folder = ctx.requireCase()
      const event = api(() => {
        if (req.eventId !== null) return eventForCalibration(folder.db, req.eventId)
        const us = req.eventTime ? isoToMicros(req.eventTime) : null
        if (us === null) throw new VideoError('Give the reference event (its id) or its time as ISO 8601 UTC.', 'BAD_REQUEST')
        return { us, label: `reference time ${req.eventTime}` }
      })
      const r = api(() => calibrateCamera(folder.db, { fileId: req.fileId, positionUs: req.positionUs, eventUs: event.us, eventLabel: event.label, eventId: req.eventId, confirmLargeOffset: req.confirmLargeOffset }, examiner()))
      ctx.emitCaseChanged()
      return r
    },
    'video.playlist': ({ fileId }) => {
      const folder = ctx.requireCase()
      const row = api(() => fileRow(folder.db, fileId))
      if (row.start_us === null) throw new ApiError('CONFLICT', `${row.original_name} is unplaced: place it first (Cameras view, “Place…”).`)
      const probe = fileProbe(row)
      const plan = planFor({ fileId, evidenceId: row.evidence_id, sha256: row.sha256, demuxer: probe.demuxer, mode: row.playback_mode, startUs: row.start_us, probe })
      // The player asks for a playlist before jumping into the file: its segments come sooner.
      mediaServerFor(ctx).warmUp(row.sha256)
      const last = plan.segments[plan.segments.length - 1]!
      return {
        url: playlistUrl(row.sha256, row.playback_mode),
        fileId,
        mode: row.playback_mode,
        startUs: row.start_us,
        frameUs: plan.frameDurationS * 1e6,
        durationUs: Math.round((last.endS - plan.firstFrameS) * 1e6),
        segments: plan.segments.length,
        m3u8: plan.playlist
      }
    },
    'video.still': async ({ fileId, positionUs }) => {
      const folder = ctx.requireCase()
      try {
        const r = await mediaServerFor(ctx).saveStill(folder, fileId, positionUs)
        ctx.emitCaseChanged()
        return r
      } catch (err) {
        if (err instanceof MediaNotFound) throw new ApiError('NOT_FOUND', `There is no video file #${fileId}.`)
        throw err
      }
    },
    'doorCameras.list': () => listDoorCameras(ctx.requireCase().db),
    'doorCameras.set': ({ door, cameraId }) => api(() => setDoorCamera(ctx.requireCase().db, door, cameraId, examiner())),
    'doorCameras.suggest': () => suggestDoorCameras(ctx.requireCase().db, examiner())
  }
}

export { getCamera }
