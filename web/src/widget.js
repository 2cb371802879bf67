// The salon's chat widget: a small panel that talks to Rasa's `socketio` channel.
//
// Put it on a page with
//   <link rel="stylesheet" href="widget.css">
//   <script src="widget.js" data-server="https://chat.your-salon.example" defer></script>
// (or set window.SCALP_CARE = {server: "..."} before it loads).
//
// The server issues the conversation's id (`session_confirm`, a signed token) and the
// widget sends it back with `session_request` on every connection; Rasa keeps the
// conversation (the tracker) under it, but it does not send old messages back. The widget keeps
// the visible history itself, in this browser's localStorage, next to the session id,
// for `historyDays` days (data-history-days, window.SCALP_CARE.historyDays; default 7,
// 0: nothing kept). It is dropped when the client is forgotten: at once after "forget
// me" in the chat (the server's `{"scalp_care": "forgotten"}`), and on the next
// connection after staff erased them (the server then issues a new conversation id).
// While a person from the salon has the conversation (`{"scalp_care": "handoff"}` until
// `"assistant_back"`), it shows a note instead of typing dots.
// Every text from the user or the bot is put on the page with textContent, never
// parsed as HTML.
import { io } from "socket.io-client";

const STORAGE_KEY = "scalp-care-chat";
const MAX_STORED_MESSAGES = 200;
const TYPING_TIMEOUT_MS = 30000;
const DEFAULT_HISTORY_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

function serverUrl(script) {
  const fromAttribute = script && script.dataset ? script.dataset.server : "";
  const fromConfig = (window.SCALP_CARE || {}).server;
  return fromAttribute || fromConfig || `${location.protocol}//${location.hostname}:5005`;
}

function historyDays(script) {
  const fromAttribute = script && script.dataset ? script.dataset.historyDays : undefined;
  const value = Number(fromAttribute ?? (window.SCALP_CARE || {}).historyDays ?? DEFAULT_HISTORY_DAYS);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_HISTORY_DAYS;
}

// Messages older than the history period (or from before messages were dated) are dropped.
function loadState(keepMs) {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
    if (stored && Array.isArray(stored.messages)) {
      const now = Date.now();
      return {
        sessionId: typeof stored.sessionId === "string" ? stored.sessionId : null,
        waitingForStaff: Boolean(stored.waitingForStaff),
        messages: stored.messages.filter(
          (message) => message && typeof message.at === "number" && now - message.at <= keepMs,
        ),
        open: Boolean(stored.open),
      };
    }
  } catch (_error) {
    // A broken entry starts a new conversation.
  }
  return { sessionId: null, messages: [], open: false, waitingForStaff: false };
}

