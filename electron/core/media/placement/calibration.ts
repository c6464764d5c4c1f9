// Camera clock calibration: the investigator pairs a reference event (a badge swipe at the
// door, already on the corrected UTC timeline) with the frame where it is seen. The new
// offset makes that frame land on the event. Offsets are stored and shown, written to the
// custody log, and never applied to the original file. Convention as in timeResolve.ts:
// corrected = camera time + offset, so a camera running fast has a negative offset.
import { microsToIso } from '@shared/time'
import type { CustodyInput } from '../../case/custody'
import { describeDuration, US_PER_HOUR, US_PER_MINUTE, US_PER_SECOND } from './wallClock'

export interface CalibrationInput {
  cameraKey: string
  /** The reference event: corrected UTC µs, and what it is. */
  event: { us: number; label: string; eventId?: string }
  /** The frame: the file's start on the timeline (current offset applied) and the position in it. */
  frame: { fileId: string; fileStartUs: number; positionUs: number }
  /** The offset applied in frame.fileStartUs. */
  currentOffsetUs: number
  /** Needed for an offset beyond maxOffsetUs. */
  confirmLargeOffset?: boolean
  /** Default 24 h. */
  maxOffsetUs?: number
}

export type CalibrationResult =
  | {
      ok: true
      newOffsetUs: number
      previousOffsetUs: number
      /** How far the frame moves: newOffset - previousOffset. */
      changeUs: number
      /** Where the frame sat before (corrected with the previous offset). */
      frameWasAtUs: number
      /** The frame's time by the camera's own clock. */
      cameraClockUs: number
      /** e.g. "camera clock 43.2 s fast". */
      description: string
      warnings: string[]
      /** For appendCustody, with the examiner added by the caller. */
      custody: Omit<CustodyInput, 'examiner' | 'tsUs'>
    }
  | { ok: false; reason: string; needsConfirmation: boolean; newOffsetUs: number | null }

export const DEFAULT_MAX_OFFSET_US = 24 * US_PER_HOUR

/** Plain words for an offset: negative = camera fast. */
export function describeClockOffset(offsetUs: number): string {
  if (offsetUs === 0) return 'camera clock matches the reference'
  return `camera clock ${describeDuration(offsetUs)} ${offsetUs < 0 ? 'fast' : 'slow'}`
}

export function calibrate(input: CalibrationInput): CalibrationResult {
  const { event, frame, currentOffsetUs } = input
  const numbers = [event.us, frame.fileStartUs, frame.positionUs, currentOffsetUs]
  if (!numbers.every(Number.isFinite)) return { ok: false, reason: 'the event time, frame position and current offset must all be known', needsConfirmation: false, newOffsetUs: null }
  if (frame.positionUs < 0) return { ok: false, reason: 'the frame position is before the start of the file', needsConfirmation: false, newOffsetUs: null }
  const frameWasAtUs = frame.fileStartUs + frame.positionUs
  const cameraClockUs = frameWasAtUs - currentOffsetUs
  const newOffsetUs = Math.round(event.us - cameraClockUs)
  const changeUs = newOffsetUs - currentOffsetUs
  const max = input.maxOffsetUs ?? DEFAULT_MAX_OFFSET_US
  const description = describeClockOffset(newOffsetUs)
  if (Math.abs(newOffsetUs) > max && !input.confirmLargeOffset) {
    return {
      ok: false,
      reason: `this pairing means the ${description}, more than ${describeDuration(max)}: check the event and the frame, or confirm the offset explicitly`,
      needsConfirmation: true,
      newOffsetUs
    }
  }
  const warnings: string[] = []
  const quarter = 15 * US_PER_MINUTE
  const nearQuarter = Math.abs(newOffsetUs - Math.round(newOffsetUs / quarter) * quarter)
  if (Math.abs(newOffsetUs) >= quarter - 5 * US_PER_SECOND && nearQuarter <= 5 * US_PER_SECOND) {
    warnings.push(`the offset is close to a whole ${describeDuration(Math.round(newOffsetUs / quarter) * quarter)}: that looks like a wrong time zone or a missed DST change rather than clock drift; check the camera’s zone first`)
  }
  if (Math.abs(newOffsetUs) > max) warnings.push(`offset beyond ${describeDuration(max)}, confirmed by the investigator`)
  return {
    ok: true,
    newOffsetUs,
    previousOffsetUs: currentOffsetUs,
    changeUs,
    frameWasAtUs,
    cameraClockUs,
    description,
    warnings,
    custody: {
      action: 'camera.clock-calibrated',
      object: `camera:${input.cameraKey}`,
      details: {
        previousOffsetUs: currentOffsetUs,
        newOffsetUs,
        description,
        event: { label: event.label, eventId: event.eventId ?? null, at: microsToIso(event.us) },
        frame: { fileId: frame.fileId, positionUs: frame.positionUs, cameraClock: microsToIso(cameraClockUs), wasShownAt: microsToIso(frameWasAtUs) },
        confirmedLargeOffset: Math.abs(newOffsetUs) > max,
        warnings,
        originalUntouched: true
      }
    }
  }
}
