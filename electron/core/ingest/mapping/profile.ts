// A mapping profile: how to read one CSV / TSV / JSON-lines export nobody wrote an
// importer for. It is JSON, validated with zod on every load (profiles are files a user
// can edit by hand, so they are as untrusted as evidence), and saved one file per
// profile in a folder the caller chooses so the UI and `iwb --map file` share them.
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AccessAction, EventCategory, Outcome } from '@shared/event'
import { checkTimeFormat } from './timeFormat'

const MAX_PROFILE_BYTES = 1024 * 1024

/** A column: its header name, its 1-based number when there is no header row, or a dotted JSON key path. */
const ColumnRef = z.string().trim().min(1, 'must name a column')

export const MappingColumns = z.strictObject({
  actor: ColumnRef.optional(),
  actorId: ColumnRef.optional(),
  host: ColumnRef.optional(),
  srcIp: ColumnRef.optional(),
  dstIp: ColumnRef.optional(),
  location: ColumnRef.optional(),
  action: ColumnRef.optional(),
  outcome: ColumnRef.optional(),
  message: ColumnRef.optional(),
  category: ColumnRef.optional(),
  // Access-control columns, used when the category is access.
  cardNumber: ColumnRef.optional(),
  employeeId: ColumnRef.optional(),
  site: ColumnRef.optional(),
  door: ColumnRef.optional(),
  reader: ColumnRef.optional(),
  panel: ColumnRef.optional(),
  reason: ColumnRef.optional()
})
export type MappingColumns = z.infer<typeof MappingColumns>

export const MappingProfile = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and hyphens (at most 63), e.g. "acme-door-log"'),
    name: z.string().trim().min(1, 'must not be empty').max(200),
    kind: z.enum(['csv', 'tsv', 'jsonl']),
    delimiter: z.string().length(1, 'must be one character').optional(),
    headerRow: z.boolean(),
    time: z.strictObject({
      column: ColumnRef,
      format: z
        .string()
        .min(1)
        .superRefine((f, ctx) => {
          const why = checkTimeFormat(f)
          if (why) ctx.addIssue({ code: 'custom', message: why })
        }),
      zone: z.enum(['utc', 'local'])
    }),
    columns: MappingColumns,
    actionMap: z.record(z.string(), AccessAction).optional(),
    outcomeMap: z.record(z.string(), Outcome).optional(),
    category: EventCategory
  })
  .superRefine((p, ctx) => {
    if (p.kind === 'jsonl' && p.delimiter !== undefined) ctx.addIssue({ code: 'custom', path: ['delimiter'], message: 'does not apply to jsonl' })
    if (p.kind === 'jsonl' && p.headerRow) ctx.addIssue({ code: 'custom', path: ['headerRow'], message: 'must be false for jsonl (keys name the columns)' })
    if (p.kind === 'tsv' && p.delimiter !== undefined && p.delimiter !== '\t') ctx.addIssue({ code: 'custom', path: ['delimiter'], message: 'must be a tab for tsv' })
    if (p.kind !== 'jsonl' && !p.headerRow) {
      for (const [path, ref] of columnRefs(p)) {
        if (!/^[1-9]\d{0,3}$/.test(ref)) ctx.addIssue({ code: 'custom', path, message: `"${ref}" must be a column number (1, 2, …) when there is no header row` })
      }
    }
  })
export type MappingProfile = z.infer<typeof MappingProfile>

/** Every column a profile names, with the path of the field that names it. */
export function columnRefs(p: Pick<MappingProfile, 'time' | 'columns'>): [path: string[], ref: string][] {
  const out: [string[], string][] = [[['time', 'column'], p.time.column]]
  for (const [k, v] of Object.entries(p.columns)) if (v !== undefined) out.push([['columns', k], v])
  return out
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(profile)'}: ${i.message}`).join('; ')
}

/** Validates parsed JSON as a profile; throws an Error naming each bad field. */
export function parseMappingProfile(value: unknown, source = 'mapping profile'): MappingProfile {
  const r = MappingProfile.safeParse(value)
  if (!r.success) throw new Error(`${source} is invalid: ${describeIssues(r.error)}`)
  return r.data
}

export async function loadMappingProfile(path: string): Promise<MappingProfile> {
  const info = await stat(path)
  if (info.size > MAX_PROFILE_BYTES) throw new Error(`Mapping profile ${path} is ${info.size} bytes: over the ${MAX_PROFILE_BYTES}-byte limit for a profile.`)
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new Error(`Mapping profile ${path} is not JSON: ${(err as Error).message}`)
  }
  return parseMappingProfile(json, `Mapping profile ${path}`)
}

/** Writes `<dir>/<id>.json` (validated first; written whole, then renamed into place). */
export async function saveProfile(dir: string, profile: MappingProfile): Promise<string> {
  const valid = parseMappingProfile(profile)
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${valid.id}.json`)
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(valid, null, 2) + '\n', 'utf8')
  await rename(tmp, path)
  return path
}

export interface ProfileListing {
  profiles: { path: string; profile: MappingProfile }[]
  /** Files in the folder that are not valid profiles, with the reason, so the UI can say so. */
  invalid: { path: string; error: string }[]
}

export async function listProfiles(dir: string): Promise<ProfileListing> {
  const out: ProfileListing = { profiles: [], invalid: [] }
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out
    throw err
  }
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const path = join(dir, name)
    try {
      out.profiles.push({ path, profile: await loadMappingProfile(path) })
    } catch (err) {
      out.invalid.push({ path, error: (err as Error).message })
    }
  }
  return out
}
