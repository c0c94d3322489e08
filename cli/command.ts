import type { ApiClient } from './api-client';
import { oneLine } from './terminal-safe';

/** Where a command writes: `out` for results (stdout), `err` for notes and errors (stderr). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** All of standard input (for secrets passed without the command line); absent where there is none. */
  readStdin?(): Promise<string>;
}

export interface CommandContext {
  io: Io;
  /**
   * The API client for STRATA_URL. With `auth`, a missing STRATA_TOKEN is a usage error reported before any
   * request is made.
   */
  api(options: { auth: boolean }): ApiClient;
}

/** One `strata <group> <action>` command. */
export interface Command {
  group: string;
  action: string;
  /** One line for the command list. */
  summary: string;
  /** The full text of `--help`. */
  help: string;
  /** Runs with the arguments after the command words; throws a CliError to fail. */
  run(argv: string[], ctx: CommandContext): Promise<void>;
}

/** Left-aligned columns, for listings. */
export function table(header: string[], rows: string[][]): string {
  // Cells are single lines: a newline or tab in a server-supplied value would break the columns.
  const all = [header, ...rows.map((row) => row.map((cell) => oneLine(String(cell ?? ''))))];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
