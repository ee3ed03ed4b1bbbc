/**
 * A copy button for a generated URL. The asynchronous clipboard API needs a secure context and
 * permission; when it is refused the page falls back to a selected hidden text area and
 * `execCommand('copy')`, and as a last resort selects the URL for the user to copy by hand.
 */
import { h } from './dom.js';

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { class: 'offscreen', readonly: '', 'aria-hidden': 'true', tabindex: '-1' });
    area.value = text;
    document.body.append(area);
    area.select();
    try {
      // Deprecated, but the only synchronous route where the clipboard API is refused.
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

function selectContents(element: HTMLElement): void {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}

/**
 * A button that copies `text`, with a polite status line; `source` is selected when copying fails.
 *
 * @example block.append(copyButton(signedUrl, 'Copy signed URL', codeElement))
 */
export function copyButton(text: string, label: string, source: HTMLElement): HTMLElement {
  const status = h('span', { class: 'copy-status', role: 'status' });
  const button = h('button', { type: 'button', class: 'button-secondary' }, label);
  button.addEventListener('click', () => {
    void writeClipboard(text).then((copied) => {
      if (copied) status.textContent = 'Copied to the clipboard.';
      else {
        selectContents(source);
        status.textContent = 'Copying is blocked here: the URL is selected, press Ctrl+C (⌘C) to copy it.';
      }
    });
  });
  return h('div', { class: 'copy' }, button, status);
}
