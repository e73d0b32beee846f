import xterm from '@xterm/headless';

/**
 * What a terminal shows after `output` (everything a program wrote to its pty, escape codes and
 * all): the lines of its buffer, scrollback first, trailing spaces and empty lines at the end
 * dropped. A headless xterm.js interprets the bytes, so in-place redraws read as the one screen a
 * person would see.
 */
export async function screenOf(output: string, size: { cols: number; rows: number }): Promise<string[]> {
  // convertEol: a line feed also returns the carriage, as a pty's onlcr does (output captured
  // from a stream that only claims to be a terminal has bare \n).
  const term = new xterm.Terminal({ ...size, scrollback: 10_000, allowProposedApi: true, convertEol: true });
  try {
    await new Promise<void>((resolve) => term.write(output, resolve));
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  } finally {
    term.dispose();
  }
}

const ESC = String.fromCharCode(27);

/**
 * The in-place redraw in a program's terminal output, counted by escape sequence: cursor moved up
 * (CSI n A), lines erased (CSI 2 K), synchronized updates begun (CSI ? 2026 h: one per frame drawn).
 */
export function redraws(output: string): { cursorUp: number; eraseLine: number; frames: number; painted: boolean } {
  const count = (re: RegExp) => (output.match(re) ?? []).length;
  return {
    cursorUp: count(new RegExp(`${ESC}\\[\\d*A`, 'g')),
    eraseLine: output.split(`${ESC}[2K`).length - 1,
    frames: output.split(`${ESC}[?2026h`).length - 1,
    painted: output.includes(`${ESC}[32m`),
  };
}

/** Whether the output holds any escape sequence at all. */
export function hasEscapes(output: string): boolean {
  return output.includes(ESC);
}
