// Camera lanes read the real v5 tables through the video module: one lane per camera, a bar
// per stretch of footage and a gap where there is none, on the same corrected wall clock the
// player maps frames to (the camera clock offset applied).
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { getFile, importVideoEvidence, updateCamera } from '../../../electron/core/media/videoStore'
import { cameraLanes } from '../../../electron/core/timeline/lanes'
import { tempDir } from '../../helpers/tmp'
import { cachedClip, CLIP_CREATED, STANDARD_CLIPS, testTools } from '../../helpers/videoFixtures'

const tools = testTools()
const tmp = tempDir('iwb-camera-lanes-')
const EXAMINER = 'Ana Examiner'
const at = (iso: string): number => Date.parse(iso) * 1000
let folder: CaseFolder

async function importFile(path: string, camera: string) {
  const acquired = await acquireEvidence(folder, { path }, { examiner: EXAMINER })
  if (!acquired.evidence) throw new Error(acquired.reason ?? 'not acquired')
  const r = await importVideoEvidence(folder, acquired.evidence.id, { examiner: EXAMINER, tools, caseZone: 'UTC', camera })
  if (!r.file) throw new Error(r.message)
  return r.file
}

beforeAll(() => {
  folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Lanes', examiner: EXAMINER, timeZone: 'UTC' })
})
afterAll(() => {
  folder.close()
  tmp.cleanup()
})

describe('camera lanes', () => {
  it('is empty for a case with no cameras', () => {
    expect(cameraLanes(folder.db)).toEqual([])
  })

  it('gives one lane per camera: two placed clips with a gap are two bars, offset applied', async () => {
    const first = await importFile((await cachedClip(STANDARD_CLIPS.h264)).path, 'Lobby')
    // A second clip of the same camera, 10 s after the first one starts (4 s long: a 6 s gap).
    const second = await importFile((await cachedClip({ codec: 'h264', seconds: 4, creationTime: '2024-03-05T14:30:10.000000Z', fileName: 'later.mp4' })).path, 'Lobby')
    // Another camera with footage that cannot be placed: a lane with no bars.
    await importFile((await cachedClip(STANDARD_CLIPS.hevc)).path, 'Yard')

    const lanes = cameraLanes(folder.db)
    expect(lanes.map((l) => l.label)).toEqual(['Lobby', 'Yard'])
    const lobby = lanes[0]!
    expect(lobby.key).toBe(`camera:${first.cameraId}`)
    expect(lobby.spans).toEqual([
      { fromUs: at(CLIP_CREATED), toUs: at(CLIP_CREATED) + 4_000_000 },
      { fromUs: at('2024-03-05T14:30:10Z'), toUs: at('2024-03-05T14:30:14Z') }
    ])
    expect(lanes[1]!.spans).toEqual([])

    // The camera clock ran 2 s fast: the offset moves both bars, and the gap stays.
    updateCamera(folder.db, first.cameraId, { offsetUs: -2_000_000, reason: 'overlay clock 2 s fast' }, EXAMINER)
    const moved = cameraLanes(folder.db)[0]!
    expect(moved.spans).toEqual([
      { fromUs: at('2024-03-05T14:29:58Z'), toUs: at('2024-03-05T14:30:02Z') },
      { fromUs: at('2024-03-05T14:30:08Z'), toUs: at('2024-03-05T14:30:12Z') }
    ])
    // The same wall clock the player maps frames with (video.playlist's startUs is the file's corrected start).
    expect(moved.spans.map((s) => s.fromUs)).toEqual([getFile(folder.db, first.id).startUs, getFile(folder.db, second.id).startUs])
  })
})
