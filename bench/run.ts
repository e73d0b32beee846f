/** `npm run bench`: every benchmark, each printing figures next to a baseline measured in the same run. */
import { benchStartup } from './startup.ts';

const only = process.argv[2];
if (!only || only === 'startup') {
  console.log(`\n## start-up (${process.version})\n${benchStartup()}`);
}
if (!only || only === 'sandbox') {
  console.log('\n## sandbox');
  const { main } = await import('./sandbox.ts');
  await main();
}
if (!only || only === 'gates') {
  const { benchGates } = await import('./gates.ts');
  console.log(`\n## gates: compare5xx error rates${benchGates()}`);
}
if (!only || only === 'agent') {
  const { benchAgent } = await import('./agent.ts');
  console.log(`\n## agent\n${await benchAgent()}`);
}
if (!only || only === 'driver') {
  const { benchDriver } = await import('./driver.ts');
  console.log(`\n## driver: time to roll back a 5xx regression, and false rollbacks${await benchDriver()}`);
}
