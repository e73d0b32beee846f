import { CutoverError, ExitCode } from '../../errors.ts';
import type { CommandContext } from '../context.ts';

export async function run(_args: unknown, _ctx: CommandContext): Promise<number> {
  throw new CutoverError('E_NOT_BUILT', 'schema is not built yet', { exitCode: ExitCode.internal });
}
