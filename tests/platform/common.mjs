// Helpers shared by server.mjs and shaper.mjs: numeric options, a seeded
// random source (so faults and losses repeat with --seed), the one stdout line
// that says a listener is ready, and a stop on SIGTERM/SIGINT.
import { randomInt } from 'node:crypto';

export function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

// The option's value as a number within [min, max], or fallback when absent.
export function numberOption(values, name, fallback, min = 0, max = Infinity) {
  if (values[name] === undefined) return fallback;
  const n = Number(values[name]);
  if (values[name] === '' || !Number.isFinite(n) || n < min || n > max) {
    fail(`--${name} must be a number in [${min}, ${max}]`);
  }
  return n;
}

// A function returning uniform numbers in [0, 1): mulberry32 from the seed,
// or from a random seed when none is given.
export function randomSource(seed) {
  let state = (seed ?? randomInt(2 ** 32)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function announce(port) {
  process.stdout.write(`listening ${port}\n`);
}

export function onStop(stop) {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      stop();
      process.exit(0);
    });
  }
}
