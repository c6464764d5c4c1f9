// iwb: the command-line face of the same core the app uses.
// Exit codes: 0 ok, 1 integrity failure, 2 usage or input error.
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { TOOL_NAME, TOOL_VERSION } from '../core/appIdentity'
import { CaseError, CaseFolder } from '../core/case/caseFolder'
import { listCustody } from '../core/case/custody'
import { SchemaTooNewError, sqliteVersion } from '../core/case/database'
import { acquireEvidence } from '../core/case/intake'
import { verifyCase } from '../core/case/verify'
import { locateTools } from '../core/media/ffmpegLocator'
import { SettingsError, SettingsStore } from '../core/settings/settingsStore'
import { Settings } from '@shared/model'
import { EXIT_INTEGRITY, EXIT_OK, EXIT_USAGE, UsageError, type Command, type CommandContext } from './command'
import { importCommands } from './importCommands'
import { correlationCommands } from './correlationCommands'
import { exportCommands, verifyBagIfBag } from './exportCommands'
import { videoCommands } from './videoCommands'
import { formatBytes, printJson, progressPrinter } from './output'


const settingsStore = new SettingsStore()

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

const commands: Record<string, Command> = {
  'case create': {
    summary: 'Create a case folder (case.db, evidence/, derived/, exports/).',
    usage: 'iwb case create <dir> --name <name> [--examiner <name>] [--tz <IANA zone>] [--json]',
    options: { name: { type: 'string' }, examiner: { type: 'string' }, tz: { type: 'string' }, json: { type: 'boolean' } },
    async run([dir], v) {
      const name = str(v.name)
      if (!dir || !name) throw new UsageError('a folder and --name are required')
      const settings = settingsStore.get()
      const folder = CaseFolder.create(resolve(dir), {
        name,
        examiner: str(v.examiner) ?? settings.examinerName,
        organisation: settings.organisation,
        timeZone: str(v.tz) ?? settings.defaultTimeZone
      })
      const summary = folder.summary()
      folder.close()
      settingsStore.rememberCase(summary.dir, summary.name)
      if (v.json) printJson(summary)
      else console.log(`Created case "${summary.name}" in ${summary.dir} (examiner ${summary.examiner}, time zone ${summary.timeZone}).`)
      return EXIT_OK
    }
  },

  acquire: {
    summary: 'Take files in as evidence without parsing them (hashed, copied read-only, recorded in custody).',
    usage: 'iwb acquire <case> <file…> [--note <text>] [--examiner <name>] [--json]',
    options: { note: { type: 'string' }, examiner: { type: 'string' }, json: { type: 'boolean' } },
    async run([caseDir, ...files], v) {
      if (!caseDir || files.length === 0) throw new UsageError('a case folder and at least one file are required')
      const folder = CaseFolder.open(resolve(caseDir))
      const examiner = str(v.examiner) ?? settingsStore.get().examinerName
      const outcomes = []
      try {
        for (const file of files) {
          const size = await stat(file).then((s) => s.size, () => 0)
          const progress = v.json ? null : progressPrinter(`Acquiring ${file}`)
          let done = 0
          const outcome = await acquireEvidence(folder, { path: file }, {
            examiner,
            note: str(v.note) ?? '',
            onBytes: (n) => progress?.update((done += n), size)
          })
          progress?.end()
          outcomes.push(outcome)
          if (!v.json) {
            if (outcome.outcome === 'acquired' && outcome.evidence) {
              const e = outcome.evidence
              console.log(`acquired  #${e.id}  ${e.sha256}  ${formatBytes(e.size)}  ${e.originalPath}`)
            } else if (outcome.outcome === 'duplicate') {
              console.log(`duplicate ${file}: ${outcome.reason}; nothing added`)
            } else {
              console.log(`refused   ${file}: ${outcome.reason}`)
            }
          }
        }
      } finally {
        folder.close()
      }
      if (v.json) printJson({ items: outcomes })
      return outcomes.some((o) => o.outcome === 'refused') ? EXIT_USAGE : EXIT_OK
    }
  },

  custody: {
    summary: 'Print the custody log.',
    usage: 'iwb custody <case> [--json]',
    options: { json: { type: 'boolean' } },
    async run([caseDir], v) {
      if (!caseDir) throw new UsageError('a case folder is required')
      const folder = CaseFolder.open(resolve(caseDir), { readonly: true })
      try {
        const entries = listCustody(folder.db, 0, Number.MAX_SAFE_INTEGER)
        if (v.json) printJson(entries)
        else for (const e of entries) console.log(`${String(e.seq).padStart(5)}  ${e.ts}  ${e.examiner}  ${e.action}  ${e.object}  ${JSON.stringify(e.details)}`)
      } finally {
        folder.close()
      }
      return EXIT_OK
    }
  },

  verify: {
    summary: 'Re-hash every evidence file and walk the custody chain of a case, or check an exported bag (folder or .zip). Exit 0 only when all is intact.',
    usage: 'iwb verify <case-dir> [--json] [--no-record]\n       iwb verify <bag-dir | bag.zip> [--json] [--fingerprint <key SHA-256>]',
    options: { json: { type: 'boolean' }, 'no-record': { type: 'boolean' }, fingerprint: { type: 'string' } },
    async run([caseDir], v) {
      if (!caseDir) throw new UsageError('a case folder is required')
      const bag = await verifyBagIfBag(caseDir, v)
      if (bag !== null) return bag
      const record = !v['no-record']
      const folder = CaseFolder.open(resolve(caseDir), { readonly: !record })
      try {
        const report = await verifyCase(folder, record ? { record: { examiner: settingsStore.get().examinerName } } : {})
        if (v.json) printJson(report)
        else {
          for (const e of report.evidence) console.log(`${e.status.padEnd(9)} #${e.id}  ${e.sha256}  ${e.originalName}`)
          console.log(`custody: ${report.custodyLength} entries walked`)
          for (const p of report.problems) console.log(`PROBLEM ${p.message}`)
          console.log(
            report.ok
              ? `OK: ${report.evidenceChecked} evidence files intact (${formatBytes(report.bytesHashed)} hashed), custody chain intact.`
              : `FAILED: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found.`
          )
        }
        return report.ok ? EXIT_OK : EXIT_INTEGRITY
      } finally {
        folder.close()
      }
    }
  },

  settings: {
    summary: 'Show settings, or change them with key=value pairs (examinerName, organisation, defaultTimeZone, ffmpegPath, ffprobePath).',
    usage: 'iwb settings [key=value …] [--json]',
    options: { json: { type: 'boolean' } },
    async run(pairs, v) {
      if (pairs.length > 0) {
        const patch: Record<string, string> = {}
        const keys = Object.keys(Settings.shape)
        for (const pair of pairs) {
          const eq = pair.indexOf('=')
          const key = eq > 0 ? pair.slice(0, eq) : ''
          if (!keys.includes(key)) throw new UsageError(`unknown setting in "${pair}"; known: ${keys.join(', ')}`)
          patch[key] = pair.slice(eq + 1)
        }
        settingsStore.update(patch)
      }
      const s = settingsStore.get()
      if (v.json) printJson(s)
      else for (const [k, val] of Object.entries(s)) console.log(`${k.padEnd(16)} ${val === '' ? '(default)' : val}`)
      return EXIT_OK
    }
  },

  ...importCommands,

  ...correlationCommands,

  ...exportCommands,

  ...videoCommands,

  about: {
    summary: 'Versions of the app, Node, SQLite and ffmpeg.',
    usage: 'iwb about [--json]',
    options: { json: { type: 'boolean' } },
    async run(_p, v) {
      const tools = await locateTools(settingsStore.get())
      const info = {
        app: `${TOOL_NAME} ${TOOL_VERSION}`,
        node: process.versions.node,
        sqlite: sqliteVersion(),
        ffmpeg: tools.ffmpeg,
        ffprobe: tools.ffprobe,
        problem: tools.problem,
        configDir: settingsStore.dir
      }
      if (v.json) printJson(info)
      else {
        console.log(info.app)
        console.log(`Node ${info.node}, SQLite ${info.sqlite}`)
        console.log(`ffmpeg ${tools.ffmpeg ? `${tools.ffmpeg.version} (${tools.ffmpeg.path}, ${tools.ffmpeg.origin})` : 'not found'}`)
        console.log(`ffprobe ${tools.ffprobe ? `${tools.ffprobe.version} (${tools.ffprobe.path}, ${tools.ffprobe.origin})` : 'not found'}`)
        if (tools.problem) console.log(tools.problem)
        console.log(`settings in ${info.configDir}`)
      }
      return EXIT_OK
    }
  }
}

