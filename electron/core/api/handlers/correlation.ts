// Handlers for the calls in shared/contracts/correlation.ts: people and their identities,
// places, devices, findings and rule settings. Rule runs are a job ("correlate"); the renderer
// starts one after every import (see renderer/src/components/correlation/AutoRun.tsx).
import type { correlationContract } from '@shared/contracts/correlation'
import { getEvent } from '../../timeline/eventQuery'
import { listDevices } from '../../correlation/devices'
import { FindingError, decideFinding, getFinding, listFindings } from '../../correlation/findings'
import { LinkError, decideLink, getPerson, listPeople, personTimeline } from '../../correlation/people'
import { listPlaces } from '../../correlation/places'
import { readRuleSettings, writeRuleSettings } from '../../correlation/ruleSettings'
import { findingsStale, runCorrelationAsync } from '../../correlation/rules'
import { microsToIso } from '@shared/time'
import type { EventRecord } from '@shared/ingestModel'
import type { AreaHandlers, WorkbenchContext } from '../context'
import { ApiError } from '../errors'

/** Our domain errors are the user's to fix: NOT_FOUND / BAD_REQUEST, not INTERNAL. */
function mapped<T>(work: () => T): T {
  try {
    return work()
  } catch (err) {
    if (err instanceof LinkError || err instanceof FindingError) throw new ApiError(/^No /.test(err.message) ? 'NOT_FOUND' : 'BAD_REQUEST', err.message)
    throw err
  }
}

export function correlationHandlers(ctx: WorkbenchContext): AreaHandlers<typeof correlationContract> {
  const examiner = (): string => ctx.settings.get().examinerName
  return {
    'people.list': () => listPeople(ctx.requireCase().db),
    'people.link': (req) =>
      ctx.exclusive(async () => {
        const folder = ctx.requireCase()
        const link = mapped(() => decideLink(folder.db, { ...req, examiner: examiner() }))
        ctx.emitCaseChanged()
        return link
      }),
    'people.timeline': ({ personId, limit }) => {
      const db = ctx.requireCase().db
      const person = getPerson(db, personId)
      if (!person) throw new ApiError('NOT_FOUND', `No person #${personId} in this case.`)
      return { person, ...mapped(() => personTimeline(db, personId, limit)) }
    },
    'places.list': () => listPlaces(ctx.requireCase().db),
    'devices.list': () => listDevices(ctx.requireCase().db),
    'findings.list': (filter) => {
      const db = ctx.requireCase().db
      const state = db.prepare('SELECT last_run_us FROM correlation_state WHERE id = 1').get() as { last_run_us: number | null }
      return { findings: listFindings(db, filter), stale: findingsStale(db), lastRunAt: state.last_run_us === null ? null : microsToIso(state.last_run_us) }
    },
    'findings.get': ({ id }) => {
      const db = ctx.requireCase().db
      const finding = getFinding(db, id)
      if (!finding) throw new ApiError('NOT_FOUND', `No finding #${id} in this case.`)
      const events = finding.eventIds.map((e) => getEvent(db, e)).filter((e): e is EventRecord => e !== null)
      return { finding, events }
    },
    'findings.run': () => {
      const folder = ctx.requireCase()
      const jobId = ctx.jobs.start('correlate', 'Running correlation rules', (job) =>
        ctx.exclusive(async () => {
          job.setTotals(null, null)
          // Yields between entity rebuilds and rules: the host keeps answering meanwhile.
          const summary = await runCorrelationAsync(folder.db, {
            signal: job.signal,
            onStep: (done, total, label) => {
              job.setLabel(label)
              job.setItems(done, total)
            }
          })
          ctx.emitCaseChanged()
          return summary
        })
      )
      return { jobId }
    },
    'findings.decide': (req) =>
      ctx.exclusive(async () => {
        const folder = ctx.requireCase()
        const f = mapped(() => decideFinding(folder.db, { ...req, examiner: examiner() }))
        ctx.emitCaseChanged()
        return f
      }),
    'rules.settings': () => readRuleSettings(ctx.requireCase().db),
    'rules.updateSettings': ({ settings, reason }) =>
      ctx.exclusive(async () => {
        const next = writeRuleSettings(ctx.requireCase().db, settings, examiner(), reason)
        ctx.emitCaseChanged()
        return next
      })
  }
}
