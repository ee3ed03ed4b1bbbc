/**
 * Text from operators or requests (labels, credential ids, outcomes) made safe inside HTML and
 * SVG markup, in element content and in quoted attribute values alike.
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `text` with `& < > " '` as entities.
 *
 * @example escapeMarkup('<b>"x"</b>') // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}
