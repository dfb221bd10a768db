// The chat component: builds the widget's DOM inside the host element, renders frames from the
// gateway as text, and keeps the transcript in memory only (never in any browser storage).
import { deleteUrl } from './config.mjs';
import { WebSocketConnection } from './connection.mjs';
import { h } from './dom.mjs';
import { EMERGENCY_NUMBERS } from './emergency.mjs';
import { LANGUAGES, directionOf, format } from './i18n.mjs';
import { QuickExit } from './quick-exit.mjs';
import { renderRichText } from './render.mjs';

const TYPING_INTERVAL_MS = 3000;
// "The counsellor is typing": shown this long after the last typing frame (the console
// sends one every 3 s while typing); typing frames this soon after a staff message are late.
const STAFF_TYPING_VISIBLE_MS = 6000;
const STAFF_TYPING_AFTER_MESSAGE_MS = 1000;
const COUNTER_WARN_RATIO = 0.9;
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
const STATUS_CODES = new Set([
  'handoff_waiting',
  'handoff_joined',
  'handoff_transferred',
  'handoff_closed',
  'handoff_cancelled',
  'handoff_unavailable',
]);
const HUMAN_CODES = new Set(['handoff_joined', 'handoff_transferred']);
const ENTRY_ID = /^\d{1,20}-\d{1,20}$/; // a Redis stream entry id

let instances = 0;

function safeDir(dir) {
  return dir === 'rtl' || dir === 'ltr' ? dir : 'auto';
}

export class ChatWidget {
  constructor(host, config, catalog) {
    this.host = host;
    this.config = config;
    this.catalog = catalog;
    this.language = config.language;
    this.strings = null;
    this.conversationId = null; // memory only: used to continue after a reconnect
    this.ready = false;
    this.wasReady = false;
    this.pending = new Map(); // message id -> { wire, text, element, sent } until acked
    // Handoff stream ids of staff/status frames shown (memory only): drop repeats after a
    // gateway crash, and send the last one as `after` on a reconnect (docs/protocol.md).
    this.shownIds = new Set();
    this.lastShownId = null;
    this.sequence = 0;
    this.humanMode = false;
    this.lastTypingAt = 0;
    this.staffTypingTimer = null;
    this.lastStaffMessageAt = 0;
    this.languageChanged = false;
    this.quietReconnect = false;
    this.countdownTimer = null;
    this.announceTimer = null;
    this.counterAnnounced = 0;
    this.uid = `hw${(instances += 1)}`;
  }

