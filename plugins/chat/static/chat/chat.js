// The room page: shows the history, pages back on "Load earlier messages", and keeps up
// live over the chat websocket (protocol: docs/chat.md). Reconnects by itself and asks for
// what it missed (the last id it saw). Message HTML comes sanitized from the server; all
// other text is set with textContent.
const config = JSON.parse(document.getElementById("chat-config").textContent);
const strings = config.strings;
const list = document.getElementById("chat-messages");
const status = document.getElementById("chat-status");
const errorBox = document.getElementById("chat-error");
const input = document.getElementById("chat-input");
const composer = document.getElementById("chat-composer");
const moreButton = document.getElementById("chat-more");
const threadForm = document.getElementById("chat-thread-form");
const lang = document.getElementById("chat").dataset.lang;
const byId = new Map();
let socket = null;
let retryDelay = 500;
let lastUpdated = "";
let nextRef = 1;
const pending = new Map();

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showError(text) {
  errorBox.textContent = text;
  errorBox.hidden = !text;
}

function setStatus(state) {
  status.dataset.state = state;
  status.textContent = strings[state];
}

function lastId() {
  let last = 0;
  for (const id of byId.keys()) last = Math.max(last, id);
  return last;
}

function render(message) {
  const item = element("li", "chat-message");
  item.id = `message-${message.id}`;
  item.dataset.id = message.id;
  if (message.own) item.classList.add("chat-own");
  const header = element("div", "chat-meta");
  if (threadForm && !message.deleted) {
    const pick = element("input", "chat-pick");
    pick.type = "checkbox";
    pick.title = strings.select;
    pick.setAttribute("aria-label", strings.select);
    pick.addEventListener("change", updateSelection);
    header.append(pick);
  }
  const author = element("strong", "chat-author", message.author.name);
  if (message.author.department) author.title = message.author.department;
  header.append(author, " ", element("time", "muted", new Date(message.created_at).toLocaleString(lang)));
  if (message.has_edits) {
    // "edited" for an edited message, "Edit log" for one deleted without edits before.
    const log = element("button", "link chat-log", message.edited ? strings.edited : strings.history);
    log.type = "button";
    log.addEventListener("click", () => showEdits(message.id, item));
    header.append(" ", log);
  }
  if (message.own && !message.deleted) {
    const edit = element("button", "link", strings.edit);
    edit.type = "button";
    edit.addEventListener("click", () => startEdit(message, item));
    const remove = element("button", "link danger", strings.delete);
    remove.type = "button";
    remove.addEventListener("click", () => {
      if (window.confirm(strings.confirmDelete)) send({ type: "delete", message: message.id });
    });
    header.append(" ", edit, " ", remove);
  }
  item.append(header);
  if (message.deleted) {
    item.append(element("p", "muted chat-deleted", strings.deleted));
    return item;
  }
  const body = element("div", "markdown chat-body");
  body.innerHTML = message.html; // sanitized by the server (hub.core.markdown)
  item.append(body);
  if (message.attachment) {
    const file = element("a", "chat-file");
    file.href = message.attachment.url;
    if (message.attachment.image) {
      const image = element("img");
      image.src = message.attachment.url;
      image.alt = message.attachment.name;
      file.append(image);
    } else {
      file.textContent = `📎 ${message.attachment.name}`;
    }
    item.append(file);
  }
  for (const preview of message.previews) {
    const card = element("div", "chat-preview");
    const title = element("a", "chat-preview-title", preview.title);
    title.href = preview.url;
    card.append(title, element("div", "muted", preview.space), element("p", "chat-preview-text", preview.excerpt));
    item.append(card);
  }
  return item;
}

function upsert(message) {
  const known = byId.get(message.id);
  if (known && known.updated_at > message.updated_at) return;
  byId.set(message.id, message);
  if (message.updated_at > lastUpdated) lastUpdated = message.updated_at;
  const node = render(message);
  const old = document.getElementById(node.id);
  if (old) {
    old.replaceWith(node);
    return;
  }
  const after = [...list.children].find((child) => Number(child.dataset.id) > message.id);
  list.insertBefore(node, after || null);
}

function atBottom() {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
}

function addMessages(messages, scroll) {
  const follow = scroll || atBottom();
  messages.forEach(upsert);
  if (follow) list.scrollTop = list.scrollHeight;
}

function markRead() {
  const last = lastId();
  if (last && document.visibilityState === "visible") send({ type: "read", room: config.room, message: last });
}

