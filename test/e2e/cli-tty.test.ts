/**
 * `envctl env create … --watch` in a pseudo-terminal (`@lydell/node-pty`), its output rendered by
 * a headless terminal emulator (`@xterm/headless`): what a user sees as the layers complete —
 * listr2's live tree redrawn in place, a finished layer's stacks provisioned while a later one
 * still runs, then every stack provisioned and the summary with the outputs. The screen is read
 * until a condition holds (with a deadline), never after a fixed sleep. Every Wait state of the
 * run sleeps 250 ms so the layers take long enough to be seen one after the other.
 */
import { spawn } from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { envctlEnv, envctlPath } from './envctl.ts';
import { useLocalMode } from './support.ts';

const local = useLocalMode({
  waitOverrideMs: 250,
  sweepIntervalMs: 0,
  users: ['Developers'],
  project: 'terminal',
});
const developer = local.as('Developers');

const COLUMNS = 100;
const ROWS = 60;

/** A program in a pseudo-terminal and the screen it draws. */
function inTerminal(args: string[]) {
  const terminal = new xterm.Terminal({ cols: COLUMNS, rows: ROWS, allowProposedApi: true });
  const child = spawn(process.execPath, [envctlPath, '--api-url', local.runtime.baseUrl, ...args], {
    name: 'xterm-256color',
    cols: COLUMNS,
    rows: ROWS,
    env: envctlEnv(String(developer.token), { TERM: 'xterm-256color' }),
  });
  let pending = 0;
  child.onData((data) => {
    pending += 1;
    terminal.write(data, () => {
      pending -= 1;
    });
  });
  const exited = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
  /** Every line of the terminal (scrollback and screen), trailing blanks trimmed. */
  const lines = (): string[] => {
    const buffer = terminal.buffer.active;
    const all: string[] = [];
    for (let i = 0; i < buffer.length; i += 1) all.push(buffer.getLine(i)?.translateToString(true) ?? '');
    while (all.length > 0 && all.at(-1) === '') all.pop();
    return all;
  };
  return {
    lines,
    /** The lines once `condition` holds on them (throws with the screen after `timeoutMs`). */
    async until(
      condition: (lines: string[]) => boolean,
      what: string,
      timeoutMs = 90_000,
    ): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = lines();
        if (pending === 0 && condition(now)) return now;
        if (Date.now() > deadline) throw new Error(`The screen never showed ${what}:\n${now.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    /** The exit code, once the terminal has drawn everything the program wrote. */
    async exitCode(): Promise<number> {
      const code = await exited;
      while (pending > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      return code;
    },
  };
}

const layerLine = (lines: string[], layer: number) => lines.find((l) => l.includes(`Layer ${layer} (`));
/** `Layer 1 (3/3)`: every stack of that layer settled. */
const layerDone = (line: string | undefined) => {
  const counts = /Layer \d+ \((\d+)\/(\d+)\)/.exec(line ?? '');
  return counts !== null && counts[1] === counts[2];
};
/** A stack's line: `network: provisioned (1.2s)`. */
const stackLines = (lines: string[]) => lines.filter((l) => /[\w-]+: [a-z_]+ \(\d+\.\ds\)$/.test(l));

describe('envctl --watch in a terminal', () => {
  it('redraws the tree as the layers complete, then shows every stack provisioned and the outputs', async () => {
    // Act
    const terminal = inTerminal([
      'env',
      'create',
      'terminal',
      '--name',
      'tty',
      '--template',
      'default',
      '--account',
      '420000000001',
      '--watch',
    ]);

    // Assert: while a later layer runs, the first one is done, its stacks provisioned with their times.
    const firstLayerStacks = (lines: string[]) =>
      lines.slice(lines.indexOf(layerLine(lines, 1) ?? '') + 1, lines.indexOf(layerLine(lines, 2) ?? ''));
    const during = await terminal.until(
      (lines) =>
        layerDone(layerLine(lines, 1)) &&
        firstLayerStacks(lines).length > 0 &&
        lines.some((l) => /[\w-]+: provisioning \(\d+\.\ds\)$/.test(l)),
      'layer 1 done while a stack of a later layer is provisioning',
    );
    expect(layerDone(layerLine(during, 5))).toBe(false);
    for (const line of firstLayerStacks(during)) expect(line).toMatch(/[\w-]+: provisioned \(\d+\.\ds\)$/);
    expect(during.join('\n')).not.toMatch(/operation op_[0-9a-z]{26}: succeeded/);

    // Assert: the end — one tree (redrawn in place, not appended), every stack provisioned, the summary.
    const after = await terminal.until(
      (lines) => lines.some((l) => /^ {2}network\.vpc_id = vpc-[0-9a-f]{17}$/.test(l)),
      'the summary with the outputs',
    );
    expect(await terminal.exitCode()).toBe(0);
    const final = terminal.lines();
    expect(final[0]).toMatch(/^tty \(env_[0-9a-z]{26}\): operation op_[0-9a-z]{26}$/);
    const layers = final.filter((l) => /Layer \d+ \(/.test(l));
    expect(layers).toHaveLength(5);
    for (const line of layers) expect(layerDone(line)).toBe(true);
    const stacks = stackLines(final);
    expect(stacks).toHaveLength(16);
    for (const line of stacks) expect(line).toMatch(/: provisioned \(\d+\.\ds\)$/);
    expect(after.join('\n')).toMatch(/\noperation op_[0-9a-z]{26}: succeeded\noutputs:\n/);
  });
});
