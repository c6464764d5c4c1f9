// The rule settings of the case: windows, thresholds, working hours and coordinates per site.
// Saved in the case with a reason (a custody entry); the findings go stale until the rules run.
import { useEffect, useState, type FormEvent } from 'react'
import { RuleSettings, RULE_IDS, RULE_NAMES, SiteSettings, type RuleId } from '@shared/contracts/correlation'
import { z } from 'zod'
import { api } from '../../api/client'
import { errorMessage } from '../ErrorBanner'

type NumberKey = {
  [K in keyof RuleSettings]: RuleSettings[K] extends number ? K : never
}[keyof RuleSettings]

const NUMBERS: [NumberKey, string][] = [
  ['deniedThreshold', 'Rule 1: denials that make a finding'],
  ['deniedWindowMinutes', 'Rule 1: within minutes'],
  ['cameraWindowSeconds', 'Rules 2/9: camera window (s)'],
  ['logonWindowMinutes', 'Rule 4: logon expected within (min)'],
  ['arrivalGapHours', 'Rule 4: a badge-in after this many hours is an arrival'],
  ['badgeLookbackHours', 'Rule 4: console logon needs a badge within (h)'],
  ['presenceMinutes', 'Rule 5: on site for (min) after a badge'],
  ['maxSpeedKmh', 'Rule 6: fastest possible travel (km/h)'],
  ['tailgateMatchSeconds', 'Rule 7: a grant accounts for an opening within (s)'],
  ['failedBurstThreshold', 'Rule 8: failed logons that make a burst'],
  ['failedBurstMinutes', 'Rule 8: burst within (min)'],
  ['alertWindowMinutes', 'Rule 8: presence window around an alert (min)']
]

const Sites = z.record(z.string(), SiteSettings)

export function RuleSettingsEditor(props: { onError: (m: string) => void; onSaved: () => void }) {
  const [settings, setSettings] = useState<RuleSettings | null>(null)
  const [sitesText, setSitesText] = useState('')
  const [reason, setReason] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const { onError } = props

  useEffect(() => {
    api()
      .call('rules.settings', {})
      .then((s) => {
        setSettings(s)
        setSitesText(JSON.stringify(s.sites, null, 2))
      }, (e: unknown) => onError(errorMessage(e)))
  }, [onError])

  if (!settings) return <p className="muted">Loading rule settings…</p>

  const save = (ev: FormEvent): void => {
    ev.preventDefault()
    let sites: unknown
    try {
      sites = JSON.parse(sitesText || '{}')
    } catch (err) {
      setProblem(`Sites are not valid JSON: ${(err as Error).message}`)
      return
    }
    const parsedSites = Sites.safeParse(sites)
    if (!parsedSites.success) {
      setProblem(`Sites: ${parsedSites.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
      return
    }
    const next = RuleSettings.safeParse({ ...settings, sites: parsedSites.data })
    if (!next.success) {
      setProblem(next.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
      return
    }
    setProblem(null)
    api()
      .call('rules.updateSettings', { settings: next.data, reason })
      .then((s) => {
        setSettings(s)
        setReason('')
        props.onSaved()
      }, (e: unknown) => setProblem(errorMessage(e)))
  }

  return (
    <form className="card" aria-label="Rule settings" onSubmit={save}>
      <h3>Rule settings</h3>
      <fieldset>
        <legend>Rules that run</legend>
        {RULE_IDS.map((id: RuleId) => (
          <label key={id} className="pair">
            <input
              type="checkbox"
              checked={settings.enabled[id] ?? true}
              onChange={(e) => setSettings({ ...settings, enabled: { ...settings.enabled, [id]: e.target.checked } })}
            />
            {RULE_NAMES[id]}
          </label>
        ))}
      </fieldset>
      <div className="form-grid">
        {NUMBERS.map(([key, label]) => (
          <label key={key}>
            {label}
            <input
              type="number"
              step="any"
              value={settings[key]}
              onChange={(e) => setSettings({ ...settings, [key]: Number(e.target.value) })}
            />
          </label>
        ))}
        <label>
          Console logon types (comma-separated)
          <input
            value={settings.consoleLogonTypes.join(',')}
            onChange={(e) => setSettings({ ...settings, consoleLogonTypes: e.target.value.split(',').map((t) => t.trim()).filter(Boolean) })}
          />
        </label>
        <label>
          Default working hours start
          <input value={settings.defaultSite.workStart} onChange={(e) => setSettings({ ...settings, defaultSite: { ...settings.defaultSite, workStart: e.target.value } })} />
        </label>
        <label>
          Default working hours end
          <input value={settings.defaultSite.workEnd} onChange={(e) => setSettings({ ...settings, defaultSite: { ...settings.defaultSite, workEnd: e.target.value } })} />
        </label>
        <label>
          Default site time zone
          <input list="iwb-zones" value={settings.defaultSite.timeZone} onChange={(e) => setSettings({ ...settings, defaultSite: { ...settings.defaultSite, timeZone: e.target.value } })} />
        </label>
      </div>
      <label>
        Sites (JSON: name → timeZone, workStart, workEnd, workDays 1=Mon…7=Sun, lat, lon)
        <textarea rows={8} className="mono" value={sitesText} onChange={(e) => setSitesText(e.target.value)} />
      </label>
      <label>
        Reason for the change
        <input value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <button type="submit">Save rule settings</button>
    </form>
  )
}
