// WebSocket publishers for the benchmarks that time publishes end to end (handler-overhead,
// forward-overhead): an API-key connection, and a loop that publishes one event at a time and
// waits for each publish_success.
import WebSocket from 'ws';

/** Opens an AppSync Events WebSocket authenticated with `key`. */
export function connect(url, key) {
  const header = 'header-' + Buffer.from(JSON.stringify({ 'x-api-key': key })).toString('base64url');
  const ws = new WebSocket(url, ['aws-appsync-event-ws', header]);
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(ws)); ws.once('error', reject); });
}

/**
 * Publishes `count` times `event` to `channel`, each after the previous publish_success, pushing
 * each round trip's milliseconds to `latencies` when given. A reply other than a publish_success
 * with nothing failed throws: a benchmark must not time errors.
 */
export function publishLoop(ws, { key, channel, event, prefix, count, latencies }) {
  return new Promise((resolve) => {
    let n = 0;
    let sentAt = 0;
    const next = () => {
      if (n === count) { ws.off('message', onMessage); return resolve(); }
      sentAt = performance.now();
      ws.send(JSON.stringify({ type: 'publish', id: `${prefix}-${n}`, channel, events: [event], authorization: { 'x-api-key': key } }));
    };
    const onMessage = (data) => {
      const text = data.toString();
      if (!text.includes(`"id":"${prefix}-${n}"`)) return;
      if (!text.includes('"type":"publish_success"') || !text.includes('"failed":[]')) throw new Error(text);
      latencies?.push(performance.now() - sentAt);
      n++;
      next();
    };
    ws.on('message', onMessage);
    next();
  });
}

/**
 * One timed run against a listening server: a subscriber on `channel`, `concurrency` publishers
 * that warm up with 20 publishes each, then share `total` publishes, each awaiting every
 * publish_success. `settle` (optional) runs after the last publish and before the CPU time is
 * read (a forwarding queue emptying). Resolves with publishes/s, mean and p99 latency (ms), CPU
 * time of this process per publish (µs), and the data frames the subscriber got.
 */
export async function measurePublishes(realtimeUrl, { key, channel, event, total, concurrency, settle }) {
  const subscriber = await connect(realtimeUrl, key);
  let received = 0;
  subscriber.on('message', (d) => { if (d.toString().startsWith('{"type":"data"')) received++; });
  subscriber.send(JSON.stringify({ type: 'subscribe', id: 's', channel, authorization: { 'x-api-key': key } }));
  await new Promise((r) => subscriber.once('message', r));
  const publishers = await Promise.all(Array.from({ length: concurrency }, () => connect(realtimeUrl, key)));
  const per = Math.ceil(total / concurrency);
  // Warm-up: loads handler modules, starts workers, opens the destination's paths.
  await Promise.all(publishers.map((ws, i) => publishLoop(ws, { key, channel, event, prefix: `w${i}`, count: 20 })));
  const latencies = [];
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(publishers.map((ws, i) => publishLoop(ws, { key, channel, event, prefix: `p${i}`, count: per, latencies })));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await settle?.();
  const used = process.cpuUsage(cpu);
  const deadline = Date.now() + 5000;
  while (received < (per + 20) * concurrency && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  latencies.sort((a, b) => a - b);
  for (const ws of [subscriber, ...publishers]) ws.close();
  return {
    rate: (per * concurrency) / seconds,
    mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    p99: latencies[Math.floor(latencies.length * 0.99)],
    cpuUs: (used.user + used.system) / (per * concurrency),
    received,
  };
}
