// iwb people / link / places / devices / findings / rules: the correlation of a case from the
// command line. `findings` runs the rules first when events changed since their last run
// (after an import), or always with --run.
import { resolve } from 'node:path'
import { RuleSettings, RULE_IDS, type RuleId } from '@shared/contracts/correlation'
import { CaseFolder } from '../core/case/caseFolder'
import { listDevices } from '../core/correlation/devices'
import { FindingError, decideFinding, listFindings } from '../core/correlation/findings'
import { LinkError, decideLink, listPeople, personTimeline } from '../core/correlation/people'
import { listPlaces } from '../core/correlation/places'
import { readRuleSettings, writeRuleSettings } from '../core/correlation/ruleSettings'
import { findingsStale, runCorrelation } from '../core/correlation/rules'
import { printJson } from './output'
import { EXIT_OK, UsageError, type Command, type Values } from './command'

const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined)

function openCase(dir: string | undefined): CaseFolder {
  if (!dir) throw new UsageError('a case folder is required')
  return CaseFolder.open(resolve(dir))
}

/** Entities are derived from events: bring them up to date before listing them. */
function ensureFresh(folder: CaseFolder, force = false): void {
  if (force || findingsStale(folder.db)) runCorrelation(folder.db)
}

function domain<T>(work: () => T): T {
  try {
    return work()
  } catch (err) {
    if (err instanceof LinkError || err instanceof FindingError) throw new UsageError(err.message)
    throw err
  }
}

