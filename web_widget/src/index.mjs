// Entry point: <script type="module" src=".../src/index.mjs"> plus one element with
// data-hw-widget. Mounts a ChatWidget in every such element.
import { ChatWidget } from './chat-widget.mjs';
import { readConfig } from './config.mjs';
import { StringCatalog } from './i18n.mjs';

const STYLESHEET_URL = new URL('../widget.css', import.meta.url).href;
const I18N_BASE_URL = new URL('../i18n/', import.meta.url).href;

function ensureStylesheet(doc) {
  if (doc.querySelector('link[data-hw-stylesheet]')) return;
  const link = doc.createElement('link');
  link.rel = 'stylesheet';
  link.href = STYLESHEET_URL;
  link.setAttribute('data-hw-stylesheet', '');
  doc.head.append(link);
}

export function mountAll(doc = document) {
  ensureStylesheet(doc);
  const catalog = new StringCatalog(I18N_BASE_URL);
  const widgets = [];
  for (const host of doc.querySelectorAll('[data-hw-widget]')) {
    if (host.dataset.hwMounted) continue;
    host.dataset.hwMounted = 'true';
    const widget = new ChatWidget(host, readConfig(host, import.meta.url, navigator.languages ?? []), catalog);
    widget.mount();
    widgets.push(widget);
  }
  return widgets;
}

mountAll();
