// Shared by the benchmarks: results are ratios against a reference measured in the same run.
export interface BenchResult {
  name: string
  goal: string
  ratio: number | null
  pass: boolean
  details: Record<string, string | number>
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
