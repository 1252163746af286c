// Markdown report of one run: results per scenario, idle memory, and Switchboard's ratios to the
// issue's targets (CPU/delivery <= 0.5x Socket.IO and <= 1.3x the ws floor; RSS/conn <= 0.6x
// Socket.IO; p99 <= Socket.IO's; 100 % delivery).

const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const kib = (b) => f(b / 1024, 1);
const size = (b) => (b >= 1024 ? `${(b / 1024).toFixed(0)} KiB` : `${b} B`);
const pct = (r) => f((100 * r.delivered) / r.expected, r.delivered === r.expected ? 0 : 3) + ' %';
const verdict = (ratio, limit) => (Number.isFinite(ratio) ? `${f(ratio)}x ${ratio <= limit ? 'met' : 'NOT met'}` : 'n/a');

export function report(run) {
  const out = [];
  out.push(`Run ${run.started}, ${f(run.seconds, 0)} s: \`${run.command}\``);
  out.push(`Machine: ${run.machine.cpus} CPUs (${run.machine.cpuModel}), Node ${run.machine.node}, Switchboard at ${run.machine.commit}; load average ${run.machine.loadAverageAtStart} at start, ${run.machine.loadAverageAtEnd} at end. Server on CPU 1, load generator on CPU ${run.machine.loadGeneratorCpus}. Rates (publishes/s): ${Object.entries(run.rates).map(([n, r]) => `${n} subscribers ${r}/s`).join(', ')}; ${run.plan.seconds} s measured per scenario after ${run.plan.warmup} s warm-up.`);
  out.push('');
  out.push('### Fan-out: server CPU per delivery, publish-to-receive latency, delivery');
  out.push('');
  out.push('| subscribers | channel | publish | payload | server | rep | CPU µs / delivery | p50 ms | p99 ms | max ms | delivered / expected |');
  out.push('|---:|---|---|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of run.rows) {
    const notes = [r.publishErrors ? `${r.publishErrors} publish errors` : '', r.closedSubscribers ? `${r.closedSubscribers} subscribers closed` : ''].filter(Boolean).join(', ');
    out.push(`| ${r.subscribers} | ${r.channel} | ${r.publish} | ${size(r.payloadBytes)} | ${r.server} | ${r.repetition ?? 1} | ${f(r.cpuUsPerDelivery)} | ${f(r.p50Ms)} | ${f(r.p99Ms)} | ${f(r.maxMs)} | ${r.delivered}/${r.expected} (${pct(r)})${notes ? ` ${notes}` : ''} |`);
  }
  out.push('');
  out.push('### Idle memory: RSS per subscribed connection');
  out.push('');
  out.push('| subscribers | channel | server | RSS at start MiB | RSS with N idle MiB | KiB / connection | connect+subscribe s |');
  out.push('|---:|---|---|---:|---:|---:|---:|');
  for (const i of run.idle) {
    out.push(`| ${i.subscribers} | ${i.channel} | ${i.server} | ${f(i.rssStartBytes / 2 ** 20, 1)} | ${f(i.rssIdleBytes / 2 ** 20, 1)} | ${kib(i.rssPerConnBytes)} | ${f(i.connectSeconds, 1)} |`);
  }
  const ratios = targetRatios(run);
  if (ratios.length > 0) {
    out.push('');
    out.push(`### Switchboard against the targets (exact channel; same run${run.plan.repeat > 1 ? `; median of ${run.plan.repeat} repetitions` : ''})`);
    out.push('');
    out.push('| subscribers | publish | payload | CPU vs Socket.IO (<= 0.5x) | CPU vs ws floor (<= 1.3x) | CPU vs uWS | p99 vs Socket.IO (<= 1x) | delivery |');
    out.push('|---:|---|---:|---|---|---|---|---|');
    for (const r of ratios) {
      out.push(`| ${r.subscribers} | ${r.publish} | ${size(r.payloadBytes)} | ${verdict(r.cpuVsSocketIo, 0.5)} | ${verdict(r.cpuVsWs, 1.3)} | ${f(r.cpuVsUws)}x | ${verdict(r.p99VsSocketIo, 1)} | ${r.delivery} |`);
    }
    out.push('');
    out.push('| subscribers | RSS / conn vs Socket.IO (<= 0.6x) | vs ws floor | vs uWS |');
    out.push('|---:|---|---|---|');
    for (const n of run.plan.subscribers) {
      const get = (s) => run.idle.find((i) => i.server === s && i.subscribers === n && i.channel === 'exact')?.rssPerConnBytes;
      const sb = get('switchboard');
      if (sb === undefined) continue;
      out.push(`| ${n} | ${verdict(sb / get('socket.io'), 0.6)} | ${f(sb / get('ws'))}x | ${f(sb / get('uws'))}x |`);
    }
  }
  return out.join('\n');
}

/** Switchboard's ratios to each peer, per exact-channel scenario. */
export function targetRatios(run) {
  const key = (r) => `${r.subscribers}|${r.channel}|${r.publish}|${r.payloadBytes}`;
  // With --repeat, each server's scenario is the median of its repetitions (per metric).
  const groups = new Map();
  for (const r of run.rows) {
    const k = `${r.server}|${key(r)}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const by = new Map(
    [...groups].map(([k, rs]) => [
      k,
      { ...rs[0], cpuUsPerDelivery: median(rs.map((r) => r.cpuUsPerDelivery)), p99Ms: median(rs.map((r) => r.p99Ms)), delivered: rs.reduce((a, r) => a + r.delivered, 0), expected: rs.reduce((a, r) => a + r.expected, 0) },
    ]),
  );
  return [...by.values()]
    .filter((r) => r.server === 'switchboard' && r.channel === 'exact')
    .map((r) => {
      const peer = (s) => by.get(`${s}|${key(r)}`);
      const ratio = (s, field) => r[field] / (peer(s)?.[field] ?? NaN);
      return {
        subscribers: r.subscribers,
        publish: r.publish,
        payloadBytes: r.payloadBytes,
        cpuVsSocketIo: ratio('socket.io', 'cpuUsPerDelivery'),
        cpuVsWs: ratio('ws', 'cpuUsPerDelivery'),
        cpuVsUws: ratio('uws', 'cpuUsPerDelivery'),
        p99VsSocketIo: ratio('socket.io', 'p99Ms'),
        delivery: pct(r),
      };
    });
}
