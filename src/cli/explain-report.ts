/**
 * Renders the core's `ExplainReport` for people: the verdict, the exact signed string, the
 * provided versus expected signature, the parameters, the warnings and the most likely cause
 * of a mismatch with the string the client signed, the expiry of a URL with `expires=`, and the
 * correctly signed URL to use instead.
 * Pure text in, text out; colours come from a {@link Style}.
 */
import { getScheme, type ExplainedExpiry, type ExplainReport } from '../core/index.js';
import type { Style } from './style.js';

function section(style: Style, title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : ['', style.bold(title), ...lines.map((line) => `  ${line}`)];
}

function verdictLine(report: ExplainReport, style: Style): string {
  if (report.verdict === 'valid') return style.green('VALID  ') + report.message;
  if (report.verdict === 'unchecked') return style.yellow('NOT CHECKED  ') + report.message;
  return `${style.red(`INVALID  ${report.reason ?? ''}`)}  ${report.message}`;
}

function signatureLines(report: ExplainReport, style: Style): string[] {
  const provided = report.providedSignature ?? '(none)';
  if (report.expectedSignature === undefined) return [`provided  ${provided}`];
  const same = report.providedSignature !== undefined && report.providedSignature.replace(/=+$/, '') === report.expectedSignature.replace(/=+$/, '');
  const mark = same ? style.green : style.red;
  return [`provided  ${mark(provided)}`, `expected  ${style.green(report.expectedSignature)}`];
}

function expiryLine(expiry: ExplainedExpiry, style: Style): string {
  return `${expiry.state === 'current' ? style.green('current') : style.red(expiry.state)}  ${expiry.message}`;
}

/**
 * The human report for `report`, ending with a newline.
 *
 * @example io.stdout.write(renderExplainReport(explainUrl(url, credential), styleFor(io)))
 */
export function renderExplainReport(report: ExplainReport, style: Style): string {
  const scheme = getScheme(report.scheme);
  const lines = [
    `${style.bold('URL')}      ${report.url}`,
    `${style.bold('Scheme')}   ${scheme.title}${report.schemeGuessed ? style.dim(' (guessed from the URL; pass --scheme to choose)') : ''}`,
    `${style.bold('Verdict')}  ${verdictLine(report, style)}`,
    ...section(style, `Signed string (HMAC-${scheme.algorithm} over ${scheme.signs === 'full-url' ? 'the whole URL' : '/path?query'})`, [
      report.signedString === undefined ? style.dim('(not known: the URL could not be parsed, or it has no origin)') : style.cyan(report.signedString),
    ]),
    ...section(style, 'Signature', signatureLines(report, style)),
    ...section(style, 'Expiry', report.expiry === undefined ? [] : [expiryLine(report.expiry, style)]),
    ...section(
      style,
      'Parameters',
      report.params.map((p) => `${p.name} = ${p.value ?? style.red('(invalid percent-encoding)')}${p.value === p.rawValue ? '' : style.dim(`   raw: ${p.rawValue}`)}`),
    ),
    ...section(
      style,
      'Warnings',
      report.warnings.map((w) => `${style.yellow(w.code)}  ${w.message}${w.positions.length === 0 ? '' : style.dim(` (at ${w.positions.slice(0, 5).join(', ')}${w.positions.length > 5 ? ', …' : ''})`)}`),
    ),
    ...section(
      style,
      report.likelyCauses.length === 1 ? 'Most likely cause' : 'Likely causes',
      report.likelyCauses.flatMap((c) => [
        `${c.confirmed ? style.red('confirmed') : style.yellow('likely')}  ${c.title}`,
        ...(c.clientSigned === undefined ? [] : [`  ${style.dim('signed:')}    ${c.clientSigned}`, `  ${style.dim('should be:')} ${report.signedString ?? ''}`]),
        `  ${style.dim('fix:')} ${c.fix}`,
      ]),
    ),
    ...section(style, 'Signed correctly', report.signedUrl === undefined ? [] : [style.green(report.signedUrl)]),
  ];
  return `${lines.join('\n')}\n`;
}
