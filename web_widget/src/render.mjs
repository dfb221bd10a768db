import { h } from './dom.mjs';
import { splitPhoneNumbers } from './phone.mjs';

/** Text with tap-to-call links; numbers stay left-to-right inside right-to-left text. */
export function renderRichText(text) {
  const fragment = document.createDocumentFragment();
  for (const part of splitPhoneNumbers(String(text))) {
    if (part.tel) {
      fragment.append(h('a', { href: `tel:${part.tel}`, dir: 'ltr', class: 'hw-tel' }, part.text));
    } else {
      fragment.append(part.text);
    }
  }
  return fragment;
}
