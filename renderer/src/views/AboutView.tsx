// About: the exact versions in use, which an examiner cites in a report.
import { useEffect, useState } from 'react'
import type { AppInfo } from '@shared/model'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'

export function AboutView(props: { onError: (m: string) => void }) {
  const [info, setInfo] = useState<AppInfo | null>(null)
  useEffect(() => {
    api().call('app.info', {}).then(setInfo, (e: unknown) => props.onError(errorMessage(e)))
  }, [])
  if (!info) return <p>Loading…</p>
  const rows: [string, string][] = [
    ['Application', `${info.appName} ${info.appVersion}`],
    ['Mode', info.transport === 'electron' ? 'Desktop (Electron)' : 'Browser (loopback web host)'],
    ['Electron', info.electron ?? '—'],
    ['Chromium', info.chromium ?? '—'],
    ['Node.js', info.node],
    ['SQLite', info.sqlite],
    ['ffmpeg', info.ffmpeg ? `${info.ffmpeg.version} — ${info.ffmpeg.path} (${info.ffmpeg.origin})` : 'not found'],
    ['ffprobe', info.ffprobe ? `${info.ffprobe.version} — ${info.ffprobe.path} (${info.ffprobe.origin})` : 'not found'],
    ['Platform', info.platform],
    ['Settings folder', info.configDir]
  ]
  return (
    <section className="card about" aria-label="About">
      <h2>About Incident Workbench</h2>
      <table aria-label="Versions">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {info.ffmpegProblem && <p role="alert">{info.ffmpegProblem}</p>}
    </section>
  )
}
