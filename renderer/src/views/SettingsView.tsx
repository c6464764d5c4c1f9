// Settings: examiner, organisation, default time zone, ffmpeg/ffprobe paths.
import { useEffect, useState, type FormEvent } from 'react'
import type { Settings } from '@shared/model'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'

export function SettingsView(props: { onError: (m: string) => void }) {
  const [settings, setSettings] = useState<Settings | null>(null)
  const [saved, setSaved] = useState(false)

  useEffect(() => {
    api().call('settings.get', {}).then(setSettings, (e: unknown) => props.onError(errorMessage(e)))
  }, [])

  if (!settings) return <p>Loading settings…</p>

  const field = (key: keyof Settings, label: string, hint?: string) => (
    <label>
      {label}
      <input
        value={settings[key]}
        onChange={(e) => {
          setSaved(false)
          setSettings({ ...settings, [key]: e.target.value })
        }}
        placeholder={hint}
      />
    </label>
  )

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    try {
      setSettings(await api().call('settings.update', settings))
      setSaved(true)
    } catch (err) {
      props.onError(errorMessage(err))
    }
  }

  return (
    <form className="card settings" aria-label="Settings" onSubmit={(e) => void save(e)}>
      <h2>Settings</h2>
      {field('examinerName', 'Examiner name')}
      {field('organisation', 'Organisation')}
      {field('defaultTimeZone', 'Default time zone for new cases', 'IANA name, e.g. Europe/Paris')}
      {field('ffmpegPath', 'ffmpeg path', 'empty: bundled copy, then PATH')}
      {field('ffprobePath', 'ffprobe path', 'empty: bundled copy, then PATH')}
      <button type="submit">Save settings</button>
      {saved && <p role="status">Settings saved.</p>}
    </form>
  )
}
