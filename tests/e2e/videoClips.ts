// Clips for the video e2e specs, made with ffmpeg when a spec starts (nothing binary is
// committed): 320×240 at 25 fps, a keyframe every second, every frame showing its own
// number in the frameCode pattern so a spec can read back exactly which frame a camera shows.
import { execFileSync } from 'node:child_process'
import { frameCodeFilters } from '../helpers/frameCode'

export const FFMPEG = process.env.IWB_TEST_FFMPEG ?? '/usr/bin/ffmpeg'

/** Writes a numbered clip of `seconds` to `path`; `extra` are output arguments (metadata, -f). */
export function numberedClip(path: string, seconds: number, opts: { codec?: 'h264' | 'hevc'; extra?: string[] } = {}): void {
  const src = `color=c=0x808080:s=320x240:r=25:d=${seconds},format=yuv420p,${frameCodeFilters(320, 240)}`
  const enc =
    (opts.codec ?? 'h264') === 'h264'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0']
      : ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'keyint=25:min-keyint=25:scenecut=0:log-level=error']
  execFileSync(FFMPEG, ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', src, ...enc, '-pix_fmt', 'yuv420p', ...(opts.extra ?? []), path], { stdio: 'ignore' })
}
