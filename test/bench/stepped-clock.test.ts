import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SteppedClock } from '../../bench/stepped-clock.ts';

/**
 * A server that answers after a few wall milliseconds (a request spans many event-loop turns), or
 * — on /held — only when the test releases it.
 */
let server: Server;
let url: string;
const held: Array<() => void> = [];
before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/held') held.push(() => res.end('ok'));
    else setTimeout(() => res.end('ok'), 20);
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function request(path = '/'): Promise<void> {
  return new Promise((resolve, reject) => {
    get(`${url}${path}`, { agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
}

/** A timer every virtual second for `n` seconds: something due all the time, to tempt the clock on. */
function ticking(clock: SteppedClock, n: number): void {
  const tick = (left: number) => {
    if (left > 0) clock.setTimeout(() => tick(left - 1), 1_000);
  };
  tick(n);
}

describe('bench SteppedClock', () => {
  it('GIVEN timers only WHEN run THEN time jumps from timer to timer, in order, and stops when the program is done', async () => {
    const clock = new SteppedClock(0);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 5_000);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 2_000);
    const program = (async () => {
      await clock.sleep(60_000);
      return clock.now();
    })();
    assert.equal(await clock.runUntil(program, 3_600_000), 60_000);
    assert.deepEqual(seen, [
      ['a', 2_000],
      ['b', 5_000],
    ]);
  });

  it('GIVEN a request open to a watched host WHEN timers are due THEN time stands still until it is answered, then moves on', async () => {
    const clock = new SteppedClock(0);
    clock.watch(url);
    ticking(clock, 600);
    const program = (async () => {
      await clock.sleep(10_000);
      const sent = clock.now();
      await request();
      const answered = clock.now();
      await clock.sleep(30_000);
      return { sent, answered, end: clock.now() };
    })();
    assert.deepEqual(await clock.runUntil(program, 3_600_000), { sent: 10_000, answered: 10_000, end: 40_000 });
  });

  it('GIVEN a request to a host not watched THEN time moves while it is open (here: to the timer that gets it answered)', async () => {
    const clock = new SteppedClock(0);
    clock.watch('http://127.0.0.1:1');
    clock.setTimeout(() => {
      for (const answer of held.splice(0)) answer();
    }, 30_000);
    const program = (async () => {
      const sent = clock.now();
      await request('/held');
      return { sent, answered: clock.now() };
    })();
    assert.deepEqual(await clock.runUntil(program, 3_600_000), { sent: 0, answered: 30_000 });
  });

  it('GIVEN a program waiting on nothing the clock knows WHEN idle THEN runUntil rejects instead of hanging', async () => {
    const clock = new SteppedClock(0);
    const never = new Promise<void>(() => {});
    await assert.rejects(clock.runUntil(never, 60_000), /idle at 1970-01-01T00:00:00.000Z with no timer set/);
  });

  it('GIVEN a program that would run past the limit THEN runUntil rejects naming the limit', async () => {
    const clock = new SteppedClock(0);
    await assert.rejects(
      clock.runUntil(clock.sleep(2 * 60 * 60_000), 60 * 60_000),
      /still running after 60 virtual minutes/,
    );
  });

  it('GIVEN a cancelled timer or an aborted sleep THEN it never fires', async () => {
    const clock = new SteppedClock(0);
    let fired = false;
    const cancel = clock.setTimeout(() => {
      fired = true;
    }, 1_000);
    cancel();
    const controller = new AbortController();
    const aborted = clock.sleep(2_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(aborted, /stop/);
    assert.equal(
      await clock.runUntil(
        clock.sleep(5_000).then(() => clock.now()),
        60_000,
      ),
      5_000,
    );
    assert.equal(fired, false);
  });
});
