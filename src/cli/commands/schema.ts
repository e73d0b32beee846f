import { ExitCode } from '../../errors.ts';
import { rolloutJsonSchema } from '../../spec/json-schema.ts';
import type { CommandContext } from '../context.ts';

/** `cutover schema`: prints the JSON Schema of rollout files (JSON whatever --output says). */
export async function run(_args: unknown, ctx: CommandContext): Promise<number> {
  ctx.out.result(rolloutJsonSchema(), (schema) => `${JSON.stringify(schema, null, 2)}\n`);
  return ExitCode.ok;
}
