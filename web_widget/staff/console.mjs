// The staff console: sign in, live queue, claimed conversations (docs/handoff.md).
// Everything from users or staff is rendered as text (textContent), never as markup.
// Log entries carry their stream id: the console keeps the last id per conversation
// (in memory only) and resumes from it after a reconnect, dropping any repeat.

const $ = (selector, root = document) => root.querySelector(selector);
// While the counsellor types, the user's widget is told at most this often (no text is sent).
const TYPING_INTERVAL_MS = 3000;

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'onclick') element.addEventListener('click', value);
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) element.append(child);
  return element;
}

function format(template, values) {
  return String(template ?? '').replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ''));
}

class StaffConsole {
  constructor(strings) {
    this.s = strings;
    this.socket = null;
    this.retryMs = 1000;
    this.cursors = new Map(); // conversation id -> last log id shown
    this.seen = new Map(); // conversation id -> Set of log ids shown
    this.outcomes = [];
    this.online = [];
    this.username = '';
    this.messageCounter = 0;
    this.typingSentAt = new Map(); // conversation id -> time the last typing frame was sent
    this.pageId = crypto.randomUUID().slice(0, 8); // message ids unique across page loads
  }

  async start() {
    $('[data-hw-staff-login]').addEventListener('submit', (event) => this.login(event));
    $('[data-hw-staff-logout]').addEventListener('click', () => this.logout());
    const me = await fetch('/api/v1/staff/me', { credentials: 'same-origin' });
    if (me.ok) this.signedIn((await me.json()).username);
    else $('[data-hw-staff-login]').hidden = false;
  }

