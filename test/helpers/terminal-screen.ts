import xterm from '@xterm/headless';

/**
 * What a terminal shows after `output` (everything a program wrote to its pty, escape codes and
 * all): the lines of its buffer, scrollback first, trailing spaces and empty lines at the end
 * dropped. A headless xterm.js interprets the bytes, so in-place redraws read as the one screen a
 * person would see.
 */
export async function screenOf(output: string, size: { cols: number; rows: number }): Promise<string[]> {
  const term = new xterm.Terminal({ ...size, scrollback: 10_000, allowProposedApi: true });
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