function el(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function createWidget(script) {
  const keepMs = historyDays(script) * DAY_MS;
  const state = loadState(keepMs);
  const save = () => {
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    try {
      const kept = keepMs > 0 ? state.messages : [];
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...state, messages: kept }));
    } catch (_error) {
      // Private mode or a full storage: the chat still works, without history.
    }
  };

  // --- DOM -------------------------------------------------------------------
  const launcher = el("button", {
    type: "button",
    class: "sc-launcher",
    "aria-controls": "sc-panel",
    "aria-expanded": "false",
  }, "Chat with our scalp-care assistant");
  const panel = el("section", {
    id: "sc-panel",
    class: "sc-panel",
    "aria-label": "Chat with the salon's scalp-care assistant",
  });
  panel.hidden = true;
  const header = el("header", { class: "sc-header" });
  const title = el("h2", { class: "sc-title", id: "sc-title" }, "Scalp-care assistant");
  const restart = el("button", { type: "button", class: "sc-restart" }, "New conversation");
  const close = el("button", { type: "button", class: "sc-close", "aria-label": "Close chat" }, "×");
  header.append(title, restart, close);
  const notice = el(
    "p",
    { class: "sc-notice" },
    "An automated assistant, not a doctor: this isn't medical advice.",
  );
  const log = el("div", {
    class: "sc-log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": "Conversation",
    tabindex: "0",
  });
  const typing = el("div", { class: "sc-typing", role: "status", "aria-live": "polite" });
  typing.hidden = true;
  const typingText = el("span", { class: "sc-visually-hidden" }, "The assistant is typing");
  typing.append(typingText, el("span", { class: "sc-dot", "aria-hidden": "true" }),
    el("span", { class: "sc-dot", "aria-hidden": "true" }),
    el("span", { class: "sc-dot", "aria-hidden": "true" }));
  // While a person from the salon has the conversation: no typing dots, this note instead.
  const staffNote = el(
    "p",
    { class: "sc-staff-note", role: "status" },
    "A person from the salon will reply here.",
  );
  staffNote.hidden = !state.waitingForStaff;
  const status = el("div", { class: "sc-status", role: "alert" });
  status.hidden = true;
  const statusText = el("span", { class: "sc-status-text" });
  const retry = el("button", { type: "button", class: "sc-retry" }, "Try again now");
  status.append(statusText, retry);
  const form = el("form", { class: "sc-form" });
  const label = el("label", { for: "sc-input", class: "sc-visually-hidden" }, "Your message");
  const input = el("input", {
    id: "sc-input",
    class: "sc-input",
    type: "text",
    autocomplete: "off",
    maxlength: "1000",
    placeholder: "Type your message…",
  });
  const send = el("button", { type: "submit", class: "sc-send" }, "Send");
  form.append(label, input, send);
  panel.append(header, notice, log, typing, staffNote, status, form);
  document.body.append(launcher, panel);

  // --- rendering ---------------------------------------------------------------
  function renderQuickReplies(message, bubble) {
    const group = el("div", { class: "sc-quick-replies", role: "group", "aria-label": "Choices" });
    for (const reply of message.quickReplies) {
      const button = el("button", { type: "button", class: "sc-quick-reply" }, reply.title);
      button.addEventListener("click", () => userSays(reply.payload, reply.title));
      group.append(button);
    }
    bubble.after(group);
  }

  function render(message) {
    const bubble = el("div", { class: `sc-message sc-${message.from}` });
    const who = el("span", { class: "sc-visually-hidden" }, message.from === "user" ? "You: " : "Assistant: ");
    bubble.append(who);
    if (message.text) bubble.append(el("span", { class: "sc-text" }, message.text));
    if (message.image) {
      const image = el("img", { class: "sc-image", alt: "" });
      image.src = message.image;
      bubble.append(image);
    }
    log.append(bubble);
    if (message.quickReplies && message.quickReplies.length && message.active) {
      renderQuickReplies(message, bubble);
    }
    log.scrollTop = log.scrollHeight;
  }

  function retireQuickReplies() {
    for (const group of log.querySelectorAll(".sc-quick-replies")) group.remove();
    for (const message of state.messages) delete message.active;
  }

  function add(message) {
    message.at = Date.now();
    state.messages.push(message);
    save();
    render(message);
  }

  // --- connection --------------------------------------------------------------
  let ready = false; // connected and the session confirmed on this connection
  const pending = [];
  let typingTimer = null;

  function setStatus(text) {
    statusText.textContent = text || "";
    status.hidden = !text;
  }

  function showTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(() => showTyping(false), TYPING_TIMEOUT_MS);
  }

  const socket = io(serverUrl(script), {
    autoConnect: false,
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10000,
  });

  socket.on("connect", () => {
    socket.emit("session_request", { session_id: state.sessionId });
  });

  socket.on("session_confirm", (sessionId) => {
    const id = typeof sessionId === "string" ? sessionId : (sessionId || {}).session_id;
    // The server issues the conversation's id; a different one than stored means a new
    // conversation (the stored one was refused), so its old history is not shown.
    if (id && state.sessionId && id !== state.sessionId) {
      state.messages = [];
      log.replaceChildren();
      state.waitingForStaff = false; // a new conversation: nobody from the salon has it
      staffNote.hidden = true;
    }
    if (id) state.sessionId = id;
    save();
    ready = true;
    setStatus("");
    while (pending.length) emitMessage(pending.shift());
  });

  socket.on("connect_error", () => {
    ready = false;
    setStatus("We can't reach the assistant right now. We'll keep trying; you can also call the salon.");
    showTyping(false);
  });

  socket.on("disconnect", (reason) => {
    ready = false;
    if (reason !== "io client disconnect") {
      setStatus("The connection to the assistant was lost. Reconnecting…");
    }
  });

  // The client was forgotten: only the reply that says so stays, here and in storage,
  // and a handoff that was waiting went with the rest (staff erased it too).
  function forgetHistory() {
    const last = state.messages.filter((message) => message.from === "bot").slice(-1);
    state.messages = last;
    state.waitingForStaff = false;
    staffNote.hidden = true;
    log.replaceChildren();
    for (const message of last) render(message);
    save();
  }

  socket.on("bot_uttered", (data) => {
    showTyping(false);
    if (!data || typeof data !== "object") return;
    if (data.scalp_care === "forgotten") {
      forgetHistory();
      return;
    }
    if (data.scalp_care === "handoff" || data.scalp_care === "assistant_back") {
      state.waitingForStaff = data.scalp_care === "handoff";
      staffNote.hidden = !state.waitingForStaff;
      save();
      return;
    }
    const message = { from: "bot" };
    if (typeof data.text === "string") message.text = data.text;
    const attachment = data.attachment || {};
    if (attachment.type === "image" && attachment.payload && typeof attachment.payload.src === "string") {
      message.image = attachment.payload.src;
    }
    const replies = Array.isArray(data.quick_replies) ? data.quick_replies : [];
    message.quickReplies = replies
      .filter((reply) => reply && typeof reply.title === "string")
      .map((reply) => ({ title: reply.title, payload: String(reply.payload ?? reply.title) }));
    if (message.quickReplies.length) {
      retireQuickReplies();
      message.active = true;
    }
    if (message.text || message.image || message.quickReplies.length) add(message);
  });

  function emitMessage(payload) {
    socket.emit("user_uttered", { message: payload, session_id: state.sessionId });
  }

  function userSays(payload, shown) {
    const text = (shown || payload).trim();
    if (!text) return;
    retireQuickReplies();
    add({ from: "user", text });
    showTyping(!state.waitingForStaff);
    if (ready) emitMessage(payload);
    else pending.push(payload);
    input.focus();
  }

  // --- controls ------------------------------------------------------------------
  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    state.open = open;
    save();
    if (open) {
      if (!socket.connected) socket.connect();
      input.focus();
    }
  }

  launcher.addEventListener("click", () => setOpen(panel.hidden));
  close.addEventListener("click", () => {
    setOpen(false);
    launcher.focus();
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      setOpen(false);
      launcher.focus();
    }
  });
  retry.addEventListener("click", () => {
    socket.disconnect();
    socket.connect();
  });
  // A new conversation keeps the id (so that "forget me" can still erase what was said)
  // and starts over on the server; the history shown here is cleared.
  restart.addEventListener("click", () => {
    state.messages = [];
    log.replaceChildren();
    save();
    retireQuickReplies();
    showTyping(true);
    if (ready) emitMessage("/restart");
    else pending.push("/restart");
    if (!socket.connected) socket.connect();
    input.focus();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    userSays(text);
  });

  for (const message of state.messages) render(message);
  if (state.open) setOpen(true);
  return { socket, state };
}

const currentScript = document.currentScript;
function start() {
  window.scalpCareChat = createWidget(currentScript);
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
