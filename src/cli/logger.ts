import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { TextStream } from './io.ts';
import { colorAllowed } from './output.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const require = createRequire(import.meta.url);

/**
 * pino to stderr: JSON lines when stderr is not a terminal (CI, files, log shippers), readable
 * lines when it is. Loaded on first use so commands that never log do not pay for it. `stderr` other
 * than the process's own (a test's buffer) gets the JSON lines.
 */
export function createLogger(level: LogLevel, env = process.env, stderr: TextStream = process.stderr): Logger {
  const pino = require('pino') as typeof import('pino');
  const redact = {
    paths: ['*.secretAccessKey', '*.sessionToken', '*.token', '*.SecretAccessKey', '*.SessionToken'],
    censor: '[redacted]',
  };
  if (stderr !== process.stderr) return pino.default({ level, redact }, stderr as import('pino').DestinationStream);
  if (process.stderr.isTTY) {
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    const stream = pretty.build({
      destination: 2,
      sync: true,
      colorize: colorAllowed(env),
      ignore: 'pid,hostname',
      translateTime: 'SYS:HH:MM:ss',
    });
    return pino.default({ level, base: undefined, redact }, stream);
  }
  return pino.default({ level, redact }, pino.destination({ dest: 2, sync: true }));
}