  async login(event) {
    event.preventDefault();
    const error = $('[data-hw-staff-login-error]');
    error.textContent = '';
    const response = await fetch('/api/v1/staff/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: $('[data-hw-staff-username]').value.trim(),
        password: $('[data-hw-staff-password]').value,
      }),
    });
    $('[data-hw-staff-password]').value = '';
    if (response.status === 204) {
      const me = await fetch('/api/v1/staff/me', { credentials: 'same-origin' });
      this.signedIn((await me.json()).username);
      return;
    }
    const body = await response.json().catch(() => ({}));
    error.textContent = body?.detail?.message || this.s.login_failed;
  }

  async logout() {
    await fetch('/api/v1/staff/logout', { method: 'POST', credentials: 'same-origin' });
    location.replace('/staff');
  }

  signedIn(username) {
    this.username = username;
    $('[data-hw-staff-login]').hidden = true;
    $('[data-hw-staff-main]').hidden = false;
    $('[data-hw-staff-logout]').hidden = false;
    const whoami = $('[data-hw-staff-whoami]');
    whoami.hidden = false;
    whoami.textContent = format(this.s.signed_in_as, { username });
    this.connect();
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/ws/staff`);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.retryMs = 1000;
      $('[data-hw-staff-connection]').textContent = this.s.connected;
      socket.send(JSON.stringify({ type: 'hello', cursors: Object.fromEntries(this.cursors) }));
    });
    socket.addEventListener('message', (event) => this.onFrame(JSON.parse(event.data)));
    socket.addEventListener('close', async () => {
      if (this.socket !== socket) return;
      $('[data-hw-staff-connection]').textContent = this.s.reconnecting;
      // Signed out (account deactivated or expired, session ended): back to the sign-in form.
      const me = await fetch('/api/v1/staff/me', { credentials: 'same-origin' }).catch(() => null);
      if (me?.status === 401) {
        location.replace('/staff');
        return;
      }
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10000);
    });
  }

  send(frame) {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  notice(text) {
    $('[data-hw-staff-notice]').textContent = text;
  }

  onFrame(frame) {
    switch (frame.type) {
      case 'welcome': this.outcomes = frame.outcomes || []; break;
      case 'queue': this.renderQueue(frame.items || []); break;
      case 'staff_online': this.online = frame.usernames || []; this.renderOnline(); break;
      case 'conversation': this.renderConversation(frame); break;
      case 'log': this.addEntry(frame); break;
      case 'typing': this.showTyping(frame.conversation_id); break;
      case 'user_presence': this.showPresence(frame); break;
      case 'claim_failed': this.notice(this.s.claim_failed); break;
      case 'released': this.release(frame); break;
      case 'error': this.notice(frame.message || frame.code); break;
      default: break;
    }
  }

  renderQueue(items) {
    const list = $('[data-hw-staff-queue]');
    list.replaceChildren(...items.map((item) => h('li', { 'data-hw-queue-item': item.conversation_id },
      item.risk ? h('span', { class: 'hs-risk' }, this.s.risk) : '',
      ' ',
      h('strong', {}, `${item.language_name} (${item.language})`),
      ` · ${format(this.s.topic, { topic: item.topic })} · ${format(this.s.waited, { minutes: Math.floor(item.waited_seconds / 60) })} `,
      h('button', { type: 'button', class: 'hs-button', 'data-hw-claim': item.conversation_id,
        onclick: () => this.send({ type: 'claim', conversation_id: item.conversation_id }) }, this.s.claim))));
    $('[data-hw-staff-queue-empty]').hidden = items.length > 0;
  }

  renderOnline() {
    $('[data-hw-staff-online]').replaceChildren(...this.online.map((name) => h('li', {}, name)));
    for (const select of document.querySelectorAll('[data-hw-transfer-to]')) this.fillTransfer(select);
  }

  fillTransfer(select) {
    select.replaceChildren(...this.online.filter((name) => name !== this.username)
      .map((name) => h('option', { value: name }, name)));
  }

  panel(conversationId) {
    return document.querySelector(`[data-hw-conversation="${CSS.escape(conversationId)}"]`);
  }

  renderConversation(frame) {
    const id = frame.conversation_id;
    if (!this.seen.has(id)) this.seen.set(id, new Set());
    if (this.panel(id)) return; // a reconnect: the panel and its log are still here
    const s = this.s;
    const log = h('div', { class: 'hs-log', 'data-hw-log': '', 'aria-live': 'polite' });
    const input = h('textarea', { rows: 2, 'data-hw-staff-input': '', 'aria-label': s.message_label, maxlength: 1000, dir: 'auto' });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); this.sendMessage(id, input); }
    });
    input.addEventListener('input', () => this.typing(id));
    const phrases = frame.phrases || { phrases: [] };
    const transfer = h('select', { 'data-hw-transfer-to': '', 'aria-label': s.transfer_label });
    this.fillTransfer(transfer);
    const outcome = h('select', { 'data-hw-outcome': '', 'aria-label': s.outcome_label },
      ...this.outcomes.map((item) => h('option', { value: item.code }, item.nl)));
    const transcript = frame.consent
      ? h('details', { class: 'hs-transcript', 'data-hw-transcript': '', open: true }, h('summary', {}, s.transcript),
        ...(frame.transcript || []).map((line) => h('p', { class: 'hs-entry', 'data-hw-transcript-from': line.from, dir: 'auto' },
          `${line.from === 'user' ? s.from_user : s.from_bot}: `, line.text)))
      : h('p', { 'data-hw-no-consent': '' }, s.consent_no);
    const panel = h('article', { class: 'hs-conversation', 'data-hw-conversation': id },
      h('p', { class: 'hs-language', 'data-hw-language-label': frame.language },
        format(s.language_label, { name: frame.language_name, code: frame.language }),
        frame.dir === 'rtl' ? ` (${s.rtl_note})` : ''),
      h('p', {}, format(s.topic, { topic: frame.topic }), frame.risk ? ' ' : '', frame.risk ? h('span', { class: 'hs-risk' }, s.risk) : ''),
      frame.consent ? h('p', { 'data-hw-consent': '' }, s.consent_yes) : '',
      transcript,
      log,
      h('p', { 'data-hw-typing': '', hidden: true }, s.typing),
      h('p', { 'data-hw-user-presence': '' }),
      h('p', {}, s.phrases, ' ', phrases.available_in_user_language ? '' : s.phrases_fallback,
        ' ', format(s.phrases_status, { status: phrases.review_status })),
      h('div', { class: 'hs-phrases' }, ...phrases.phrases.map((phrase) => h('button', {
        type: 'button', class: 'hs-button hs-button--secondary', 'data-hw-phrase': phrase.key, title: phrase.meaning,
        onclick: () => { input.value = phrase.text; input.focus(); this.typing(id); },
      }, phrase.meaning))),
      h('div', { class: 'hs-compose' }, input,
        h('button', { type: 'button', class: 'hs-button', 'data-hw-staff-send': '', onclick: () => this.sendMessage(id, input) }, s.send)),
      h('div', { class: 'hs-actions' },
        h('label', {}, `${s.transfer_label} `, transfer),
        h('button', { type: 'button', class: 'hs-button hs-button--secondary', 'data-hw-transfer': '',
          onclick: () => transfer.value && this.send({ type: 'transfer', conversation_id: id, to: transfer.value }) }, s.transfer),
        h('label', {}, `${s.outcome_label} `, outcome),
        h('button', { type: 'button', class: 'hs-button', 'data-hw-close': '',
          onclick: () => this.send({ type: 'close', conversation_id: id, outcome: outcome.value }) }, s.close)));
    input.setAttribute('dir', frame.dir || 'auto');
    $('[data-hw-staff-conversations]').append(panel);
    input.focus();
  }

  sendMessage(conversationId, input) {
    const text = input.value.trim();
    if (!text) return;
    this.messageCounter += 1;
    if (this.send({ type: 'message', conversation_id: conversationId, text, id: `${this.pageId}-${this.messageCounter}` })) {
      input.value = '';
      this.typingSentAt.delete(conversationId); // typing after this message is news again
    }
  }

  /** Tell the user the counsellor is typing (throttled; the gateway throttles too). */
  typing(conversationId) {
    const now = Date.now();
    if (now - (this.typingSentAt.get(conversationId) ?? 0) < TYPING_INTERVAL_MS) return;
    if (this.send({ type: 'typing', conversation_id: conversationId })) this.typingSentAt.set(conversationId, now);
  }

  addEntry(frame) {
    const seen = this.seen.get(frame.conversation_id);
    const panel = this.panel(frame.conversation_id);
    if (!seen || !panel || seen.has(frame.id)) return; // a repeat after a reconnect
    seen.add(frame.id);
    this.cursors.set(frame.conversation_id, frame.id);
    const s = this.s;
    const label = frame.from === 'user' ? s.from_user : frame.from === 'staff' ? s.from_staff : '';
    const text = frame.from === 'status' ? (s[`status_${frame.code}`] || frame.code) : `${label}: ${frame.text}`;
    const log = $('[data-hw-log]', panel);
    log.append(h('p', { class: 'hs-entry', 'data-hw-entry-from': frame.from, 'data-hw-entry-id': frame.id, dir: 'auto' }, text));
    log.scrollTop = log.scrollHeight;
    if (frame.from === 'user') $('[data-hw-typing]', panel).hidden = true;
  }

  showTyping(conversationId) {
    const panel = this.panel(conversationId);
    if (!panel) return;
    const typing = $('[data-hw-typing]', panel);
    typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => { typing.hidden = true; }, 4000);
  }

  showPresence(frame) {
    const panel = this.panel(frame.conversation_id);
    if (!panel) return;
    const s = this.s;
    $('[data-hw-user-presence]', panel).textContent = frame.ended ? s.user_ended : frame.present ? s.user_back : s.user_left;
  }

  release(frame) {
    const panel = this.panel(frame.conversation_id);
    this.cursors.delete(frame.conversation_id);
    this.seen.delete(frame.conversation_id);
    this.typingSentAt.delete(frame.conversation_id);
    panel?.remove(); // the transcript leaves the screen with the conversation
    this.notice(this.s[`released_${frame.reason}`] || frame.reason);
  }
}

const strings = await (await fetch('/widget/staff/nl.json')).json();
new StaffConsole(strings).start();
