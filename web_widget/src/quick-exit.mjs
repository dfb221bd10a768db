// Quick exit, modelled on GOV.UK Frontend's exit-this-page and going further: the control is a
// plain link (works without JavaScript); Shift pressed three times within 5 s (a Shift held as a
// modifier does not count) or three quick taps on a phone trigger it; the page is covered at
// once, traces are cleared, the server is told by sendBeacon, and location.replace leaves
// without a history entry. Nothing is awaited before leaving.
const PRESSES_NEEDED = 3;
const SHIFT_WINDOW_MS = 5000;
const TAP_WINDOW_MS = 1500;
const TAP_MAX_MOVE_PX = 12;
const TAP_MAX_DURATION_MS = 500;
const NOT_A_TAP_TARGET = 'input, textarea, select, button, a, label, summary, [contenteditable]';

export class QuickExit {
  /**
   * @param {object} options
   * @param {HTMLAnchorElement} options.link the data-hw-quick-exit link (href = exit URL)
   * @param {string} options.exitUrl
   * @param {boolean} options.touchTrigger
   * @param {() => void} options.beforeLeave clears traces; must be synchronous
   * @param {(count: number) => void} options.onProgress Shift count for the status region
   * @param {() => void} options.onReset
   */
  constructor({ link, exitUrl, touchTrigger, beforeLeave, onProgress, onReset, win = window }) {
    this.link = link;
    this.exitUrl = exitUrl;
    this.touchTrigger = touchTrigger;
    this.beforeLeave = beforeLeave;
    this.onProgress = onProgress;
    this.onReset = onReset;
    this.win = win;
    this.shiftCount = 0;
    this.shiftClean = false;
    this.shiftTimer = null;
    this.taps = [];
    this.pointerStart = null;
    this.cover = null;
    this.leaving = false;
  }

  attach() {
    const doc = this.win.document;
    this.link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      this.exit();
    });
    // Capture phase on the document so host-page handlers cannot swallow the keys.
    doc.addEventListener('keydown', (event) => this.#onKeyDown(event), true);
    doc.addEventListener('keyup', (event) => this.#onKeyUp(event), true);
    if (this.touchTrigger) {
      doc.addEventListener('pointerdown', (event) => this.#onPointerDown(event), true);
      doc.addEventListener('pointerup', (event) => this.#onPointerUp(event), true);
    }
    this.win.addEventListener('pageshow', (event) => {
      if (event.persisted) this.reset();
    });
  }

  #onKeyDown(event) {
    if (event.key === 'Shift') {
      if (!event.repeat) this.shiftClean = !(event.ctrlKey || event.altKey || event.metaKey);
      return;
    }
    // Any other key: a Shift still held is a modifier, and the sequence is broken.
    this.shiftClean = false;
    if (this.shiftCount > 0) this.#resetShift();
  }

  #onKeyUp(event) {
    if (event.key !== 'Shift') return;
    const counted = this.shiftClean;
    this.shiftClean = false;
    if (!counted) return;
    this.shiftCount += 1;
    if (this.shiftCount === 1) {
      this.shiftTimer = this.win.setTimeout(() => this.#resetShift(), SHIFT_WINDOW_MS);
    }
    if (this.shiftCount >= PRESSES_NEEDED) {
      this.exit();
      return;
    }
    this.onProgress(this.shiftCount);
  }

  #resetShift() {
    this.win.clearTimeout(this.shiftTimer);
    this.shiftTimer = null;
    const hadProgress = this.shiftCount > 0;
    this.shiftCount = 0;
    if (hadProgress) this.onReset();
  }

  #onPointerDown(event) {
    if (event.pointerType !== 'touch' || !event.isPrimary) return;
    if (event.target instanceof Element && event.target.closest(NOT_A_TAP_TARGET)) {
      this.pointerStart = null;
      return;
    }
    this.pointerStart = { x: event.clientX, y: event.clientY, t: event.timeStamp };
  }

  #onPointerUp(event) {
    const start = this.pointerStart;
    this.pointerStart = null;
    if (!start || event.pointerType !== 'touch' || !event.isPrimary) return;
    const moved = Math.hypot(event.clientX - start.x, event.clientY - start.y);
    if (moved > TAP_MAX_MOVE_PX || event.timeStamp - start.t > TAP_MAX_DURATION_MS) return;
    const now = event.timeStamp;
    this.taps = this.taps.filter((t) => now - t <= TAP_WINDOW_MS);
    this.taps.push(now);
    if (this.taps.length >= PRESSES_NEEDED) {
      this.taps = [];
      this.exit();
    }
  }

  /** Leave now. Synchronous from start to navigation. */
  exit() {
    if (this.leaving) return;
    this.leaving = true;
    try {
      this.#coverPage();
      this.beforeLeave();
    } finally {
      this.win.location.replace(this.exitUrl);
    }
  }

  #coverPage() {
    const doc = this.win.document;
    const cover = doc.createElement('div');
    cover.setAttribute('data-hw-exit-cover', '');
    // Styled inline through CSSOM so it works even before widget.css has loaded.
    Object.assign(cover.style, {
      position: 'fixed',
      inset: '0',
      zIndex: '2147483647',
      background: '#ffffff',
    });
    doc.documentElement.append(cover);
    this.cover = cover;
  }

  /** Back to a clean state (used on pageshow from the back/forward cache). */
  reset() {
    this.leaving = false;
    this.#resetShift();
    this.taps = [];
    if (this.cover) this.cover.remove();
    this.cover = null;
  }
}
