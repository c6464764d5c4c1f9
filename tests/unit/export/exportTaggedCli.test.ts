// `iwb export --tagged` (the spelling) exports only the events the examiner tagged or
// bookmarked; `--tagged-only` (the earlier spelling) still works.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setTag } from '../../../electron/core/timeline/annotations'
import { iwb } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'
import { buildCase, EXAMINER } from './exportFixture'

describe('iwb export --tagged', () => {
  const tmp = tempDir('iwb-export-tagged-')
  let caseDir: string
  let tagged: number[]
  const env = (): Record<string, string> => ({ IWB_CONFIG_DIR: join(tmp.path, 'config') })

  beforeAll(async () => {
    caseDir = join(tmp.path, 'case')
    const { folder } = await buildCase(caseDir)
    // Three events of different sources, picked from the case as loaded.
    tagged = (folder.db.prepare('SELECT min(id) AS id FROM event GROUP BY source_id ORDER BY source_id').all() as { id: number }[]).map((r) => r.id)
    setTag(folder.db, tagged, 'suspicious', 'add', EXAMINER)
    folder.close()
  }, 120_000)
  afterAll(() => tmp.cleanup())

  for (const flag of ['--tagged', '--tagged-only']) {
    it(`${flag} puts exactly the tagged events in data/events/`, () => {
      const out = join(tmp.path, `bag${flag}`)
      const r = iwb(['export', caseDir, '--out', out, flag, '--examiner', EXAMINER, '--json'], env())
      expect(r.code, r.stderr).toBe(0)
      expect((JSON.parse(r.stdout) as { events: number }).events).toBe(tagged.length)
      const lines = readFileSync(join(out, 'data', 'events', 'events.jsonl'), 'utf8').trim().split('\n')
      expect(lines.map((l) => (JSON.parse(l) as { id: number }).id).sort((a, b) => a - b)).toEqual([...tagged].sort((a, b) => a - b))
    })
  }

  it('without the flag the whole case is exported', () => {
    const out = join(tmp.path, 'bag-all')
    const r = iwb(['export', caseDir, '--out', out, '--examiner', EXAMINER, '--json'], env())
    expect(r.code, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as { events: number }).events).toBeGreaterThan(tagged.length)
  })
})
