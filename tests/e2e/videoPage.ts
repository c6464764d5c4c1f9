// What the camera grid shows, read the way the e2e tests check it: wait until a camera
// reports the frame for an instant as shown (data-shown-us), then read its pixels through a
// canvas and decode the frame number the fixture burnt into every frame.
import { expect, type Page } from '@playwright/test'
import { decodeFrameCode } from '../helpers/frameCode'

/** The frame number camera `camera` shows once it has seeked for `us` (µs since the epoch). */
export async function frameShown(page: Page, camera: string, us: number): Promise<number | null> {
  const video = page.locator(`video[aria-label="Video of ${camera}"]`)
  await expect(video).toHaveAttribute('data-shown-us', String(us), { timeout: 30_000 })
  const pixels = await video.evaluate((el: HTMLVideoElement) => {
    const canvas = document.createElement('canvas')
    canvas.width = el.videoWidth
    canvas.height = el.videoHeight
    const ctx = canvas.getContext('2d')!
    ctx.drawImage(el, 0, 0)
    return { w: canvas.width, h: canvas.height, data: Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data) }
  })
  return decodeFrameCode(pixels.data, pixels.w, pixels.h).frame
}