function mainHelp(): string {
  const lines = [`${TOOL_NAME} ${TOOL_VERSION} — iwb <command> [options]`, '', 'Commands:']
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(12)} ${c.summary}`)
  lines.push('', 'Run iwb <command> --help for its options. Exit codes: 0 ok, 1 integrity failure, 2 usage or input error.')
  return lines.join('\n')
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(mainHelp())
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK
  }
  if (argv[0] === '--version') {
    console.log(TOOL_VERSION)
    return EXIT_OK
  }
  const two = `${argv[0]} ${argv[1] ?? ''}`
  const name = commands[two] ? two : argv[0]!
  const command = commands[name]
  if (!command) {
    console.error(`iwb: unknown command "${argv[0]}".\n\n${mainHelp()}`)
    return EXIT_USAGE
  }
  const rest = argv.slice(name.split(' ').length)
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.usage}\n\n${command.summary}`)
    return EXIT_OK
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true })
    const ctx: CommandContext = { examiner: () => settingsStore.get().examinerName }
    return await command.run(positionals, values, ctx)
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`iwb ${name}: ${(err as Error).message}\nusage: ${command.usage}`)
      return EXIT_USAGE
    }
    if (err instanceof CaseError || err instanceof SettingsError || err instanceof SchemaTooNewError) {
      console.error(`iwb ${name}: ${err.message}`)
      return EXIT_USAGE
    }
    console.error(`iwb ${name}: ${(err as Error).stack ?? String(err)}`)
    return EXIT_USAGE
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    console.error(err)
    process.exitCode = EXIT_USAGE
  }
)