  async mount() {
    this.strings = await this.catalog.load(this.language);
    this.#build();
    this.#applyStrings();
    this.connection = new WebSocketConnection({
      url: this.config.socketUrl,
      startFrame: () => this.#startFrame(),
      onFrame: (frame) => this.#onFrame(frame),
      onState: (state, detail) => this.#onConnectionState(state, detail),
      initialDelayMs: this.config.reconnectInitialMs,
      maxDelayMs: this.config.reconnectMaxMs,
    });
    this.quickExit = new QuickExit({
      link: this.exitLink,
      exitUrl: this.config.exitUrl,
      touchTrigger: this.config.touchExit,
      beforeLeave: () => this.#leaveWithoutTrace(),
      onProgress: (count) => this.#announce(format(this.strings.quick_exit_progress, { count, remaining: 3 - count })),
      onReset: () => this.#announce(''),
    });
    this.quickExit.attach();
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) this.#restartClean();
    });
    window.addEventListener('online', () => this.connection.reconnectNow());
    this.connection.start();
  }

  // ---- DOM ------------------------------------------------------------------------------

  #build() {
    const id = this.uid;
    // Reuse the host page's no-JavaScript exit link if it has one, so it never disappears.
    this.exitLink = this.host.querySelector('a[data-hw-quick-exit]') ?? h('a', { 'data-hw-quick-exit': '' });
    this.exitLink.href = this.config.exitUrl;
    this.exitLink.rel = 'noreferrer nofollow';
    this.exitLink.className = 'hw-exit';
    this.exitLink.setAttribute('aria-describedby', `${id}-exit-hint`);

    this.title = h('h2', { class: 'hw-title', id: `${id}-title` });
    this.languageLabel = h('label', { class: 'hw-language-label', for: `${id}-language` });
    this.languagePicker = h(
      'select',
      { id: `${id}-language`, class: 'hw-language', 'data-hw-language-picker': '' },
      Object.entries(LANGUAGES).map(([code, { name, dir }]) => h('option', { value: code, lang: code, dir }, name)),
    );
    this.languagePicker.value = this.language;
    this.languagePicker.addEventListener('change', () => this.#changeLanguage(this.languagePicker.value));

    this.exitHint = h('p', { class: 'hw-exit-hint', id: `${id}-exit-hint` });
    this.announcer = h('p', { class: 'hw-announcer', role: 'status', 'data-hw-announcer': '' });

    this.safetySummary = h('summary', { class: 'hw-safety-summary' });
    this.safetyList = h('ul', { class: 'hw-safety-list' });
    this.safety = h('details', { class: 'hw-safety', open: true, 'data-hw-safety-note': '' }, [
      this.safetySummary,
      this.safetyList,
    ]);

    this.offlineTitle = h('p', { class: 'hw-offline-title' });
    this.offlineHelp = h('p', { class: 'hw-offline-help' });
    this.offlineNumbers = h('ul', { class: 'hw-offline-numbers' });
    this.offlineRetry = h('p', { class: 'hw-offline-retry', 'data-hw-retry-text': '' });
    this.retryButton = h('button', { type: 'button', class: 'hw-button hw-button--secondary', onclick: () => this.connection.reconnectNow() });
    this.offline = h('div', { class: 'hw-offline', role: 'alert', 'data-hw-offline': '', hidden: true }, [
      this.offlineTitle,
      this.offlineHelp,
      this.offlineNumbers,
      this.offlineRetry,
      this.retryButton,
    ]);

    this.log = h('div', {
      class: 'hw-log',
      role: 'log',
      'aria-live': 'polite',
      'aria-relevant': 'additions',
      'aria-labelledby': `${id}-title`,
      tabindex: '0',
      'data-hw-log': '',
    });
    this.staffTyping = h('p', { class: 'hw-typing', 'data-hw-typing': '', hidden: true });

    this.inputLabel = h('label', { class: 'hw-input-label', for: `${id}-input` });
    this.input = h('textarea', {
      id: `${id}-input`,
      class: 'hw-input',
      rows: '2',
      maxlength: String(this.config.maxLength),
      autocomplete: 'off',
      spellcheck: 'true',
      'aria-describedby': `${id}-counter`,
      'data-hw-input': '',
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.input.addEventListener('input', () => this.#onInput());
    this.counter = h('span', { class: 'hw-counter', id: `${id}-counter`, 'data-hw-counter': '' });
    this.sendButton = h('button', { type: 'submit', class: 'hw-button hw-send', 'data-hw-send': '' });
    this.form = h('form', { class: 'hw-compose', novalidate: true }, [
      this.inputLabel,
      this.input,
      h('div', { class: 'hw-compose-row' }, [this.counter, this.sendButton]),
    ]);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit();
    });

    this.deleteButton = h('button', { type: 'button', class: 'hw-link-button', 'data-hw-delete': '', onclick: () => this.#deleteChat() });
    this.connectionStatus = h('span', { class: 'hw-connection', 'data-hw-connection': '' });

    this.root = h('section', { class: 'hw-widget', 'aria-labelledby': `${id}-title`, 'data-hw-root': '' }, [
      h('header', { class: 'hw-header' }, [
        this.title,
        h('div', { class: 'hw-header-controls' }, [
          h('div', { class: 'hw-language-field' }, [this.languageLabel, this.languagePicker]),
          this.exitLink,
        ]),
      ]),
      this.exitHint,
      this.announcer,
      this.safety,
      this.offline,
      this.log,
      this.staffTyping,
      this.form,
      h('footer', { class: 'hw-footer' }, [this.connectionStatus, this.deleteButton]),
    ]);
    if (this.config.accent) this.root.style.setProperty('--hw-accent', this.config.accent);
    this.host.replaceChildren(this.root);
  }

  #applyStrings() {
    const s = this.strings;
    this.root.lang = this.language;
    this.root.dir = directionOf(this.language);
    this.title.textContent = s.title;
    this.languageLabel.textContent = s.language_label;
    this.exitLink.textContent = s.quick_exit;
    this.exitHint.textContent = this.config.touchExit ? s.quick_exit_hint_touch : s.quick_exit_hint;
    this.safetySummary.textContent = s.safety_title;
    this.safetyList.replaceChildren(...(s.safety_points ?? []).map((point) => h('li', {}, renderRichText(point))));
    this.offlineTitle.textContent = s.offline_title;
    this.offlineHelp.textContent = s.offline_help;
    this.offlineNumbers.replaceChildren(
      ...EMERGENCY_NUMBERS.map(({ key, number }) =>
        h('li', { 'data-hw-emergency': key }, [
          `${s[`number_${key}`]} `,
          h('a', { href: `tel:${number.replace(/[^\d+]/g, '')}`, dir: 'ltr', class: 'hw-tel' }, number),
        ]),
      ),
    );
    this.retryButton.textContent = s.retry_now;
    this.inputLabel.textContent = s.input_label;
    this.input.placeholder = s.input_placeholder;
    this.sendButton.textContent = s.send;
    this.staffTyping.textContent = s.staff_typing;
    this.deleteButton.textContent = s.delete_chat;
    this.#updateCounter();
    this.#showConnection();
  }

  // ---- connection ------------------------------------------------------------------------

  #startFrame() {
    this.languageChanged = false;
    const frame = { type: 'start', language: this.language, conversation_id: this.conversationId };
    if (this.conversationId && this.lastShownId) frame.after = this.lastShownId;
    return frame;
  }

  #onConnectionState(state, detail = {}) {
    this.connectionState = state;
    // Ready again only after the gateway's `ready` frame on the new socket.
    if (state !== 'open') this.ready = false;
    // A dropped socket keeps unacknowledged messages: they are resent on `ready`. One typed
    // while connecting that never left the browser is given back: the widget is offline.
    if (state === 'closed') this.#failPending();
    if (state === 'waiting') {
      this.#failUnsent();
      this.#showOffline(detail.delayMs);
    }
    this.#showConnection();
  }

  #onFrame(frame) {
    if (this.#isRepeat(frame)) return;
    switch (frame.type) {
      case 'ready':
        this.ready = true;
        if (typeof frame.conversation_id === 'string') {
          // Only a known conversation can change; messages typed before the very first `ready`
          // belong to the conversation it starts.
          if (this.conversationId !== null && frame.conversation_id !== this.conversationId) this.#newConversation();
          this.conversationId = frame.conversation_id;
        }
        this.#hideOffline();
        if (this.wasReady && !this.quietReconnect) this.#announce(this.strings.reconnected);
        this.quietReconnect = false;
        this.wasReady = true;
        this.#showConnection();
        this.#resendPending();
        if (this.languageChanged && this.pending.size === 0) this.connection.reconnectNow();
        break;
      case 'ack': {
        const entry = this.pending.get(frame.id);
        if (entry) {
          entry.element.dataset.hwState = 'delivered';
          this.pending.delete(frame.id);
        }
        if (this.languageChanged && this.pending.size === 0) this.connection.reconnectNow();
        break;
      }
      case 'bot':
      case 'staff':
        if (typeof frame.text === 'string') {
          if (frame.type === 'staff') {
            this.lastStaffMessageAt = Date.now();
            this.#hideStaffTyping();
          }
          this.#appendMessage(frame.type, frame.text, frame);
        }
        break;
      case 'typing':
        if (frame.from === 'staff') this.#showStaffTyping();
        break;
      case 'status':
        this.#onStatus(frame);
        break;
      case 'error':
        this.#onError(frame);
        break;
      default:
        break; // unknown frames are ignored, never rendered
    }
  }

  /** A staff/status frame whose stream id was already shown; records new ids. */
  #isRepeat(frame) {
    if (frame.type !== 'staff' && frame.type !== 'status') return false;
    if (typeof frame.id !== 'string' || !ENTRY_ID.test(frame.id)) return false;
    if (this.shownIds.has(frame.id)) return true;
    this.shownIds.add(frame.id);
    this.lastShownId = frame.id;
    return false;
  }

  /** Ids from another conversation mean nothing here; unacked messages belonged to it. */
  #newConversation() {
    this.shownIds.clear();
    this.lastShownId = null;
    this.#failPending();
  }

  /** On `ready`: send unacknowledged and waiting messages (again), same ids, in order. */
  #resendPending() {
    for (const [id, entry] of this.pending) {
      // Once handed to a socket, the gateway may have stored it: from then on only resent.
      if (this.connection.send({ type: 'message', text: entry.wire, id })) entry.sent = true;
    }
  }

  #onStatus(frame) {
    if (!STATUS_CODES.has(frame.code)) return;
    this.humanMode = HUMAN_CODES.has(frame.code);
    if (!this.humanMode) this.#hideStaffTyping();
    const values = {
      position: Number.isFinite(frame.position) ? frame.position : '?',
      wait_minutes: Number.isFinite(frame.wait_minutes) ? frame.wait_minutes : '?',
    };
    // A close with `requeued` means the counsellor's account ended: the user is waiting
    // again at their earlier place, which the general "left the chat" would not say.
    const key = frame.code === 'handoff_closed' && frame.requeued === true ? 'handoff_requeued' : frame.code;
    this.#notice(key, format(this.strings[`status_${key}`], values));
  }

  #onError(frame) {
    const code = typeof frame.code === 'string' ? frame.code : 'error';
    const known = this.strings[`error_${code}`];
    const text = typeof frame.message === 'string' && frame.message ? frame.message : known ?? this.strings.error_generic;
    // The error is about the last frame: if that message is still unacknowledged, give its
    // text back to the user instead of losing it. A message not sent yet cannot be meant.
    const lastId = [...this.pending].filter(([, entry]) => entry.sent).map(([id]) => id).pop();
    if (lastId) this.#failMessage(lastId);
    this.#notice(`error-${code}`, text);
  }

  #failPending() {
    for (const id of [...this.pending.keys()]) this.#failMessage(id);
  }

  #failUnsent() {
    for (const [id, entry] of [...this.pending]) if (!entry.sent) this.#failMessage(id);
  }

  #failMessage(id) {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    entry.element.dataset.hwState = 'failed';
    entry.element.parentElement?.append(h('span', { class: 'hw-failed' }, this.strings.not_delivered));
    if (entry.text && !this.input.value.trim()) {
      this.input.value = entry.text;
      this.#updateCounter();
    }
  }

  #showOffline(delayMs) {
    this.offline.hidden = false;
    clearInterval(this.countdownTimer);
    const until = Date.now() + (delayMs ?? 0);
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      this.offlineRetry.textContent = format(this.strings.reconnecting, { seconds });
      if (seconds === 0) clearInterval(this.countdownTimer);
    };
    tick();
    this.countdownTimer = setInterval(tick, 1000);
  }

  #hideOffline() {
    clearInterval(this.countdownTimer);
    this.offline.hidden = true;
  }

  #showConnection() {
    if (!this.connectionStatus) return;
    const key = this.ready ? 'connected' : this.connectionState === 'waiting' ? 'disconnected' : 'connecting';
    this.connectionStatus.textContent = this.strings[`connection_${key}`] ?? '';
    this.root.dataset.hwConnection = key;
  }

  // ---- sending ---------------------------------------------------------------------------

  #submit() {
    const text = this.input.value.trim();
    if (!text) {
      this.#notice('empty', this.strings.error_empty_message);
      return;
    }
    if (text.length > this.config.maxLength) {
      this.#notice('too-long', format(this.strings.error_message_too_long, { max: this.config.maxLength }));
      return;
    }
    if (this.#sendMessage(text, text)) {
      this.input.value = '';
      this.#updateCounter();
    }
  }

  #sendMessage(text, shownAs) {
    const id = `c${(this.sequence += 1)}`;
    // Typed while connecting, it waits unsent in `pending` for `ready` (#resendPending), so a
    // person who types at once need not press Enter again. Offline or closed it is refused.
    const connecting = this.connectionState === 'connecting' || this.connectionState === 'open';
    const sent = this.ready && this.connection.send({ type: 'message', text, id });
    if (!sent && (this.ready || !connecting)) {
      this.#notice('not-connected', this.strings.not_connected);
      return false; // the typed text stays in the input
    }
    const element = this.#appendMessage('user', shownAs, { dir: 'auto' });
    this.pending.set(id, { wire: text, text: shownAs === text ? text : null, element, sent });
    this.safety.open = false;
    return true;
  }

  #sendQuickReply(button, group) {
    if (typeof button.payload !== 'string') return;
    if (this.#sendMessage(button.payload, String(button.title ?? button.payload))) {
      for (const b of group.querySelectorAll('button')) b.disabled = true;
    }
  }

  #onInput() {
    this.#updateCounter();
    const now = Date.now();
    if (this.humanMode && this.ready && now - this.lastTypingAt > TYPING_INTERVAL_MS) {
      this.lastTypingAt = now;
      this.connection.send({ type: 'typing' });
    }
  }

  #updateCounter() {
    const length = this.input.value.length;
    const max = this.config.maxLength;
    this.counter.textContent = format(this.strings.counter, { count: length, max });
    const warn = length >= max * COUNTER_WARN_RATIO;
    this.counter.classList.toggle('hw-counter--warn', warn);
    // Screen readers hear the count only when the limit is near, once per threshold.
    const threshold = length >= max ? 2 : warn ? 1 : 0;
    if (threshold > this.counterAnnounced) this.#announce(format(this.strings.counter_remaining, { remaining: max - length }));
    this.counterAnnounced = threshold;
  }

  // ---- rendering -------------------------------------------------------------------------

  #showStaffTyping() {
    if (!this.humanMode || Date.now() - this.lastStaffMessageAt < STAFF_TYPING_AFTER_MESSAGE_MS) return;
    this.staffTyping.hidden = false;
    clearTimeout(this.staffTypingTimer);
    this.staffTypingTimer = setTimeout(() => this.#hideStaffTyping(), STAFF_TYPING_VISIBLE_MS);
  }

  #hideStaffTyping() {
    clearTimeout(this.staffTypingTimer);
    this.staffTyping.hidden = true;
  }

  #appendMessage(from, text, { dir, language, buttons } = {}) {
    const speaker = this.strings[`speaker_${from}`] ?? from;
    const message = h('p', {
      class: 'hw-msg',
      'data-hw-from': from,
      dir: safeDir(dir),
      lang: typeof language === 'string' && LANGUAGE_TAG.test(language) ? language : null,
    });
    message.append(renderRichText(text));
    const row = h('div', { class: `hw-row hw-row--${from}` }, [h('span', { class: 'hw-visually-hidden' }, `${speaker}: `), message]);
    if (Array.isArray(buttons) && buttons.length > 0) {
      const group = h('div', { class: 'hw-quick-replies', dir: safeDir(dir) });
      for (const button of buttons) {
        if (!button || typeof button.title !== 'string') continue;
        group.append(h('button', { type: 'button', class: 'hw-button hw-button--secondary', onclick: () => this.#sendQuickReply(button, group) }, button.title));
      }
      row.append(group);
    }
    this.log.append(row);
    this.log.scrollTop = this.log.scrollHeight;
    return message;
  }

  #notice(code, text) {
    this.log.append(h('p', { class: 'hw-notice', 'data-hw-notice': code }, renderRichText(text ?? '')));
    this.log.scrollTop = this.log.scrollHeight;
  }

  #announce(text) {
    this.announcer.textContent = text;
    clearTimeout(this.announceTimer);
    if (text) this.announceTimer = setTimeout(() => (this.announcer.textContent = ''), 8000);
  }

  // ---- language, delete, exit ------------------------------------------------------------

  async #changeLanguage(language) {
    if (!Object.hasOwn(LANGUAGES, language) || language === this.language) return;
    this.language = language;
    this.strings = await this.catalog.load(language);
    this.#applyStrings();
    // The start frame carries the preferred language; send it again on a fresh socket.
    this.languageChanged = true;
    this.quietReconnect = true; // a reconnect we chose is not news to announce
    if (this.ready && this.pending.size === 0) this.connection.reconnectNow();
  }

  #forgetConversation() {
    this.conversationId = null;
    this.pending.clear();
    this.shownIds.clear();
    this.lastShownId = null;
    this.humanMode = false;
    this.lastStaffMessageAt = 0;
    this.#hideStaffTyping();
    this.log.replaceChildren();
    this.input.value = '';
    this.#updateCounter();
    this.#announce('');
  }

  #deleteChat() {
    const id = this.conversationId;
    if (id) {
      if (!this.connection.send({ type: 'end' })) this.#beaconDelete(id);
    }
    this.connection.close();
    this.#forgetConversation();
    this.safety.open = true;
    this.#notice('deleted', this.strings.chat_deleted);
    this.connection.start();
  }

  #beaconDelete(id) {
    const url = deleteUrl(this.config, id);
    let queued = false;
    try {
      queued = navigator.sendBeacon(url);
    } catch {
      queued = false;
    }
    if (!queued) {
      // Fire and forget: never awaited.
      fetch(url, { method: 'POST', keepalive: true, credentials: 'omit', mode: 'no-cors' }).catch(() => {});
    }
  }

  /** Called by QuickExit after the page is covered; synchronous, nothing awaited. */
  #leaveWithoutTrace() {
    const id = this.conversationId;
    try {
      if (id) {
        this.#beaconDelete(id);
        this.connection.send({ type: 'end' });
      }
    } finally {
      this.connection.close();
      this.#forgetConversation();
      this.root.hidden = true;
    }
  }

  #restartClean() {
    this.quickExit.reset();
    this.#forgetConversation();
    this.root.hidden = false;
    this.safety.open = true;
    this.wasReady = false;
    this.connection.close();
    this.connection.start();
  }
}
