// Saved views: restore one by name, save the current view under a name, delete one.
import { useEffect, useState } from 'react'
import type { SavedView } from '@shared/contracts/annotations'
import { api } from '../../api/client'
import { errorMessage } from '../ErrorBanner'
import { viewStore } from './viewStore'

export function SavedViewsMenu(props: { onError: (m: string) => void; caseKey: string }) {
  const [views, setViews] = useState<SavedView[]>([])
  const [chosen, setChosen] = useState('')
  const [name, setName] = useState('')
  const refresh = (): void => {
    api().call('savedViews.list', {}).then(setViews, (e: unknown) => props.onError(errorMessage(e)))
  }
  useEffect(refresh, [props.caseKey])

  const apply = (viewName: string): void => {
    setChosen(viewName)
    const v = views.find((x) => x.name === viewName)
    if (v) viewStore.apply(v.state)
  }
  const save = async (): Promise<void> => {
    try {
      const saved = await api().call('savedViews.save', { name, state: viewStore.get() })
      setName('')
      setChosen(saved.name)
      refresh()
    } catch (e) {
      props.onError(errorMessage(e))
    }
  }
  const remove = async (): Promise<void> => {
    if (!chosen) return
    try {
      await api().call('savedViews.delete', { name: chosen })
      setChosen('')
      refresh()
    } catch (e) {
      props.onError(errorMessage(e))
    }
  }
  return (
    <div className="toolbar" role="group" aria-label="Saved views">
      <label>
        Saved view
        <select value={chosen} onChange={(e) => apply(e.target.value)}>
          <option value="">—</option>
          {views.map((v) => (
            <option key={v.name} value={v.name}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => void remove()} disabled={!chosen} aria-label="Delete saved view">
        Delete
      </button>
      <label>
        View name
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder="e.g. Doors after hours" />
      </label>
      <button type="button" onClick={() => void save()} disabled={!name.trim()}>
        Save view
      </button>
    </div>
  )
}
