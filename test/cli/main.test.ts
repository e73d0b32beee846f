import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NOT_BUILT } from '../../src/cli/commands.ts';
import { reportError, unknownCommand } from '../../src/cli/main.ts';
import { colorAllowed } from '../../src/cli/output.ts';
import { CutoverError, ExitCode, InvalidInputError } from '../../src/errors.ts';
import { clockFromEnv } from '../../src/util/clock.ts';
import { runCli } from '../helpers/run-cli.ts';

/** Runs reportError, collecting what it prints. */
function report(e: unknown, debug = false): { code: number; text: string } {
  let text = '';
  const code = reportError(e, debug, (t) => {
    text += t;
  });
  return { code, text };
}

const STACK = /\n\s+at /;

describe('cutover CLI shell', () => {
  it('lists the built commands in --help and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['validate', 'plan', 'schema', 'sandbox']) assert.match(r.stdout, new RegExp(`cutover ${c}`));
    assert.match(r.stdout, /--output/);
    assert.match(r.stdout, /--log-level/);
    assert.match(r.stdout, /\nExit codes: 0 done, 1 internal error[\s\S]*130 interrupted by Ctrl-C/);
  });

  it('rejects an unknown command with exit 2, the commands, and no stack trace', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'error: unknown command "frobnicate"; commands: validate, plan, schema, run, status, pause, resume, promote, abort, agent, bind, iam-policy, demo, sandbox\n',
    );
  });

  it('GIVEN a mistyped command THEN "did you mean" the command (options may come first)', async () => {
    // Before: "Unknown argument: valdate".
    const r = await runCli(['valdate', 'rollouts']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'error: unknown command "valdate"; did you mean "validate"?\n');
    const late = await runCli(['-o', 'json', '--log-level', 'info', 'promot']);
    assert.equal(late.stderr, 'error: unknown command "promot"; did you mean "promote"?\n');
  });

  it('GIVEN the commands of the design (ARCHITECTURE §6) THEN every one is built', () => {
    const designed = [
      'validate',
      'plan',
      'run',
      'status',
      'pause',
      'resume',
      'promote',
      'abort',
      'bind',
      'agent',
      'sandbox',
      'demo',
      'iam-policy',
      'schema',
    ];
    assert.deepEqual([...NOT_BUILT], []);
    for (const c of designed) assert.equal(unknownCommand(c), undefined, c);
    assert.match(unknownCommand('frobnicate') ?? '', /unknown command "frobnicate"/);
  });

  it("GIVEN a command's usage error THEN it points at that command's --help", async () => {
    const r = await runCli(['plan', 'a.yaml', 'b.yaml']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "error: Unknown argument: b.yaml\n(run 'cutover plan --help' for usage)\n");
  });

  it('rejects a bad --output choice with exit 2', async () => {
    const r = await runCli(['schema', '--output', 'xml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid values:[\s\S]*xml/);
  });

  it('GIVEN no command THEN the help (the list of commands) on stderr, then the error, exit 2', async () => {
    // Before: "see the list above" with nothing above.
    for (const args of [[], ['-o', 'json']]) {
      const r = await runCli(args);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^cutover <command> \[options\]\n[\s\S]*Commands:\n\s+cutover validate <files\.\.>/);
      assert.match(r.stderr, /\n\nerror: a command is required; see the list above\n$/);
    }
  });
});

describe('reportError: every error kind to an exit code and a message', () => {
  it('GIVEN an unexpected error THEN exit 1 and "this is a bug", no stack unless debugging', () => {
    const r = report(new TypeError('x is undefined'));
    assert.equal(r.code, ExitCode.internal);
    assert.match(
      r.text,
      /^internal error: x is undefined\nthis is a bug in cutover; please report it with the output of CUTOVER_DEBUG=1\n$/,
    );
    assert.match(report('a thrown string').text, /^internal error: a thrown string\n/);
    assert.match(report(new TypeError('x'), true).text, STACK);
  });

  it('GIVEN a CutoverError THEN its own exit code (3 rolled back, 4 aborted), value and hint, no stack', () => {
    const cases: Array<[CutoverError, number, string]> = [
      [
        new CutoverError('E_ROLLED_BACK', 'rolled back at step 2', { exitCode: ExitCode.rolledBack, value: 'x' }),
        3,
        'error: rolled back at step 2 (got "x")\n',
      ],
      [
        new CutoverError('E_ABORTED', 'aborted by an operator', { exitCode: ExitCode.aborted, hint: 'see status' }),
        4,
        'error: aborted by an operator\nhint: see status\n',
      ],
    ];
    for (const [e, code, text] of cases) assert.deepEqual(report(e), { code, text });
  });

  it('GIVEN debug (CUTOVER_DEBUG=1) THEN a CutoverError prints its stack too', () => {
    const r = report(new CutoverError('E_USAGE', 'bad'), true);
    assert.equal(r.code, 2);
    assert.match(r.text, STACK);
  });

  it('GIVEN an InvalidInputError THEN each diagnostic as file:line:col, then the count, exit 2', () => {
    const r = report(
      new InvalidInputError([
        { file: 'a.yaml', line: 3, col: 5, severity: 'error', message: 'spec.to names no cluster' },
        { file: 'a.yaml', line: 9, col: 1, severity: 'warning', message: 'spec.gates has no checks' },
      ]),
    );
    assert.equal(r.code, 2);
    assert.equal(
      r.text,
      'a.yaml:3:5: error: spec.to names no cluster\na.yaml:9:1: warning: spec.gates has no checks\n1 error found\n',
    );
  });

  it('GIVEN a malformed CUTOVER_CLOCK THEN a user error (exit 2) naming the variable, value and format', () => {
    // Before: a RangeError, reported as an internal error (exit 1, "this is a bug").
    let thrown: unknown;
    try {
      clockFromEnv({ CUTOVER_CLOCK: 'speed=fast' });
    } catch (e) {
      thrown = e;
    }
    const r = report(thrown);
    assert.equal(r.code, 2);
    assert.match(r.text, /^error: CUTOVER_CLOCK .*\(got "speed=fast"\)\nhint: write origin=<ms>;wall=<ms>;speed=<n>/);
  });
});

describe('debug output and colour come from the environment only', () => {
  it('GIVEN an argument named debug THEN no stack trace (only CUTOVER_DEBUG=1 turns stacks on)', async () => {
    // Before: argv.includes('debug') — here the --dir value — turned on stacks for a usage error.
    const r = await runCli(['sandbox', '--speed', '0', '--dir', 'debug']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: --speed must be a number above 0/);
    assert.doesNotMatch(r.stderr, STACK);
    const debug = await runCli(['sandbox', '--speed', '0'], { env: { CUTOVER_DEBUG: '1' } });
    assert.match(debug.stderr, STACK);
  });

  it('GIVEN NO_COLOR set but empty THEN colour stays allowed (no-color.org)', () => {
    assert.equal(colorAllowed({}), true);
    assert.equal(colorAllowed({ NO_COLOR: '' }), true);
    assert.equal(colorAllowed({ NO_COLOR: '1' }), false);
  });
});
