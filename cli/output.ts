/** What commands print: JSON on stdout with `-o json`, readable text otherwise; notes on stderr. */
import type { Globals } from './api/client.ts';

export function print(globals: Globals, value: unknown, text: () => string): void {
  process.stdout.write(globals.output === 'json' ? `${JSON.stringify(value)}\n` : `${text()}\n`);
}

export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A left-aligned table with a header row. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `key: value` lines. */
export function fields(entries: Record<string, unknown>): string {
  return Object.entries(entries)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}
