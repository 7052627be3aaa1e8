/**
 * Knows whether every local edit has reached the server: "all changes saved".
 *
 * The y-websocket protocol has no acknowledgement, so one is built from its own
 * messages. The server answers each sync step 1 with a sync step 2, and it handles one
 * connection's messages in order (the hub appends an update to its database before it
 * reads the next message). So when the answer to a step 1 sent after local edit n comes
 * back, the server holds edits 1..n: they are acknowledged.
 *
 * A probe (a step 1) is sent only while connected and synced, after the server's own
 * step 1 of this connection was answered (that answer carries the edits made offline),
 * and only one probe is in flight at a time; while edits keep coming, each answer sends
 * the next probe, so acknowledgement lags typing by one round trip.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'

const MESSAGE_SYNC = 0

/**
 * Track local edits of `provider.doc` against the server's acknowledgements.
 *
 * @param {import('y-websocket').WebsocketProvider} provider
 * @param {(tracker: SaveTracker) => void} onChange called whenever `pending` or the
 *   connection changes
 */
export class SaveTracker {
  constructor (provider, onChange) {
    this.provider = provider
    this.onChange = onChange
    /** local edits made so far (each local Yjs transaction that changed the document) */
    this.edits = 0
    /** edits the server is known to hold */
    this.acknowledged = 0
    /** edit count each in-flight probe stands for (at most one) */
    this.inFlight = null
    /** the server's step 1 of the current connection was answered */
    this.serverAsked = false

    provider.doc.on('update', (_update, origin) => {
      if (origin !== provider) {
        this.edits++
        this.probe()
        this.onChange(this)
      }
    })
    provider.on('status', ({ status }) => {
      if (status !== 'connected') {
        this.inFlight = null
        this.serverAsked = false
      }
      this.onChange(this)
    })
    provider.on('sync', () => {
      this.probe()
      this.onChange(this)
    })
    const handleSync = provider.messageHandlers[MESSAGE_SYNC]
    provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, prov, emitSynced, type) => {
      const kind = decoding.peekVarUint(decoder)
      const wasSynced = prov.synced
      handleSync(encoder, decoder, prov, emitSynced, type)
      if (kind === syncProtocol.messageYjsSyncStep1) {
        // The answer (our step 2) goes out right after this handler returns; a probe
        // sent from a later task follows it on the socket.
        this.serverAsked = true
        setTimeout(() => this.probe(), 0)
      } else if (kind === syncProtocol.messageYjsSyncStep2 && wasSynced && this.inFlight !== null) {
        this.acknowledged = Math.max(this.acknowledged, this.inFlight)
        this.inFlight = null
        this.probe()
        this.onChange(this)
      }
    }
  }

  /** Local edits the server is not known to hold yet. */
  get pending () {
    return this.edits - this.acknowledged
  }

  probe () {
    const { provider } = this
    const ws = provider.ws
    if (
      this.pending === 0 || this.inFlight !== null || !this.serverAsked ||
      !provider.wsconnected || !provider.synced || ws === null || ws.readyState !== ws.OPEN
    ) {
      return
    }
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(encoder, provider.doc)
    this.inFlight = this.edits
    ws.send(encoding.toUint8Array(encoder))
  }
}