export const correlationCommands: Record<string, Command> = {
  people: {
    summary: 'People from badge data with their identities (linked or suggested, with the reason).',
    usage: 'iwb people <case> [--timeline personId] [--json]',
    options: { json: { type: 'boolean' }, timeline: { type: 'string' } },
    async run([caseDir], v) {
      const folder = openCase(caseDir)
      try {
        ensureFresh(folder)
        const tl = str(v.timeline)
        if (tl !== undefined) {
          const id = Number(tl)
          if (!Number.isInteger(id) || id < 1) throw new UsageError('--timeline takes a person id (see `iwb people`)')
          const t = domain(() => personTimeline(folder.db, id, 10_000))
          if (v.json) printJson(t)
          else for (const s of t.steps) console.log(`${s.ts}  ${s.kind.padEnd(6)} ${s.action.padEnd(20)} ${s.place ?? ''}  ${s.message}`)
          return EXIT_OK
        }
        const r = listPeople(folder.db)
        if (v.json) printJson(r)
        else {
          for (const p of r.people) {
            console.log(`#${p.id} ${p.name}${p.employeeId ? ` (employee ${p.employeeId})` : ''}${p.cards.length ? ` cards ${p.cards.join(', ')}` : ''}: ${p.events} badge events`)
            for (const l of p.links) console.log(`    ${l.status.padEnd(9)} ${l.identity.value} (${l.identity.kind}) — ${l.reason}`)
          }
          if (r.unlinked.length) console.log(`Identities with no person: ${r.unlinked.map((i) => i.value).join(', ')}`)
        }
        return EXIT_OK
      } finally {
        folder.close()
      }
    }
  },

  link: {
    summary: 'Confirm (or with --reject, reject) the link between a person and an identity.',
    usage: 'iwb link <case> <personId> <identity> [--reject] [--note text] [--examiner name] [--json]',
    options: { reject: { type: 'boolean' }, note: { type: 'string' }, examiner: { type: 'string' }, json: { type: 'boolean' } },
    async run([caseDir, person, identity], v, ctx) {
      if (!person || !identity) throw new UsageError('a person id and an identity are required (see `iwb people`)')
      const personId = Number(person)
      if (!Number.isInteger(personId) || personId < 1) throw new UsageError(`"${person}" is not a person id; \`iwb people\` lists them`)
      const folder = openCase(caseDir)
      try {
        ensureFresh(folder)
        const link = domain(() =>
          decideLink(folder.db, { personId, identity, decision: v.reject ? 'reject' : 'confirm', note: str(v.note) ?? '', examiner: str(v.examiner) ?? ctx.examiner() })
        )
        if (v.json) printJson(link)
        else console.log(`${link.status} person #${personId} ↔ ${identity} (${link.reason})`)
        return EXIT_OK
      } finally {
        folder.close()
      }
    }
  },

  places: {
    summary: 'Sites, doors (with readers) and cameras of a case.',
    usage: 'iwb places <case> [--json]',
    options: { json: { type: 'boolean' } },
    async run([caseDir], v) {
      const folder = openCase(caseDir)
      try {
        ensureFresh(folder)
        const places = listPlaces(folder.db)
        if (v.json) printJson(places)
        else for (const p of places) console.log(`${p.kind.padEnd(6)} ${p.site ? `${p.site} / ` : ''}${p.name}: ${p.events} events${p.cameras.length ? `, cameras ${p.cameras.join(', ')}` : ''}`)
        return EXIT_OK
      } finally {
        folder.close()
      }
    }
  },

  devices: {
    summary: 'Every device seen: door controllers, readers, hosts, firewalls, cameras; first/last seen, problems, versions.',
    usage: 'iwb devices <case> [--json]',
    options: { json: { type: 'boolean' } },
    async run([caseDir], v) {
      const folder = openCase(caseDir)
      try {
        ensureFresh(folder)
        const devices = listDevices(folder.db)
        if (v.json) printJson(devices)
        else
          for (const d of devices) {
            console.log(`${d.kind.padEnd(16)} ${d.name}: ${d.events} events ${d.firstTs ?? '—'} → ${d.lastTs ?? '—'}`)
            for (const p of d.problems) console.log(`    ${p.kind} ${p.fromTs} → ${p.toTs} (${p.events} events)`)
            for (const x of d.versions) console.log(`    version ${x.version} ${x.firstTs} → ${x.lastTs}`)
          }
        return EXIT_OK
      } finally {
        folder.close()
      }
    }
  },

  findings: {
    summary: 'Run the correlation rules (when events changed, or with --run) and list the findings.',
    usage: 'iwb findings <case> [--run] [--status open|confirmed|dismissed] [--rule id] [--confirm id | --dismiss id --reason text] [--json]',
    options: {
      run: { type: 'boolean' },
      status: { type: 'string' },
      rule: { type: 'string' },
      confirm: { type: 'string' },
      dismiss: { type: 'string' },
      reason: { type: 'string' },
      examiner: { type: 'string' },
      json: { type: 'boolean' }
    },
    async run([caseDir], v, ctx) {
      const status = str(v.status)
      if (status !== undefined && !['open', 'confirmed', 'dismissed'].includes(status)) throw new UsageError('--status is open, confirmed or dismissed')
      const rule = str(v.rule)
      if (rule !== undefined && !(RULE_IDS as readonly string[]).includes(rule)) throw new UsageError(`--rule is one of ${RULE_IDS.join(', ')}`)
      const folder = openCase(caseDir)
      try {
        ensureFresh(folder, Boolean(v.run))
        const decide = str(v.confirm) ?? str(v.dismiss)
        if (decide !== undefined) {
          const id = Number(decide)
          if (!Number.isInteger(id) || id < 1) throw new UsageError(`"${decide}" is not a finding id`)
          const f = domain(() => decideFinding(folder.db, { id, decision: v.confirm ? 'confirm' : 'dismiss', reason: str(v.reason) ?? '', examiner: str(v.examiner) ?? ctx.examiner() }))
          if (v.json) printJson(f)
          else console.log(`finding #${f.id} ${f.status}`)
          return EXIT_OK
        }
        const findings = listFindings(folder.db, { status: (status as 'open' | 'confirmed' | 'dismissed' | undefined) ?? null, rule: (rule as RuleId | undefined) ?? null })
        if (v.json) printJson(findings)
        else {
          for (const f of findings) {
            console.log(`#${f.id} [${f.severity}] ${f.ruleName}: ${f.title}${f.unconfirmedLink ? ' (unconfirmed link)' : ''}${f.status !== 'open' ? ` — ${f.status}` : ''}`)
            console.log(`    ${f.explanation}`)
            console.log(`    events ${f.eventIds.join(', ')}${f.cameras.length ? `; cameras ${f.cameras.join(', ')}` : ''}`)
          }
          if (findings.length === 0) console.log('No findings.')
        }
        return EXIT_OK
      } finally {
        folder.close()
      }
    }
  },

  rules: {
    summary: 'Show the rule settings of a case, or replace them from a JSON file (--set file.json).',
    usage: 'iwb rules <case> [--set settings.json] [--reason text] [--json]',
    options: { set: { type: 'string' }, reason: { type: 'string' }, examiner: { type: 'string' }, json: { type: 'boolean' } },
    async run([caseDir], v, ctx) {
      const folder = openCase(caseDir)
      try {
        const file = str(v.set)
        if (file !== undefined) {
          const { readFile } = await import('node:fs/promises')
          let parsed
          try {
            parsed = RuleSettings.safeParse(JSON.parse(await readFile(resolve(file), 'utf8')))
          } catch (err) {
            throw new UsageError(`cannot read ${file}: ${(err as Error).message}`)
          }
          if (!parsed.success) throw new UsageError(`${file} is not valid rule settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
          writeRuleSettings(folder.db, parsed.data, str(v.examiner) ?? ctx.examiner(), str(v.reason) ?? '')
        }
        printJson(readRuleSettings(folder.db))
        return EXIT_OK
      } finally {
        folder.close()
      }
    }
  }
}
