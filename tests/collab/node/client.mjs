/**
 * Real Yjs clients (npm `yjs` + `y-websocket` WebsocketProvider, BroadcastChannel off)
 * driven by a JSON script, for the interop test and the benchmark.
 *
 *   node tests/collab/node/client.mjs '<json>'     (or the JSON on stdin)
 *
 * Common fields: `url` (e.g. "ws://127.0.0.1:8000/ws/docs"; the room is appended the
 * usual way), `headers` (sent with every handshake: Cookie, Origin), `timeoutMs`.
 * `mode` is one of:
 *
 *   converge  {room, clients: [{edits: [string], headers?, dropped?}], intervalMs?, seed?}
 *             Every client connects and syncs, then all type their edits at the same
 *             time, each at the start or the end (chosen pseudo-randomly). Waits until the clients not marked
 *             `dropped` (viewers, whose edits the server drops) hold the same text with
 *             every kept edit in it. Prints {converged, ms, clients: [{text, synced,
 *             closeCodes}]}.
 *   latency   {room, edits} — A types one character at a time, waiting until B sees it.
 *             Prints {latenciesMs: [...]}.
 *   load      {rooms: [...], clientsPerRoom, rates: [updates/s in total], seconds,
 *             drainMs?} — for each rate, every client in turn appends a marker at the
 *             rate; the others in its room should receive it. Prints {steps: [{rate,
 *             sent, expected, delivered, latenciesMs}]}.
 *
 * Latencies are measured in this one process (sender and receiver share the clock).
 * Exit status 0 when the script ran (whatever it measured), 1 on a usage error.
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

const MARKER = /«(\d+)»/g
// Each provider adds a process 'exit' listener; the load mode runs fifty of them.
process.setMaxListeners(0)

/** A WebSocket class for y-websocket that sends `headers` (cookie, origin) when it connects. */
function socketWith (headers) {
  return class extends WebSocket {
    constructor (url, protocols) {
      super(url, protocols, { headers })
    }
  }
}

/** One client: a Y.Doc synced through a WebsocketProvider; records close codes. */
function connect (url, room, headers) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, String(room), doc, {
    WebSocketPolyfill: socketWith(headers),
    disableBc: true
  })
  const client = { doc, text: doc.getText('content'), provider, closeCodes: [] }
  provider.on('connection-close', (event) => {
    if (event) client.closeCodes.push(event.code)
  })
  client.ready = new Promise((resolve) => {
    provider.once('sync', () => resolve(true))
    provider.once('closed', () => resolve(false))
  })
  return client
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function until (condition, timeoutMs) {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) return false
    await sleep(5)
  }
  return true
}

function withTimeout (promise, ms, fallback) {
  return Promise.race([promise, sleep(ms).then(() => fallback)])
}

