// Widget configuration from the host element's data-hw-* attributes, over frozen defaults.
import { chooseLanguage } from './i18n.mjs';

export const DEFAULTS = Object.freeze({
  gateway: '', // empty: the origin the widget script was loaded from
  language: null,
  exitUrl: 'https://www.google.com/search?q=weer',
  maxLength: 1000, // docs/protocol.md: text is at most 1000 characters
  touchExit: true,
  accent: null,
  reconnectInitialMs: 1000,
  reconnectMaxMs: 30000,
});

function httpUrlOrNull(value, base) {
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

// Only plain colour values, so an attribute cannot smuggle other CSS in.
function colourOrNull(value) {
  return value && /^(#[0-9a-f]{3,8}|[a-z]+|rgb\([\d\s,.%]+\))$/i.test(value.trim()) ? value.trim() : null;
}

export function readConfig(element, scriptUrl, browserLanguages = []) {
  const data = element.dataset;
  const scriptOrigin = new URL(scriptUrl).origin;
  const gatewayUrl = httpUrlOrNull(data.hwGateway || scriptOrigin, scriptOrigin) ?? new URL(scriptOrigin);
  const base = new URL(gatewayUrl.href.endsWith('/') ? gatewayUrl.href : `${gatewayUrl.href}/`);
  const socketUrl = new URL('ws/chat', base);
  socketUrl.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  const exitUrl = httpUrlOrNull(data.hwExitUrl || '', document.baseURI) ?? new URL(DEFAULTS.exitUrl);
  return Object.freeze({
    gatewayBase: base.href,
    socketUrl: socketUrl.href,
    language: chooseLanguage(data.hwLanguage, browserLanguages),
    exitUrl: exitUrl.href,
    maxLength: DEFAULTS.maxLength,
    touchExit: data.hwTouchExit !== 'off',
    accent: colourOrNull(data.hwAccent),
    reconnectInitialMs: Number(data.hwReconnectInitialMs) || DEFAULTS.reconnectInitialMs,
    reconnectMaxMs: Number(data.hwReconnectMaxMs) || DEFAULTS.reconnectMaxMs,
  });
}

export function deleteUrl(config, conversationId) {
  return new URL(`api/v1/conversations/${encodeURIComponent(conversationId)}/delete`, config.gatewayBase).href;
}
