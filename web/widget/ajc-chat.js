/*!
 * LevelUpAJC chat widget: the AJC assistant (Rasa REST channel) on any page, with one script tag.
 *   <script src="https://HOST/ajc-chat.js" data-server="https://ASSISTANT" defer></script>
 * Apache-2.0. No dependencies, no build step. See docs/widget.md.
 *
 * Nothing that the person or the assistant writes is ever parsed as HTML: every message is built
 * with createElement and textContent, and links get a validated http(s) href.
 */
(function () {
  "use strict";

  // The only place for the widget's own words. Both languages have the same keys.
  const TEXTS = {
    en: {
      launcher: "Chat with us",
      launcherLabel: "Chat with us: open the job center assistant",
      title: "Job Center Assistant",
      subtitle: "American Job Centers of Chicago and Cook County",
      close: "Close chat",
      restart: "Start over",
      restartLabel: "Start over: clear this conversation",
      languageGroup: "Language",
      log: "Conversation",
      input: "Type your message",
      send: "Send",
      you: "You said:",
      assistant: "The assistant said:",
      quickReplies: "Suggested replies",
      typing: "The assistant is writing…",
      error: "Sorry, we could not reach the assistant. Please check your connection and try again.",
      retry: "Try again",
      newTab: "(opens in a new tab)",
    },
    es: {
      launcher: "Escríbanos",
      launcherLabel: "Escríbanos: abrir el asistente de los Centros de Empleo",
      title: "Asistente de los Centros de Empleo",
      subtitle: "American Job Centers de Chicago y el condado de Cook",
      close: "Cerrar el chat",
      restart: "Empezar de nuevo",
      restartLabel: "Empezar de nuevo: borrar esta conversación",
      languageGroup: "Idioma",
      log: "Conversación",
      input: "Escriba su mensaje",
      send: "Enviar",
      you: "Usted dijo:",
      assistant: "El asistente dijo:",
      quickReplies: "Respuestas sugeridas",
      typing: "El asistente está escribiendo…",
      error: "Disculpe, no pudimos comunicarnos con el asistente. Revise su conexión e inténtelo de nuevo.",
      retry: "Intentar de nuevo",
      newTab: "(se abre en otra pestaña)",
    },
  };
  const LANGUAGE_NAMES = { en: "English", es: "Español" };

  const REQUEST_TIMEOUT_MS = 30000;
  const MAX_STORED_MESSAGES = 200;
  const MAX_MESSAGE_LENGTH = 1000;
  const MAX_LINK_TEXT = 40;

  const CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.ajc { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a; }
button, input { font: inherit; }
button { cursor: pointer; }
:focus { outline: none; }
:focus-visible { outline: 2px solid transparent; box-shadow: 0 0 0 2px #ffffff, 0 0 0 5px #1a1a1a; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
[hidden] { display: none !important; }

.launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; display: flex;
  align-items: center; gap: 8px; min-height: 48px; padding: 10px 18px; border: 0;
  border-radius: 24px; background: #1d4f91; color: #ffffff; font-weight: 600;
  box-shadow: 0 2px 10px rgba(0, 0, 0, 0.3); }
.launcher:hover { background: #15396b; }
.launcher svg { width: 22px; height: 22px; fill: currentColor; flex: none; }

.panel { position: fixed; right: 16px; bottom: 16px; z-index: 2147483001; display: flex;
  flex-direction: column; width: 380px; max-width: calc(100vw - 32px);
  height: 600px; max-height: calc(100vh - 32px); background: #ffffff;
  border: 1px solid #6b7280; border-radius: 12px; overflow: hidden;
  box-shadow: 0 6px 28px rgba(0, 0, 0, 0.3); }

.header { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px; padding: 10px 12px;
  background: #1d4f91; color: #ffffff; }
.heading { flex: 1 1 160px; min-width: 0; }
.title { margin: 0; font-size: 17px; font-weight: 700; line-height: 1.25; }
.subtitle { margin: 0; font-size: 13px; }
.tools { display: flex; align-items: center; gap: 6px; }
.langs { display: flex; border: 1px solid #ffffff; border-radius: 6px; overflow: hidden; }
.langs button { min-height: 36px; padding: 4px 10px; border: 0; background: transparent;
  color: #ffffff; font-size: 14px; }
.langs button[aria-pressed="true"] { background: #ffffff; color: #1d4f91; font-weight: 700; }
.icon { display: inline-flex; align-items: center; justify-content: center; min-width: 36px;
  min-height: 36px; padding: 4px; border: 1px solid transparent; border-radius: 6px;
  background: transparent; color: #ffffff; }
.icon:hover, .langs button[aria-pressed="false"]:hover { background: #15396b; }
.icon svg { width: 20px; height: 20px; fill: currentColor; }

.log { position: relative; flex: 1 1 auto; overflow-y: auto; padding: 12px; display: flex; flex-direction: column;
  gap: 8px; background: #ffffff; }
.msg { max-width: 88%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.msg.bot { align-self: flex-start; background: #f1f3f6; color: #1a1a1a; border-bottom-left-radius: 4px; }
.msg.user { align-self: flex-end; background: #1d4f91; color: #ffffff; border-bottom-right-radius: 4px; }
.msg a { color: #1d4f91; text-decoration: underline; }
.quick { display: flex; flex-wrap: wrap; gap: 6px; }
.quick button { min-height: 40px; padding: 6px 12px; border: 2px solid #1d4f91;
  border-radius: 20px; background: #ffffff; color: #1d4f91; font-weight: 600; text-align: left; }
.quick button:hover { background: #e8eef7; }
.error { align-self: stretch; padding: 8px 12px; border: 1px solid #a4262c; border-radius: 8px;
  background: #fdf1f1; color: #a4262c; }
.error p { margin: 0 0 6px; }
.error button { min-height: 36px; padding: 4px 12px; border: 2px solid #a4262c; border-radius: 6px;
  background: #ffffff; color: #a4262c; font-weight: 600; }
.typing { padding: 0 12px 4px; font-size: 14px; color: #5c5f66; }

.form { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid #6b7280; }
.form input { flex: 1 1 auto; min-width: 0; min-height: 44px; padding: 8px 10px;
  border: 1px solid #6b7280; border-radius: 8px; background: #ffffff; color: #1a1a1a; }
.form input::placeholder { color: #5c5f66; }
.form button { flex: none; min-height: 44px; padding: 8px 14px; border: 0; border-radius: 8px;
  background: #1d4f91; color: #ffffff; font-weight: 600; }
.form button:hover { background: #15396b; }

@media (max-width: 480px) {
  .panel { right: 0; bottom: 0; width: 100vw; max-width: none; height: 100%; max-height: none;
    border: 0; border-radius: 0; }
  .launcher { right: 8px; bottom: 8px; }
  .subtitle { display: none; }
}
@media (forced-colors: active) {
  .msg, .quick button, .error, .launcher, .panel { border: 1px solid CanvasText; }
}
`;

  // Icons as path data, drawn with createElementNS: no markup is ever parsed.
  const ICONS = {
    chat: "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2zm2 5v2h12V8H6zm0 4v2h8v-2H6z",
    close: "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z",
    restart: "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z",
  };

  const script = document.currentScript;
  const data = (script && script.dataset) || {};
  const server = (data.server || (script ? new URL(script.src, location.href).origin : location.origin))
    .replace(/\/+$/, "");
  const endpoint = server + "/webhooks/rest/webhook";
  const initPayload = data.initPayload === undefined ? "/greet" : data.initPayload;
  const storage = pickStorage(data.storage);
  const storageKey = "ajc-chat:v1:" + server;

  /** "es", "es-MX", "ES" -> "es"; anything else -> "en". */
  function languageOf(tag) {
    return /^es(-|_|$)/i.test(String(tag || "").trim()) ? "es" : "en";
  }

  function pickStorage(kind) {
    try {
      const store = kind === "local" ? window.localStorage : window.sessionStorage;
      store.setItem("ajc-chat:probe", "1");
      store.removeItem("ajc-chat:probe");
      return store;
    } catch (e) {
      return null; // Storage blocked: the chat still works, it just forgets on reload.
    }
  }

  function newSenderId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function freshState() {
    return {
      sender: newSenderId(),
      lang: languageOf(data.lang || document.documentElement.getAttribute("lang")),
      open: false,
      messages: [],
    };
  }

  function loadState() {
    try {
      const saved = storage && JSON.parse(storage.getItem(storageKey) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.messages)) {
        return {
          sender: saved.sender,
          lang: saved.lang === "es" ? "es" : "en",
          open: saved.open === true,
          messages: saved.messages.filter(isStoredMessage),
        };
      }
    } catch (e) {
      // A corrupt entry starts a new conversation instead of breaking the page.
    }
    return freshState();
  }

  function isStoredMessage(m) {
    return m && (m.from === "user" || m.from === "bot") && typeof m.text === "string";
  }

  function saveState() {
    if (!storage) return;
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    try {
      storage.setItem(storageKey, JSON.stringify(state));
    } catch (e) {
      // Quota exceeded: keep chatting without persistence.
    }
  }

  const state = loadState();
  const t = (key) => TEXTS[state.lang][key];

  // ---- DOM helpers ---------------------------------------------------------------------------

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function icon(name) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  // ---- Links ---------------------------------------------------------------------------------

  const LINK_PATTERN =
    /\bhttps?:\/\/[^\s<>"'`]+|\bwww\.[^\s<>"'`]+|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:org|gov|com|edu|net|us)\b(?:\/[^\s<>"'`]*)?/gi;

  /** An absolute http(s) URL for a link candidate, or null when it is anything else. */
  function safeHref(candidate) {
    const absolute = /^https?:\/\//i.test(candidate) ? candidate : "https://" + candidate;
    let url;
    try {
      url = new URL(absolute);
    } catch (e) {
      return null;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (url.username || url.password) return null;
    return url.href;
  }

  /** Drop sentence punctuation that ends a URL ("visit LevelUpAJC.org." -> "LevelUpAJC.org"). */
  function trimLink(raw) {
    let end = raw.length;
    while (end > 0) {
      const ch = raw[end - 1];
      if (".,;:!?'\"".includes(ch)) end -= 1;
      else if (ch === ")" && (raw.slice(0, end).match(/\(/g) || []).length <
        (raw.slice(0, end).match(/\)/g) || []).length) end -= 1;
      else break;
    }
    return raw.slice(0, end);
  }

  /** A long URL (a map search, say) shown as "google.com/maps/search/…"; short ones as written. */
  function linkText(raw, href) {
    if (raw.length <= MAX_LINK_TEXT) return raw;
    const url = new URL(href);
    const short = url.hostname.replace(/^www\./, "") + url.pathname;
    return (short.length > MAX_LINK_TEXT ? short.slice(0, MAX_LINK_TEXT - 1) : short) + "…";
  }

  /** Text nodes and <a> elements for a message: the text itself is never parsed as HTML. */
  function linkified(text) {
    const nodes = [];
    let last = 0;
    for (const match of text.matchAll(LINK_PATTERN)) {
      const before = text[match.index - 1];
      if (before === "@" || before === "." || before === "/") continue; // e-mail or path part
      const raw = trimLink(match[0]);
      const href = raw && safeHref(raw);
      if (!href) continue;
      nodes.push(document.createTextNode(text.slice(last, match.index)));
      const link = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" });
      link.textContent = linkText(raw, href);
      link.append(el("span", { className: "sr new-tab", text: " " + t("newTab") }));
      nodes.push(link);
      last = match.index + raw.length;
    }
    nodes.push(document.createTextNode(text.slice(last)));
    return nodes;
  }

  // ---- Build the widget ----------------------------------------------------------------------

  const host = el("div", { id: "ajc-chat", "data-ajc-chat": "" });
  const root = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS); // Constructed sheets also work under a strict style-src CSP.
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el("style", { text: CSS }));
  }

  const launcherText = el("span");
  const launcher = el("button", {
    type: "button",
    className: "launcher",
    "aria-expanded": "false",
    "aria-controls": "ajc-panel",
  }, [icon("chat"), launcherText]);

  const title = el("h2", { className: "title", id: "ajc-title" });
  const subtitle = el("p", { className: "subtitle" });
  const langButtons = {};
  const langs = el("div", { className: "langs", role: "group" });
  for (const code of Object.keys(LANGUAGE_NAMES)) {
    langButtons[code] = el("button", { type: "button", lang: code, text: LANGUAGE_NAMES[code] });
    langButtons[code].addEventListener("click", () => setLanguage(code));
    langs.append(langButtons[code]);
  }
  const restartButton = el("button", { type: "button", className: "icon" }, [icon("restart")]);
  const closeButton = el("button", { type: "button", className: "icon" }, [icon("close")]);
  const header = el("div", { className: "header" }, [
    el("div", { className: "heading" }, [title, subtitle]),
    el("div", { className: "tools" }, [langs, restartButton, closeButton]),
  ]);

  const log = el("div", { className: "log", role: "log", "aria-live": "polite", tabindex: "0" });
  const typing = el("div", { className: "typing", "aria-hidden": "true", hidden: "" });
  const inputLabel = el("label", { className: "sr", for: "ajc-input" });
  const input = el("input", {
    id: "ajc-input",
    type: "text",
    autocomplete: "off",
    enterkeyhint: "send",
    maxlength: String(MAX_MESSAGE_LENGTH),
  });
  const sendButton = el("button", { type: "submit" });
  const form = el("form", { className: "form" }, [inputLabel, input, sendButton]);
  const panel = el("div", {
    className: "panel",
    id: "ajc-panel",
    role: "dialog",
    "aria-labelledby": "ajc-title",
    hidden: "",
  }, [header, log, typing, form]);

  const frame = el("div", { className: "ajc" }, [launcher, panel]);
  root.append(frame);

  /** Put every widget label in the current language (also done after each toggle). */
  function applyLanguage() {
    frame.setAttribute("lang", state.lang);
    launcherText.textContent = t("launcher");
    launcher.setAttribute("aria-label", t("launcherLabel"));
    title.textContent = t("title");
    subtitle.textContent = t("subtitle");
    langs.setAttribute("aria-label", t("languageGroup"));
    for (const [code, button] of Object.entries(langButtons)) {
      button.setAttribute("aria-pressed", String(code === state.lang));
    }
    restartButton.setAttribute("aria-label", t("restartLabel"));
    restartButton.title = t("restart");
    closeButton.setAttribute("aria-label", t("close"));
    closeButton.title = t("close");
    log.setAttribute("aria-label", t("log"));
    inputLabel.textContent = t("input");
    input.placeholder = t("input");
    sendButton.textContent = t("send");
    typing.textContent = t("typing");
    for (const who of root.querySelectorAll(".who")) {
      who.textContent = who.dataset.from === "user" ? t("you") : t("assistant");
    }
    for (const note of root.querySelectorAll(".new-tab")) note.textContent = " " + t("newTab");
    for (const box of root.querySelectorAll(".quick")) box.setAttribute("aria-label", t("quickReplies"));
    for (const box of root.querySelectorAll(".error")) {
      box.querySelector("p").textContent = t("error");
      box.querySelector("button").textContent = t("retry");
    }
  }

  // ---- Messages ------------------------------------------------------------------------------

  function renderMessage(message) {
    const who = el("span", { className: "sr who", "data-from": message.from });
    who.textContent = message.from === "user" ? t("you") : t("assistant");
    const body = message.from === "bot" ? linkified(message.text) : [message.text];
    const node = el("div", { className: "msg " + message.from }, [who, ...body]);
    log.append(node);
    return node;
  }

  function renderQuickReplies(buttons) {
    const valid = (buttons || []).filter(
      (b) => b && typeof b.title === "string" && typeof b.payload === "string");
    if (!valid.length) return;
    const box = el("div", { className: "quick", role: "group", "aria-label": t("quickReplies") });
    for (const button of valid) {
      const node = el("button", { type: "button", text: button.title });
      node.addEventListener("click", () => {
        send(button.payload, button.title);
        input.focus();
      });
      box.append(node);
    }
    log.append(box);
  }

  function clearQuickReplies() {
    for (const box of root.querySelectorAll(".quick")) box.remove();
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function renderHistory() {
    log.replaceChildren();
    for (const message of state.messages) renderMessage(message);
    const last = state.messages[state.messages.length - 1];
    if (last && last.from === "bot") renderQuickReplies(last.buttons);
    scrollToEnd();
  }

  function remember(message) {
    state.messages.push(message);
    saveState();
  }

  // ---- Talking to the assistant --------------------------------------------------------------

  let queue = Promise.resolve();
  let pending = 0;

  async function post(body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        credentials: "omit",
        signal: controller.signal,
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const replies = await response.json();
      if (!Array.isArray(replies)) throw new Error("unexpected reply");
      return replies;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Send one message to the assistant, then show its replies or a polite error with a retry. */
  async function deliver(body) {
    pending += 1;
    typing.hidden = false;
    try {
      const replies = await post(body);
      if (body.sender !== state.sender) return; // The person started over meanwhile.
      let first = null;
      for (const reply of replies) {
        if (!reply || typeof reply.text !== "string") continue;
        const buttons = (reply.buttons || [])
          .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
          .map((b) => ({ title: b.title, payload: b.payload }));
        const message = { from: "bot", text: reply.text, buttons: buttons };
        remember(message);
        clearQuickReplies();
        const node = renderMessage(message);
        first = first || node;
        renderQuickReplies(buttons);
      }
      // Show the start of a long answer rather than its end; a short one ends at the bottom.
      if (first) log.scrollTop = first.offsetTop - 12;
    } catch (e) {
      showError(body);
      scrollToEnd();
    } finally {
      pending -= 1;
      typing.hidden = pending === 0;
    }
  }

  function showError(body) {
    const retry = el("button", { type: "button", text: t("retry") });
    const box = el("div", { className: "error" }, [el("p", { text: t("error") }), retry]);
    retry.addEventListener("click", () => {
      box.remove();
      input.focus();
      queue = queue.then(() => deliver(body));
    });
    log.append(box);
  }

  /**
   * Send ``payload`` to the assistant; ``shown`` is what appears as the person's message
   * (a button's title instead of its "/intent" payload; null shows nothing).
   * ``withLanguage`` adds the website's language as metadata, which the assistant uses to set
   * the conversation language.
   */
  function send(payload, shown, withLanguage) {
    clearQuickReplies();
    if (shown !== null) {
      const message = { from: "user", text: shown };
      remember(message);
      renderMessage(message);
      scrollToEnd();
    }
    const body = { sender: state.sender, message: payload };
    if (withLanguage) body.metadata = { language: state.lang };
    queue = queue.then(() => deliver(body));
  }

  function languagePayload(intent) {
    return intent + JSON.stringify({ language: state.lang });
  }

  /** The first message of a conversation: a greeting in the page's language, with its buttons. */
  function startConversation() {
    if (state.messages.length || !initPayload || initPayload === "none") return;
    send(initPayload.includes("{") ? initPayload : languagePayload(initPayload), null, true);
  }

  function setLanguage(code) {
    if (code === state.lang) return;
    state.lang = code;
    applyLanguage();
    saveState();
    if (state.messages.length) send(languagePayload("/change_language"), null, true);
    else startConversation();
  }

  // ---- Open, close, keyboard -----------------------------------------------------------------

  function open() {
    state.open = true;
    saveState();
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    scrollToEnd();
    input.focus();
    startConversation();
  }

  function close() {
    state.open = false;
    saveState();
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  function restart() {
    const lang = state.lang;
    Object.assign(state, freshState(), { lang: lang, open: true });
    saveState();
    renderHistory();
    input.focus();
    startConversation();
  }

  launcher.addEventListener("click", open);
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", restart);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, text, state.messages.length === 0);
  });

  applyLanguage();
  renderHistory();
  if (state.open) {
    // Restored open across a page load: show it, but do not steal the page's focus.
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
  }
  const mount = () => {
    document.body.append(host);
    scrollToEnd();
  };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
