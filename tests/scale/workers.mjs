/**
 * Stock Yjs clients (npm `yjs` + `y-websocket`, BroadcastChannel off), each connected to
 * its own hub worker, for the scale-out test and benchmark: a JSON script on stdin.
 *
 * Fields: `room`, `clients: [{url, headers, edits}]` (url e.g. "ws://127.0.0.1:8001/ws/docs",
 * headers: Cookie and Origin for that worker), `timeoutMs`, `latencyEdits` (default 0).
 * Every client syncs, then all type their edits at once (each at the end of its text);
 * the script waits until every client holds the same text with every edit in it. Then,
 * if `latencyEdits`, the first client types that many characters one at a time, each
 * awaited at the second client (on another worker). Prints {converged, ms, clients:
 * [{text, synced}], latenciesMs}. (tests/collab/node/client.mjs drives clients that
 * share one server URL.)
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function until (condition, timeoutMs) {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) return false
    await sleep(5)
  }
  return true
}

function connect ({ url, headers }, room) {
  const doc = new Y.Doc()
  const WebSocketPolyfill = class extends WebSocket {
    constructor (address, protocols) {
      super(address, protocols, { headers })
    }
  }
  const provider = new WebsocketProvider(url, String(room), doc, { WebSocketPolyfill, disableBc: true })
  const ready = new Promise((resolve) => provider.once('sync', () => resolve(true)))
  return { text: doc.getText('content'), ready }
}

async function main () {
  const script = JSON.parse(readFileSync(0, 'utf8'))
  const { room, timeoutMs = 20000, latencyEdits = 0 } = script
  const clients = script.clients.map((spec) => ({ ...connect(spec, room), spec }))
  const synced = await Promise.all(clients.map((c) => Promise.race([c.ready, sleep(timeoutMs).then(() => false)])))
  const start = performance.now()
  await Promise.all(clients.map(async (client, index) => {
    if (!synced[index]) return
    for (const edit of client.spec.edits || []) {
      client.text.insert(client.text.length, edit)
      await sleep(5)
    }
  }))
  const wanted = clients.flatMap((c) => c.spec.edits || [])
  const agreed = () => {
    const first = clients[0].text.toString()
    return clients.every((c) => c.text.toString() === first) && wanted.every((e) => first.includes(e))
  }
  const converged = synced.every(Boolean) && await until(agreed, timeoutMs)
  const ms = performance.now() - start
  const latenciesMs = []
  if (converged && latencyEdits > 0) {
    const [a, b] = clients
    for (let i = 0; i < latencyEdits; i++) {
      const seen = new Promise((resolve) => b.text.observe(function once () {
        b.text.unobserve(once)
        resolve(true)
      }))
      const sent = performance.now()
      a.text.insert(a.text.length, String(i % 10))
      if (!(await Promise.race([seen, sleep(timeoutMs).then(() => false)]))) break
      latenciesMs.push(performance.now() - sent)
    }
  }
  const result = {
    converged,
    ms,
    clients: clients.map((c, i) => ({ text: c.text.toString(), synced: synced[i] })),
    latenciesMs
  }
  // Providers keep timers and sockets open: exit once the answer is written out.
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0))
}

main()
