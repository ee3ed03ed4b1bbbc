/**
 * The few DOM helpers the debugger page needs: build elements from data (never from HTML
 * strings, so nothing a user pastes can become markup) and find the template's elements.
 */

/** Children accepted by {@link h}: nodes, text, or nothing. */
export type Child = Node | string | undefined | false;

/**
 * Creates an element with attributes and children; text children become text nodes.
 *
 * @example h('p', { class: 'hint' }, 'Nothing is sent.')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string>> = {}, ...children: readonly Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/**
 * The template's element with `id`, checked to be of the expected kind.
 *
 * @example const form = byId('check-form', HTMLFormElement)
 */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`The page template lacks #${id} (${kind.name}).`);
  return element;
}

/** The checked radio button's value in the named group of `form`. */
export function radioValue(form: HTMLFormElement, name: string): string {
  const checked = form.querySelector<HTMLInputElement>(`input[type="radio"][name="${name}"]:checked`);
  return checked?.value ?? '';
}
