import type { Output, OutputFormat } from './context.ts';

export function createOutput(
  format: OutputFormat,
  stream: NodeJS.WriteStream = process.stdout,
  env = process.env,
): Output {
  const isTTY = Boolean(stream.isTTY);
  return {
    format,
    isTTY,
    color: isTTY && !('NO_COLOR' in env) && format === 'text',
    result(data, render) {
      stream.write(format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : ensureNewline(render(data)));
    },
    line(text) {
      if (format === 'text') stream.write(ensureNewline(text));
    },
  };
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

/** ANSI styling that turns itself off when colour is not allowed. */
export function styler(color: boolean) {
  const wrap = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { bold: wrap('1'), dim: wrap('2'), red: wrap('31'), green: wrap('32'), yellow: wrap('33'), cyan: wrap('36') };
}
