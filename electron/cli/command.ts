// The shape every iwb command has, and the exit codes.
import type { ParseArgsConfig } from 'node:util'

export const EXIT_OK = 0
export const EXIT_INTEGRITY = 1
export const EXIT_USAGE = 2

export class UsageError extends Error {}

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>

export interface CommandContext {
  /** The examiner from settings (the person running the command). */
  examiner(): string
}

export interface Command {
  summary: string
  usage: string
  options: NonNullable<ParseArgsConfig['options']>
  run(positionals: string[], values: Values, ctx: CommandContext): Promise<number>
}