/** A small seeded generator so a script's edit positions repeat from run to run. */
function random (seed) {
  let state = seed >>> 0 || 1
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

async function converge (script) {
  const { url, room, headers = {}, timeoutMs = 20000, intervalMs = 5, seed = 1 } = script
  const clients = script.clients.map((spec) => ({
    ...connect(url, room, spec.headers || headers), spec
  }))
  const synced = await Promise.all(clients.map((c) => withTimeout(c.ready, timeoutMs, false)))
  const start = performance.now()
  await Promise.all(clients.map(async (client, index) => {
    if (!synced[index]) return
    const next = random(seed + index)
    for (const edit of client.spec.edits || []) {
      // At either end, so an edit never lands inside another one and each stays whole.
      client.text.insert(next() < 0.5 ? 0 : client.text.length, edit)
      await sleep(intervalMs)
    }
  }))
  const kept = clients.filter((c, i) => synced[i] && !c.spec.dropped)
  const wanted = kept.flatMap((c) => c.spec.edits || [])
  const agreed = () => {
    const first = kept.length ? kept[0].text.toString() : ''
    return kept.every((c) => c.text.toString() === first) && wanted.every((e) => first.includes(e))
  }
  const converged = await until(agreed, timeoutMs)
  const ms = performance.now() - start
  // Let anything the server should have dropped arrive if it was (wrongly) relayed.
  await sleep(300)
  return {
    converged: converged && agreed(),
    ms,
    clients: clients.map((c, i) => ({
      text: c.text.toString(), synced: synced[i], closeCodes: c.closeCodes
    }))
  }
}

async function latency (script) {
  const { url, room, headers = {}, edits = 1000, timeoutMs = 20000 } = script
  const [a, b] = [connect(url, room, headers), connect(url, room, headers)]
  if (!(await withTimeout(Promise.all([a.ready, b.ready]), timeoutMs, [false])).every(Boolean)) {
    return { error: 'could not sync', closeCodes: [a.closeCodes, b.closeCodes] }
  }
  const latenciesMs = []
  for (let i = 0; i < edits; i++) {
    const seen = new Promise((resolve) => b.text.observe(function once () {
      b.text.unobserve(once)
      resolve()
    }))
    const sent = performance.now()
    a.text.insert(a.text.length, String(i % 10))
    if ((await withTimeout(seen, timeoutMs, 'timeout')) === 'timeout') {
      return { error: `edit ${i} did not arrive`, latenciesMs }
    }
    latenciesMs.push(performance.now() - sent)
  }
  return { latenciesMs }
}

async function load (script) {
  const { url, rooms, clientsPerRoom = 5, rates, seconds = 3, drainMs = 3000, headers = {} } = script
  const { timeoutMs = 20000 } = script
  const groups = rooms.map((room) =>
    Array.from({ length: clientsPerRoom }, () => connect(url, room, headers)))
  const all = groups.flat()
  if (!(await withTimeout(Promise.all(all.map((c) => c.ready)), timeoutMs, [false])).every(Boolean)) {
    return { error: 'could not sync', closeCodes: all.map((c) => c.closeCodes) }
  }
  let nextId = 0
  const sentAt = new Map()
  let step = null
  for (const group of groups) {
    for (const client of group) {
      client.text.observe((event) => {
        if (event.transaction.local || step === null) return
        const now = performance.now()
        for (const op of event.delta) {
          if (typeof op.insert !== 'string') continue
          for (const [, id] of op.insert.matchAll(MARKER)) {
            const sent = sentAt.get(Number(id))
            if (sent !== undefined && Number(id) >= step.firstId) {
              step.delivered++
              step.latenciesMs.push(now - sent)
            }
          }
        }
      })
    }
  }
  const steps = []
  for (const rate of rates) {
    step = { rate, firstId: nextId, sent: 0, expected: 0, delivered: 0, latenciesMs: [] }
    const total = Math.round(rate * seconds)
    const start = performance.now()
    while (step.sent < total) {
      const due = Math.min(total, Math.floor((performance.now() - start) * rate / 1000) + 1)
      for (; step.sent < due; step.sent++) {
        const client = all[step.sent % all.length]
        const id = nextId++
        sentAt.set(id, performance.now())
        client.text.insert(client.text.length, `«${id}»`)
        step.expected += clientsPerRoom - 1
      }
      await sleep(1)
    }
    await until(() => step.delivered >= step.expected, drainMs)
    step.seconds = (performance.now() - start) / 1000
    steps.push(step)
  }
  return { steps }
}

const MODES = { converge, latency, load }

async function main () {
  const raw = process.argv[2] ?? readFileSync(0, 'utf8')
  const script = JSON.parse(raw)
  const run = MODES[script.mode]
  if (!run) {
    console.error(`unknown mode ${JSON.stringify(script.mode)}; use one of ${Object.keys(MODES)}`)
    process.exit(1)
  }
  const result = await run(script)
  // Providers keep timers and sockets open: exit once the answer is written out.
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0))
}

main()