function updateNav(total) {
  const link = document.querySelector('a[data-nav="chat"]');
  if (link) link.textContent = total ? strings.navCount.replace("%(count)d", total) : strings.nav;
}

function send(frame) {
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    showError(strings.disconnected);
    return null;
  }
  const ref = String(nextRef++);
  socket.send(JSON.stringify({ ...frame, ref }));
  return ref;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws/chat/?lang=${encodeURIComponent(lang)}`);
  setStatus("connecting");
  socket.addEventListener("open", () => {
    retryDelay = 500;
    const join = { type: "join", room: config.room, since: lastId() };
    if (lastUpdated) join.changed_since = lastUpdated;
    socket.send(JSON.stringify(join));
  });
  socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
  socket.addEventListener("close", (event) => {
    setStatus("disconnected");
    if (event.code === 4401) return; // logged out or deactivated: reconnecting cannot help
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  });
}

function handle(frame) {
  switch (frame.type) {
    case "joined":
      setStatus("connected");
      addMessages(frame.messages, true);
      if (frame.more) location.reload(); // missed more than a reconnect sends
      markRead();
      break;
    case "message":
      addMessages([frame.message], frame.message.own);
      if (!frame.message.own) markRead();
      break;
    case "ack":
      if (pending.has(frame.ref)) {
        pending.get(frame.ref)();
        pending.delete(frame.ref);
      }
      showError("");
      break;
    case "unread":
      updateNav(frame.total);
      break;
    case "error":
      pending.delete(frame.ref);
      showError(frame.message);
      if (frame.code === "forbidden" || (frame.code === "not_found" && !frame.ref)) {
        composer.querySelector("button").disabled = true;
        input.disabled = true;
      }
      break;
  }
}

function submitMessage() {
  const body = input.value.trim();
  if (!body) return;
  const ref = send({ type: "send", room: config.room, body });
  if (ref) pending.set(ref, () => { input.value = ""; });
}

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  submitMessage();
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submitMessage();
  }
});

function startEdit(message, item) {
  const body = item.querySelector(".chat-body");
  const form = element("form", "chat-edit");
  const area = element("textarea");
  area.value = message.body;
  area.rows = 3;
  const save = element("button", "primary", strings.save);
  const cancel = element("button", "", strings.cancel);
  cancel.type = "button";
  cancel.addEventListener("click", () => upsert(byId.get(message.id)));
  form.append(area, save, cancel);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send({ type: "edit", message: message.id, body: area.value });
  });
  body.replaceWith(form);
  area.focus();
}

async function showEdits(id, item) {
  const response = await fetch(config.editsUrl.replace("/0/", `/${id}/`));
  if (!response.ok) return;
  const data = await response.json();
  item.querySelector(".chat-edits")?.remove();
  const log = element("ol", "chat-edits muted");
  for (const edit of data.edits) {
    const entry = element("li");
    entry.append(element("span", "", `${new Date(edit.at).toLocaleString(lang)} ${edit.label}: `), element("q", "", edit.body));
    log.append(entry);
  }
  item.append(log);
}

moreButton.addEventListener("click", async () => {
  const first = Math.min(...byId.keys());
  const response = await fetch(`${config.historyUrl}?before=${first}`);
  if (!response.ok) return;
  const data = await response.json();
  const height = list.scrollHeight;
  data.messages.forEach(upsert);
  list.scrollTop += list.scrollHeight - height;
  moreButton.hidden = !data.more;
});

document.getElementById("chat-file").addEventListener("change", async (event) => {
  const form = event.target.form;
  const response = await fetch(config.attachUrl, {
    method: "POST",
    body: new FormData(form),
    headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
  });
  const data = await response.json().catch(() => ({}));
  if (response.ok) {
    addMessages([data.message], true);
    showError("");
  } else {
    showError(data.message || strings.uploadFailed);
  }
  form.reset();
});

function updateSelection() {
  const picked = [...list.querySelectorAll(".chat-pick:checked")].map((box) => Number(box.closest("li").dataset.id));
  const note = document.getElementById("chat-selection");
  threadForm.querySelector("button[type=submit]").disabled = picked.length === 0;
  note.textContent = picked.length ? strings.selected.replace("%(count)d", picked.length) : note.dataset.empty;
  if (picked.length) {
    threadForm.elements.first.value = Math.min(...picked);
    threadForm.elements.last.value = Math.max(...picked);
  }
}

document.addEventListener("visibilitychange", markRead);
addMessages(config.messages, true);
moreButton.hidden = !config.more;
const target = location.hash && document.querySelector(location.hash);
if (target) target.scrollIntoView();
connect();
