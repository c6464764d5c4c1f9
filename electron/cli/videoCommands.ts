// iwb import (video files), iwb cameras, iwb place: footage into the case and onto the timeline.
// `import` wraps the log import command: files whose first bytes are a video container or
// stream go to the video path; every other file goes to the log import unchanged.
import { resolve } from 'node:path'
import type { CameraInfo, VideoFileInfo } from '@shared/contracts/video'
import { isValidTimeZone, microsToIso } from '@shared/time'
import { CaseFolder } from '../core/case/caseFolder'
import { evidenceIdBySha } from '../core/case/evidence'
import { acquireEvidence } from '../core/case/intake'
import { locateTools } from '../core/media/ffmpegLocator'
import { toolPaths } from '../core/media/ffmpegRunner'
import { sniffFile } from '../core/media/probe'
import { describeClockOffset } from '../core/media/placement/calibration'
import { describeDuration } from '../core/media/placement/wallClock'
import { isHikvisionIndexFileName } from '../core/media/hikvisionPieces'
import { importVideoEvidence, listCameras, placeFile, VideoError } from '../core/media/videoStore'
import { formatClockOffset, parseClockOffset } from '../core/ingest/timeResolve'
import { SettingsStore } from '../core/settings/settingsStore'
import { importCommands } from './importCommands'
import { printJson } from './output'
import { EXIT_OK, EXIT_USAGE, UsageError, type Command, type Values } from './command'

const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined)
const logImport = importCommands.import!

/** True when the file's first bytes name a demuxer we read (see probe.ts sniffContainer). */
async function looksLikeVideo(path: string): Promise<boolean> {
  try {
    return (await sniffFile(path)).sniff.ok
  } catch {
    return false
  }
}

const iso = (us: number | null): string => (us === null ? '—' : microsToIso(us))

function fileLine(f: VideoFileInfo): string {
  const where = f.startUs !== null ? `${iso(f.startUs)} → ${iso(f.endUs)}` : 'UNPLACED'
  const how = f.startMethod === 'unplaced' ? (f.unplacedReason ?? '') : `start from ${f.startMethod}: ${f.startDetail}`
  const piece = f.piece ? `\n        bytes [${f.piece.byteStart}, ${f.piece.byteEnd}) of evidence #${f.piece.of.evidenceId} ${f.piece.of.fileName} (${f.piece.of.sha256.slice(0, 12)}…)` : ''
  const refused = f.split ? f.warnings.map((w) => `\n        ${w}`).join('') : ''
  return `    #${f.id} (evidence #${f.evidenceId}) ${f.fileName}  ${f.codec} ${f.width}×${f.height} ${f.fps ? `${Math.round(f.fps * 100) / 100} fps` : ''}  ${where}\n        ${how}${piece}${refused}`
}

function printCamera(c: CameraInfo): void {
  console.log(`camera #${c.id} ${c.name}  zone ${c.timeZone ?? 'unknown'}  offset ${formatClockOffset(c.clockOffsetUs)} (${c.offsetMethod}; ${describeClockOffset(c.clockOffsetUs)})`)
  console.log(`  identified by ${c.identifiedBy}`)
  const t = c.track
  console.log(`  track ${iso(t.startUs)} → ${iso(t.endUs)}, footage ${describeDuration(t.coveredUs)}, ${t.gaps.length} gaps, ${t.overlaps.length} overlaps`)
  for (const g of t.gaps) console.log(`    gap ${iso(g.startUs)} → ${iso(g.endUs)}`)
  for (const o of t.overlaps) console.log(`    overlap of files #${o.fileA} and #${o.fileB} ${iso(o.startUs)} → ${iso(o.endUs)}`)
  for (const f of c.files) console.log(fileLine(f))
}

