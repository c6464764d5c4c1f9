// Finds ffmpeg and ffprobe: the path in settings first, then the copy shipped in the
// app's resources, then PATH. Each candidate is run once with -version (no shell, with a
// timeout) so the About screen and custody records name the exact build in use.
import { execFile } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { ToolInfo } from '@shared/model'

export type ToolName = 'ffmpeg' | 'ffprobe'

const exe = (name: string): string => (process.platform === 'win32' ? `${name}.exe` : name)

/** Folders where a packaged app or a development checkout keeps bundled binaries. */
function bundledDirs(sub = 'ffmpeg'): string[] {
  const dirs: string[] = []
  const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath
  if (resourcesPath) dirs.push(join(resourcesPath, sub))
  if (process.env.IWB_RESOURCES_DIR) dirs.push(join(process.env.IWB_RESOURCES_DIR, sub))
  return dirs
}

export const CAPTION_FONT = 'DejaVuSansMono.ttf'

/**
 * The font file that captions stills (drawtext needs one: a system font is not guaranteed).
 * Packaged: resources/fonts (extraResources, outside the asar, so ffmpeg can read it);
 * development: the checkout's resources/fonts, found from this module (electron/core/media
 * under vitest, out/main or out/main/chunks once built).
 */
export function locateCaptionFont(): string | null {
  const dirs = [...bundledDirs('fonts'), ...[2, 3, 4].map((up) => join(__dirname, ...Array<string>(up).fill('..'), 'resources', 'fonts'))]
  for (const dir of dirs) {
    const p = join(dir, CAPTION_FONT)
    if (isExecutableFile(p)) return p // (a plain-file test)
  }
  return null
}

function isExecutableFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, exe(name))
    if (isExecutableFile(candidate)) return candidate
  }
  return null
}

export function candidatePaths(name: ToolName, configured: string): { path: string; origin: ToolInfo['origin'] }[] {
  const out: { path: string; origin: ToolInfo['origin'] }[] = []
  if (configured) out.push({ path: configured, origin: 'settings' })
  for (const dir of bundledDirs()) {
    const p = join(dir, exe(name))
    if (existsSync(p)) out.push({ path: p, origin: 'bundled' })
  }
  const fromPath = onPath(name)
  if (fromPath) out.push({ path: fromPath, origin: 'path' })
  return out
}

export function toolVersion(path: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolveVersion, reject) => {
    execFile(path, ['-hide_banner', '-version'], { timeout: timeoutMs, windowsHide: true, shell: false }, (err, stdout) => {
      if (err) return reject(err)
      const first = stdout.split('\n')[0] ?? ''
      const m = /version\s+(\S+)/.exec(first)
      resolveVersion(m?.[1] ?? first.trim())
    })
  })
}

export interface LocatedTools {
  ffmpeg: ToolInfo | null
  ffprobe: ToolInfo | null
  problem: string | null
}

export async function locateTools(settings: { ffmpegPath: string; ffprobePath: string }): Promise<LocatedTools> {
  const problems: string[] = []
  const find = async (name: ToolName, configured: string): Promise<ToolInfo | null> => {
    for (const c of candidatePaths(name, configured)) {
      try {
        return { path: c.path, origin: c.origin, version: await toolVersion(c.path) }
      } catch (err) {
        problems.push(`${name} at ${c.path} (${c.origin}) did not run: ${(err as Error).message}`)
      }
    }
    problems.push(`${name} was not found: set its path in Settings, or install it (Debian: apt-get install ffmpeg).`)
    return null
  }
  const [ffmpeg, ffprobe] = await Promise.all([find('ffmpeg', settings.ffmpegPath), find('ffprobe', settings.ffprobePath)])
  return { ffmpeg, ffprobe, problem: problems.length && (!ffmpeg || !ffprobe) ? problems.join(' ') : null }
}
