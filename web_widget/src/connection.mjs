// The transport behind one small interface (start/send/close/reconnectNow), in the shape of
// RasaHQ/chat-widget's ConnectionStrategy. It reconnects with exponential back-off and jitter
// and sends the start frame (docs/protocol.md) on every new socket.
const OPEN_TIMEOUT_MS = 10000;

export class WebSocketConnection {
  /**
   * @param {object} options
   * @param {string} options.url ws:// or wss:// URL of /ws/chat
   * @param {() => object} options.startFrame builds the start frame for each new socket
   * @param {(frame: object) => void} options.onFrame
   * @param {(state: string, detail?: object) => void} options.onState
   *   'connecting' | 'open' | 'waiting' (detail.delayMs) | 'closed'
   */
  constructor({ url, startFrame, onFrame, onState, initialDelayMs = 1000, maxDelayMs = 30000 }) {
    this.url = url;
    this.startFrame = startFrame;
    this.onFrame = onFrame;
    this.onState = onState;
    this.initialDelayMs = initialDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.socket = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.openTimer = null;
    this.stopped = true;
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  start() {
    this.stopped = false;
    this.#open();
  }

  #open() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.onState('connecting');
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.socket = socket;
    this.openTimer = setTimeout(() => socket.close(), OPEN_TIMEOUT_MS);
    socket.addEventListener('open', () => {
      clearTimeout(this.openTimer);
      socket.send(JSON.stringify(this.startFrame()));
      this.onState('open');
    });
    socket.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return; // not JSON: ignore rather than render anything unexpected
      }
      if (frame && typeof frame === 'object' && typeof frame.type === 'string') {
        if (frame.type === 'ready') this.attempt = 0;
        this.onFrame(frame);
      }
    });
    socket.addEventListener('close', () => {
      clearTimeout(this.openTimer);
      if (this.socket !== socket) return; // an old socket we replaced on purpose
      this.socket = null;
      if (this.stopped) this.onState('closed');
      else this.#scheduleRetry();
    });
  }

  #scheduleRetry() {
    const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** this.attempt);
    const delayMs = Math.round(ceiling * (0.5 + Math.random() * 0.5));
    this.attempt += 1;
    this.onState('waiting', { delayMs });
    this.retryTimer = setTimeout(() => this.#open(), delayMs);
  }

  /** Send a frame if the socket is open; returns whether it was handed to the socket. */
  send(frame) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Drop the current socket (if any) and connect again at once. */
  reconnectNow() {
    if (this.stopped) return;
    const old = this.socket;
    this.socket = null;
    if (old) old.close();
    this.#open();
  }

  /** Close for good (no reconnect). Synchronous: never awaits the network. */
  close() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.openTimer);
    const old = this.socket;
    this.socket = null;
    if (old) old.close();
    this.onState('closed');
  }
}