export const videoCommands: Record<string, Command> = {
  import: {
    summary: `${logImport.summary} Video files (MP4/MOV, MKV, AVI, MPEG-TS/PS, FLV, raw H.264/HEVC, Dahua .dav, MJPEG) become camera footage.`,
    usage: `${logImport.usage}\n       iwb import <case> <video…> [--camera name] [--start ISO] [--tz IANA] [--offset ±dur] [--json]`,
    options: { ...logImport.options, camera: { type: 'string' }, start: { type: 'string' } },
    async run([caseDir, ...files], v, ctx) {
      if (!caseDir || files.length === 0) throw new UsageError('a case folder and at least one file are required')
      const videos: string[] = []
      const logs: string[] = []
      // A Hikvision SD-card index is a sidecar: acquired first, it places the card's hivNNNNN.mp4 files.
      const sidecars = files.filter((f) => isHikvisionIndexFileName(f))
      for (const f of files) if (!sidecars.includes(f)) (await looksLikeVideo(f) ? videos : logs).push(f)
      if (videos.length === 0 && sidecars.length === 0) {
        if (v.camera !== undefined || v.start !== undefined) throw new UsageError('--camera and --start apply to video files only, and none of the files is video')
        return logImport.run([caseDir, ...files], v, ctx)
      }
      if (v.format !== undefined || v.map !== undefined) {
        if (logs.length === 0) throw new UsageError('--format and --map apply to log files; video files need neither')
      }
      const tz = str(v.tz)
      if (tz && !isValidTimeZone(tz)) throw new UsageError(`unknown time zone "${tz}"; use an IANA name such as America/Chicago`)
      let offsetUs: number | null = null
      try {
        offsetUs = v.offset === undefined ? null : parseClockOffset(str(v.offset) ?? '')
      } catch (err) {
        throw new UsageError((err as Error).message)
      }
      const settings = new SettingsStore().get()
      const tools = toolPaths(await locateTools(settings))
      const examiner = str(v.examiner) ?? ctx.examiner()
      const folder = CaseFolder.open(resolve(caseDir))
      const results: unknown[] = []
      let ok = true
      try {
        for (const file of sidecars) {
          const acquired = await acquireEvidence(folder, { path: file }, { examiner, note: str(v.note) ?? 'Hikvision SD-card index (sidecar)' })
          if (acquired.outcome === 'refused') ok = false
          // Given after its hiv files, the index re-places them as their recordings.
          const replaced = acquired.evidence ? await importVideoEvidence(folder, acquired.evidence.id, { examiner, tools, caseZone: folder.info().timeZone }) : null
          const message = replaced?.outcome === 'imported' ? replaced.message : (acquired.reason ?? 'acquired as the index of the card')
          results.push({ file, outcome: acquired.outcome === 'refused' ? 'refused' : 'sidecar', message })
          if (!v.json) console.log(`sidecar   ${file}: ${acquired.outcome === 'refused' ? acquired.reason : replaced?.outcome === 'imported' ? replaced.message : 'acquired; it places the hivNNNNN.mp4 files of its folder'}`)
        }
        for (const file of videos) {
          const acquired = await acquireEvidence(folder, { path: file }, { examiner, note: str(v.note) ?? '' })
          if (acquired.outcome === 'refused' || !acquired.evidence) {
            ok = false
            results.push({ file, outcome: 'refused', message: acquired.reason })
            if (!v.json) console.log(`refused   ${file}: ${acquired.reason}`)
            continue
          }
          const r = await importVideoEvidence(folder, acquired.evidence.id, {
            examiner,
            tools,
            camera: str(v.camera) ?? null,
            timeZone: tz ?? null,
            offsetUs,
            start: str(v.start) ?? null,
            caseZone: folder.info().timeZone
          })
          if (r.outcome === 'refused') ok = false
          const pieces = r.outcome !== 'refused' && r.pieces ? { pieces: r.pieces, refusedSegments: r.refusedSegments ?? [] } : {}
          results.push({ file, outcome: r.outcome, message: r.message, video: r.file, ...pieces })
          if (!v.json) {
            console.log(`${r.outcome.padEnd(9)} ${file}: ${r.message}`)
            if (r.file) console.log(fileLine(r.file))
            for (const p of pieces.pieces ?? []) console.log(fileLine(p))
          }
        }
      } finally {
        folder.close()
      }
      if (v.json && logs.length === 0) printJson(results.length === 1 ? results[0] : results)
      else if (v.json) printJson({ video: results })
      // The remaining files are logs: the log import reads them exactly as before.
      const logCode = logs.length ? await logImport.run([caseDir, ...logs], { ...v, camera: undefined, start: undefined }, ctx) : EXIT_OK
      return ok && logCode === EXIT_OK ? EXIT_OK : EXIT_USAGE
    }
  },

  cameras: {
    summary: 'List cameras with their tracks, files, start/end, clock offset and how each start was found.',
    usage: 'iwb cameras <case> [--json]',
    options: { json: { type: 'boolean' } },
    async run([caseDir], v) {
      if (!caseDir) throw new UsageError('a case folder is required')
      const folder = CaseFolder.open(resolve(caseDir), { readonly: true })
      try {
        const cams = listCameras(folder.db)
        if (v.json) printJson(cams)
        else if (cams.length === 0) console.log('No cameras: import footage with `iwb import <case> <video…>`.')
        else cams.forEach(printCamera)
      } finally {
        folder.close()
      }
      return EXIT_OK
    }
  },

  place: {
    summary: 'Place a video file on the timeline by hand (its start), with custody.',
    usage: 'iwb place <case> <evidence-id | sha256> --start ISO [--tz IANA] [--camera-clock] [--reason text] [--json]',
    options: { start: { type: 'string' }, tz: { type: 'string' }, 'camera-clock': { type: 'boolean' }, reason: { type: 'string' }, examiner: { type: 'string' }, json: { type: 'boolean' } },
    async run([caseDir, which], v, ctx) {
      const start = str(v.start)
      if (!caseDir || !which || !start) throw new UsageError('a case folder, an evidence id or SHA-256, and --start are required')
      const folder = CaseFolder.open(resolve(caseDir))
      try {
        const evidenceId = /^[0-9a-f]{64}$/i.test(which) ? evidenceIdBySha(folder.db, which.toLowerCase()) : /^\d+$/.test(which) ? Number(which) : null
        if (evidenceId === null) throw new UsageError(`no evidence "${which}" in this case: give its number (iwb cameras lists them) or its SHA-256`)
        const row = folder.db.prepare('SELECT id FROM video_file WHERE evidence_id = ?').get(evidenceId) as { id: number } | undefined
        if (!row) throw new UsageError(`evidence #${evidenceId} is not imported as video; import it with \`iwb import <case> <file>\``)
        const examiner = str(v.examiner) ?? ctx.examiner()
        let file: VideoFileInfo
        try {
          file = placeFile(folder.db, row.id, { start, timeZone: str(v.tz) ?? null, basis: v['camera-clock'] ? 'camera-clock' : 'reference-clock', reason: str(v.reason) ?? '' }, examiner, folder.info().timeZone)
        } catch (err) {
          if (err instanceof VideoError) throw new UsageError(err.message)
          throw err
        }
        if (v.json) printJson(file)
        else console.log(`placed    ${file.fileName} at ${iso(file.startUs)} → ${iso(file.endUs)} (${file.startDetail})`)
      } finally {
        folder.close()
      }
      return EXIT_OK
    }
  }
}
