// Runs the correlation rules after every import (and time correction) finishes, so people,
// places and findings follow the events without the investigator asking. Renders nothing.
import { useEffect } from 'react'
import { api } from '../../api/client'

export function CorrelationAutoRun(props: { caseId: string | null; onError: (m: string) => void }) {
  const { caseId, onError } = props
  useEffect(() => {
    if (!caseId) return
    let timer: ReturnType<typeof setTimeout> | null = null
    const off = api().onEvent((e) => {
      if (e.type !== 'job.done' || (e.kind !== 'import' && e.kind !== 'retime')) return
      // Several imports in a row: one run after the last.
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => {
        api()
          .call('findings.run', {})
          .catch((err: unknown) => onError(`Correlation rules did not run: ${err instanceof Error ? err.message : String(err)}`))
      }, 500)
    })
    return () => {
      off()
      if (timer) clearTimeout(timer)
    }
  }, [caseId, onError])
  return null
}
