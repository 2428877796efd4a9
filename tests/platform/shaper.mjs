// A rural link between the kiosk and the platform, as a TCP proxy (no tc
// netem on the test machines).
//
// run shaper.mjs --listen P --target HOST:PORT [--rate-kbit 384] [--rtt-ms 300]
//   [--loss 0.01] [--seed N] [--stats FILE]
// Prints `listening PORT` on stdout when ready (P=0: any free port).
//
// Each direction is one link shared by all connections: a chunk is cut into
// 1448-byte segments, each waits for the link to be free and takes its
// serialisation time (8 * bytes / rate), then arrives rtt/2 later. A segment
// lost (probability --loss, seeded by --seed) arrives rtt + 200 ms later still,
// and later segments of its connection wait behind it (TCP delivers in order).
// A new connection's first bytes arrive 1.5 RTT after the connect (handshake).
// A connection that has 64 KiB in flight stops being read, as a TCP window.
// --stats FILE gets {"up_bytes", "down_bytes", "connections"} on every
// connection close and on SIGTERM: payload bytes only (no TCP/IP headers, no
// retransmissions); up is client to target.
import { renameSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { announce, fail, numberOption, onStop, randomSource } from './common.mjs';

const SEGMENT = 1448;
const WINDOW = 64 * 1024;

const { values: opts } = parseArgs({
  options: {
    listen: { type: 'string' },
    target: { type: 'string' },
    'rate-kbit': { type: 'string' },
    'rtt-ms': { type: 'string' },
    loss: { type: 'string' },
    seed: { type: 'string' },
    stats: { type: 'string' },
  },
});
const target = /^(.+):(\d+)$/.exec(opts.target ?? '');
if (opts.listen === undefined || !target) fail('usage: run shaper.mjs --listen P --target HOST:PORT [options]');
const listenPort = numberOption(opts, 'listen', 0, 0, 65535);
const rateKbit = numberOption(opts, 'rate-kbit', 384);
const rtt = numberOption(opts, 'rtt-ms', 300);
const loss = numberOption(opts, 'loss', 0.01, 0, 1);
const random = randomSource(numberOption(opts, 'seed', undefined, 0, 2 ** 32 - 1));

const totals = { up_bytes: 0, down_bytes: 0, connections: 0 };
const links = { up: { free: 0 }, down: { free: 0 } }; // when each link is next free (ms)

function writeStats() {
  if (!opts.stats) return;
  writeFileSync(`${opts.stats}.tmp`, JSON.stringify(totals) + '\n');
  renameSync(`${opts.stats}.tmp`, opts.stats);
}

// One direction of one connection: segments from source wait their arrival
// time, then go to dest in order; dest ends (or is destroyed, after an
// error) once the source has ended and everything arrived.
class Direction {
  constructor(name, source, dest, earliest) {
    this.name = name;
    this.source = source;
    this.dest = dest;
    this.last = earliest;
    this.queue = [];
    this.inFlight = 0;
    this.finish = undefined;
    source.on('data', (chunk) => this.send(chunk));
    source.on('end', () => this.close('end'));
    source.on('error', () => this.close('destroy'));
  }

  send(chunk) {
    totals[`${this.name}_bytes`] += chunk.length;
    const link = links[this.name];
    for (let at = 0; at < chunk.length; at += SEGMENT) {
      const segment = chunk.subarray(at, at + SEGMENT);
      const start = Math.max(performance.now(), link.free);
      link.free = start + (rateKbit ? (segment.length * 8) / rateKbit : 0);
      let arrival = link.free + rtt / 2;
      if (random() < loss) arrival += rtt + 200;
      this.last = Math.max(arrival, this.last);
      this.queue.push({ arrival: this.last, segment });
      this.inFlight += segment.length;
    }
    if (this.inFlight > WINDOW) this.source.pause();
    this.schedule();
  }

  close(how) {
    this.finish ??= how;
    this.schedule();
  }

  schedule() {
    if (this.timer) return;
    if (!this.queue.length) {
      if (this.finish === 'end') this.dest.end();
      else if (this.finish) this.dest.destroy();
      return;
    }
    this.timer = setTimeout(() => this.deliver(), Math.max(0, this.queue[0].arrival - performance.now()));
  }

  deliver() {
    this.timer = undefined;
    const now = performance.now();
    while (this.queue.length && this.queue[0].arrival <= now) {
      const { segment } = this.queue.shift();
      this.inFlight -= segment.length;
      if (!this.dest.destroyed) this.dest.write(segment);
    }
    if (this.inFlight <= WINDOW && !this.finish) this.source.resume();
    this.schedule();
  }
}

const server = createServer({ allowHalfOpen: true }, (client) => {
  totals.connections++;
  const handshake = performance.now() + 1.5 * rtt;
  const upstream = connect({ host: target[1], port: Number(target[2]), allowHalfOpen: true });
  let open = 2;
  const closed = () => {
    if (--open === 0) writeStats();
  };
  for (const socket of [client, upstream]) {
    socket.setNoDelay(true);
    socket.on('close', closed);
  }
  new Direction('up', client, upstream, handshake);
  new Direction('down', upstream, client, 0);
});

onStop(() => writeStats());
server.listen(listenPort, '127.0.0.1', () => announce(server.address().port));
