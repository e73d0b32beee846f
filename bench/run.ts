/** `npm run bench`: every benchmark, each printing figures next to a baseline measured in the same run. */
import { benchStartup } from './startup.ts';

const only = process.argv[2];
if (!only || only === 'startup') {
  console.log(`\n## start-up (${process.version})\n${benchStartup()}`);
}
if (!only || only === 'sandbox') {
  const { existsSync } = await import('node:fs');
  if (existsSync(new URL('./sandbox.ts', import.meta.url))) {
    const mod = await import('./sandbox.ts' as string);
    await mod.main?.();
  }
}
