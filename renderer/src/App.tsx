// The application frame: the open case in the header, navigation between views, and
// one error banner. Views talk to the core only through the typed client.
import { useCallback, useEffect, useState } from 'react'
import type { CaseSummary } from '@shared/model'
import { api } from './api/client'
import { ErrorBanner, errorMessage } from './components/ErrorBanner'
import { AboutView } from './views/AboutView'
import { CamerasView } from './views/CamerasView'
import { EventsView } from './views/EventsView'
import { EvidenceView } from './views/EvidenceView'
import { ExportView } from './views/ExportView'
import { FindingsView } from './views/FindingsView'
import { PeopleView } from './views/PeopleView'
import { CorrelationAutoRun } from './components/correlation/AutoRun'
import { SourcesView } from './views/SourcesView'
import { TimelineView } from './views/TimelineView'
import { SettingsView } from './views/SettingsView'
import { StartView } from './views/StartView'

type View = 'case' | 'evidence' | 'sources' | 'timeline' | 'events' | 'cameras' | 'people' | 'findings' | 'export' | 'settings' | 'about'

const zones: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone')
  } catch {
    return ['UTC']
  }
})()

/** One list of IANA zones for every time-zone field (input list="iwb-zones"). */
function ZoneList() {
  return (
    <datalist id="iwb-zones">
      {zones.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  )
}

export function App() {
  const [view, setView] = useState<View>('case')
  const [current, setCurrent] = useState<CaseSummary | null>(null)
  const [error, setError] = useState<string | null>(null)

  const reload = useCallback(() => {
    api().call('case.current', {}).then(setCurrent, (e: unknown) => setError(errorMessage(e)))
  }, [])

  useEffect(() => {
    reload()
    return api().onEvent((e) => {
      if (e.type === 'case.changed') setCurrent(e.summary)
    })
  }, [reload])

  const tabs: { id: View; label: string; needsCase?: boolean }[] = [
    { id: 'case', label: 'Case' },
    { id: 'evidence', label: 'Evidence', needsCase: true },
    { id: 'sources', label: 'Sources', needsCase: true },
    { id: 'timeline', label: 'Timeline', needsCase: true },
    { id: 'events', label: 'Events', needsCase: true },
    { id: 'cameras', label: 'Cameras', needsCase: true },
    { id: 'people', label: 'People', needsCase: true },
    { id: 'findings', label: 'Findings', needsCase: true },
    { id: 'export', label: 'Export', needsCase: true },
    { id: 'settings', label: 'Settings' },
    { id: 'about', label: 'About' }
  ]

  return (
    <div className="app">
      <header className="app-header">
        <h1>Incident Workbench</h1>
        <span className="case-name" aria-label="Open case">
          {current ? `${current.name} · ${current.timeZone}` : 'No case open'}
        </span>
        <nav aria-label="Views">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              aria-current={view === t.id ? 'page' : undefined}
              disabled={t.needsCase && !current}
              onClick={() => setView(t.id)}
            >
              {t.label}
            </button>
          ))}
        </nav>
      </header>
      <ErrorBanner message={error} onDismiss={() => setError(null)} />
      <ZoneList />
      <CorrelationAutoRun caseId={current?.caseId ?? null} onError={setError} />
      <main>
        {view === 'case' && (
          <StartView
            current={current}
            onError={setError}
            onOpened={() => {
              reload()
              setView('evidence')
            }}
          />
        )}
        {view === 'evidence' && current && <EvidenceView current={current} onError={setError} />}
        {view === 'sources' && current && <SourcesView current={current} onError={setError} />}
        {view === 'timeline' && current && <TimelineView current={current} onError={setError} />}
        {view === 'events' && current && <EventsView current={current} onError={setError} />}
        {view === 'cameras' && current && <CamerasView current={current} onError={setError} />}
        {view === 'people' && current && <PeopleView current={current} onError={setError} />}
        {view === 'findings' && current && <FindingsView current={current} onError={setError} />}
        {view === 'export' && current && <ExportView current={current} onError={setError} />}
        {view === 'settings' && <SettingsView onError={setError} />}
        {view === 'about' && <AboutView onError={setError} />}
      </main>
    </div>
  )
}
