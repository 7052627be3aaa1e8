/**
 * The live co-editor of a document page: CodeMirror 6 with Markdown, bound with
 * y-codemirror.next to the shared `Y.Text` named "content", synced with y-websocket.
 *
 * Everything page-specific comes from the JSON script tag `#collab-config` that
 * `collab/editor.html` renders: the websocket URL and room, the user's name and colour
 * (shown to others as the awareness state `user`), whether the viewer may only read,
 * and every UI string (translated by Django). The status element `#collab-status`
 * shows, and carries as `data-state`, one of:
 *   connecting — not connected yet (first connection);
 *   saving     — connected, some local edits not yet acknowledged (see save-state.js);
 *   saved      — connected and synced, the server holds every local edit;
 *   offline    — the connection dropped; edits stay local and merge on reconnect;
 *   closed     — the server refused the connection for good (no access, no document…).
 */
import { defaultKeymap, indentWithTab } from '@codemirror/commands'
import { markdown } from '@codemirror/lang-markdown'
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { EditorState } from '@codemirror/state'
import {
  EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers
} from '@codemirror/view'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

import { SaveTracker } from './save-state.js'

// 4423 (room unavailable) is temporary: retry it; every other 44xx is final.
const RETRY_CODES = new Set([4423])

const config = JSON.parse(document.getElementById('collab-config').textContent)
const { strings } = config
const statusElement = document.getElementById('collab-status')
const peopleElement = document.getElementById('collab-people')

const ydoc = new Y.Doc()
const ytext = ydoc.getText('content')
const provider = new WebsocketProvider(config.wsUrl, config.room, ydoc, {
  disableBc: true,
  shouldReconnect: (event) => event.code < 4400 || event.code >= 4500 || RETRY_CODES.has(event.code)
})
const { awareness } = provider
if (config.readOnly) {
  // The server drops a viewer's awareness: send none (viewers are not listed).
  awareness.setLocalState(null)
} else {
  awareness.setLocalStateField('user', {
    name: config.user.name,
    color: config.user.color,
    colorLight: config.user.color + '33'
  })
}

let everConnected = false
let closedCode = null

function showStatus (state, text) {
  statusElement.dataset.state = state
  statusElement.textContent = text
}

function updateStatus (tracker) {
  if (closedCode !== null) {
    showStatus('closed', strings.closed[closedCode] || strings.closed.default)
  } else if (!provider.wsconnected) {
    showStatus(everConnected ? 'offline' : 'connecting', everConnected ? strings.offline : strings.connecting)
  } else if (!provider.synced || tracker.pending > 0) {
    showStatus(provider.synced ? 'saving' : 'connecting', provider.synced ? strings.saving : strings.connecting)
  } else {
    showStatus('saved', strings.saved)
  }
}

const tracker = new SaveTracker(provider, updateStatus)
provider.on('status', ({ status }) => {
  if (status === 'connected') everConnected = true
})
provider.on('closed', ({ code }) => {
  closedCode = String(code)
  updateStatus(tracker)
})

function renderPeople () {
  const entries = [...awareness.getStates().entries()]
    .filter(([, state]) => state.user)
    .sort(([a], [b]) => (a === ydoc.clientID ? -1 : b === ydoc.clientID ? 1 : a - b))
  peopleElement.replaceChildren(...entries.map(([clientId, { user }]) => {
    const item = document.createElement('li')
    const swatch = document.createElement('span')
    swatch.className = 'collab-swatch'
    swatch.style.backgroundColor = user.color
    item.append(swatch, clientId === ydoc.clientID ? `${user.name} ${strings.you}` : user.name)
    return item
  }))
}
awareness.on('change', renderPeople)
renderPeople()

// Remote carets always show their owner's name, not only on hover.
const namesTheme = EditorView.theme({
  '.cm-ySelectionInfo': { opacity: 1, fontFamily: 'inherit' }
})

const view = new EditorView({
  parent: document.getElementById('collab-cm'),
  state: EditorState.create({
    doc: ytext.toString(),
    extensions: [
      lineNumbers(),
      drawSelection(),
      highlightActiveLine(),
      EditorView.lineWrapping,
      markdown(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      // yCollab's Y.UndoManager tracks only this user's own edits: undo is per user.
      keymap.of([...yUndoManagerKeymap, ...defaultKeymap, indentWithTab]),
      yCollab(ytext, awareness),
      namesTheme,
      EditorState.readOnly.of(config.readOnly),
      EditorView.editable.of(!config.readOnly),
      EditorView.contentAttributes.of({ 'aria-label': strings.editorLabel })
    ]
  })
})

// For the browser tests and the console: the live objects of this page.
window.hubCollab = { ydoc, provider, view, tracker }
updateStatus(tracker)
