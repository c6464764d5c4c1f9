// The examiner's settings and recent cases, stored as JSON in the config folder. Files are
// validated on read (a hand-edited file with a wrong field falls back to defaults for
// that file, never a crash) and replaced atomically on write.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { RecentCase, Settings } from '@shared/model'
import { isValidTimeZone, localTimeZone, millisToIso } from '@shared/time'
import { configDir } from './configDir'

const RECENT_LIMIT = 12

function defaultExaminer(): string {
  try {
    return userInfo().username || 'examiner'
  } catch {
    return 'examiner'
  }
}

export function defaultSettings(): Settings {
  return { examinerName: defaultExaminer(), organisation: '', defaultTimeZone: localTimeZone(), ffmpegPath: '', ffprobePath: '' }
}

export class SettingsError extends Error {}

export class SettingsStore {
  readonly dir: string

  constructor(dir: string = configDir()) {
    this.dir = dir
  }

  private get settingsFile(): string {
    return join(this.dir, 'settings.json')
  }

  private get recentFile(): string {
    return join(this.dir, 'recent-cases.json')
  }

  get(): Settings {
    const stored = readJson(this.settingsFile, Settings.partial())
    return { ...defaultSettings(), ...(stored ?? {}) }
  }

  update(patch: Partial<Settings>): { before: Settings; after: Settings } {
    const before = this.get()
    const after = Settings.parse({ ...before, ...patch })
    if (!isValidTimeZone(after.defaultTimeZone)) {
      throw new SettingsError(`Unknown time zone "${after.defaultTimeZone}". Use an IANA name such as Europe/Berlin or UTC.`)
    }
    writeJsonAtomic(this.settingsFile, after)
    return { before, after }
  }

  recent(): Omit<RecentCase, 'exists'>[] {
    return readJson(this.recentFile, z.array(RecentCase.omit({ exists: true }))) ?? []
  }

  rememberCase(dir: string, name: string): void {
    const list = this.recent().filter((r) => r.dir !== dir)
    list.unshift({ dir, name, lastOpened: millisToIso(Date.now()) })
    writeJsonAtomic(this.recentFile, list.slice(0, RECENT_LIMIT))
  }
}

function readJson<T>(file: string, schema: z.ZodType<T>): T | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 })
  renameSync(temp, file)
}
