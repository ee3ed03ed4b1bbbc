/**
 * Entry point of the URL Signing Debugger page, bundled inline into one HTML file by
 * `scripts/build-debugger.mjs`. Everything runs here, in the browser, over WebCrypto: the page
 * makes no network request (its Content-Security-Policy forbids them).
 */
import { setUpBuildForm } from './build-form.js';
import { setUpCheckForm } from './check-form.js';
import { byId } from './dom.js';

function setUpSecretToggles(): void {
  for (const toggle of document.querySelectorAll<HTMLInputElement>('input[data-reveals]')) {
    const target = byId(toggle.dataset['reveals'] ?? '', HTMLInputElement);
    toggle.addEventListener('change', () => {
      target.type = toggle.checked ? 'text' : 'password';
    });
  }
}

setUpCheckForm();
setUpBuildForm();
setUpSecretToggles();
document.documentElement.dataset['ready'] = 'true';
