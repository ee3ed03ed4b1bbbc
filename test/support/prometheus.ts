/**
 * Prometheus' text exposition format, read back for the tests that scrape `/metrics` (the
 * gateway's and the signing service's): samples with their labels unescaped, and the value of
 * one sample by its exact labels. Not a test file itself.
 */
import assert from 'node:assert/strict';

/** One sample line: `name{label="value",…} value`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses the text exposition format (version 0.0.4): `# TYPE` lines and samples, label values unescaped. */
export function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      types.set(name!, type!);
      continue;
    }
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    assert.ok(name !== undefined, `a sample line starts with a metric name: ${line}`);
    const labels: Record<string, string> = {};
    let at = name.length;
    if (line[at] === '{') {
      at++;
      while (line[at] !== '}') {
        const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(at));
        assert.ok(label !== null, `a label at ${at} in ${line}`);
        at += label[0].length;
        let value = '';
        while (line[at] !== '"') {
          if (line[at] === '\\') {
            const escaped = line[at + 1];
            value += escaped === 'n' ? '\n' : escaped;
            at += 2;
          } else value += line[at++];
        }
        labels[label[1]!] = value;
        at++;
        if (line[at] === ',') at++;
      }
      at++;
    }
    assert.equal(line[at], ' ', `a space before the value: ${line}`);
    samples.push({ name, labels, value: Number(line.slice(at + 1).split(' ')[0]) });
  }
  return { types, samples };
}

/** The value of the one sample of `name` with exactly `labels`; `undefined` when there is none. */
export function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
  assert.ok(found.length <= 1, `one ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
