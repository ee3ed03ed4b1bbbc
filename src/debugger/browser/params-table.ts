/**
 * The editable parameter table of the build form: one row per parameter, added and removed
 * with buttons. Labels are numbered and renumbered so a screen reader always says which
 * parameter a field belongs to, and focus lands somewhere sensible after every change.
 */
import { h } from './dom.js';

/** One parameter as typed, literal. */
export interface ParamRow {
  readonly name: string;
  readonly value: string;
}

/** The table's controller. */
export interface ParamsTable {
  /** Appends a row and (when `focus`) moves focus to its name field. */
  add(row?: ParamRow, focus?: boolean): void;
  /** The rows in order, fully empty rows left out. */
  rows(): ParamRow[];
}

function renumber(body: HTMLTableSectionElement): void {
  [...body.rows].forEach((row, index) => {
    const n = String(index + 1);
    row.querySelector('.param-name')?.setAttribute('aria-label', `Parameter ${n} name`);
    row.querySelector('.param-value')?.setAttribute('aria-label', `Parameter ${n} value`);
    row.querySelector('.param-remove')?.setAttribute('aria-label', `Remove parameter ${n}`);
  });
}

/**
 * Takes over `body` (the table's `tbody`); `addButton` adds rows.
 *
 * @example const table = paramsTable(byId('build-params', HTMLTableSectionElement), byId('build-add', HTMLButtonElement))
 */
export function paramsTable(body: HTMLTableSectionElement, addButton: HTMLButtonElement): ParamsTable {
  const add = (row: ParamRow = { name: '', value: '' }, focus = false): void => {
    const name = h('input', { type: 'text', class: 'param-name', autocomplete: 'off', spellcheck: 'false', placeholder: 'name' });
    const value = h('input', { type: 'text', class: 'param-value', autocomplete: 'off', spellcheck: 'false', placeholder: 'value, typed literally' });
    name.value = row.name;
    value.value = row.value;
    const remove = h('button', { type: 'button', class: 'param-remove button-quiet' }, 'Remove');
    const tr = h('tr', {}, h('td', {}, name), h('td', {}, value), h('td', {}, remove));
    remove.addEventListener('click', () => {
      const next = tr.nextElementSibling ?? tr.previousElementSibling;
      tr.remove();
      renumber(body);
      (next?.querySelector<HTMLInputElement>('.param-name') ?? addButton).focus();
    });
    body.append(tr);
    renumber(body);
    if (focus) name.focus();
  };
  addButton.addEventListener('click', () => add(undefined, true));
  const rows = (): ParamRow[] =>
    [...body.rows]
      .map((tr) => ({ name: tr.querySelector<HTMLInputElement>('.param-name')?.value ?? '', value: tr.querySelector<HTMLInputElement>('.param-value')?.value ?? '' }))
      .filter((row) => row.name !== '' || row.value !== '');
  return { add, rows };
}
