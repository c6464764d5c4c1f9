// A mapping profile: how to read one CSV / TSV / JSON-lines export nobody wrote an
// importer for. It is JSON, validated with zod on every load (profiles are files a user
// can edit by hand, so they are as untrusted as evidence), and saved one file per
// profile in a folder the caller chooses so the UI and `iwb --map file` share them. The
// schema itself is in shared/mappingProfile.ts: it crosses the API too.
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { z } from 'zod'
import { MappingProfile } from '@shared/mappingProfile'
import { configDir } from '../../settings/configDir'

export { MappingColumns, MappingProfile, columnRefs } from '@shared/mappingProfile'

const MAX_PROFILE_BYTES = 1024 * 1024

/** Where saved profiles live: `<configDir>/mapping-profiles/`, outside every case. */
export function mappingProfilesDir(base: string = configDir()): string {
  return join(base, 'mapping-profiles')
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
