/**
 * How a `node:http` handler (the gateway, `--auth-only`) ends a request it decided on: the
 * outcome counted in usage and written to the request log, and a refusal rendered — text or
 * JSON as the client asks — and answered through the refusal throttle.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderRefusal, wantsJson, type Refusal } from '../http/refusal.js';
import type { Outcome } from './outcome.js';
import type { RefusalThrottle } from './refusal-throttle.js';
import { pathOf, type RequestLogger } from './request-log.js';
import type { UsageRecorder } from './usage-recorder.js';

/** Where outcomes go. */
export interface RequestEndOptions {
  readonly usage?: UsageRecorder | undefined;
  readonly log?: RequestLogger | undefined;
  readonly throttle?: RefusalThrottle | undefined;
}

/** The request being ended, as it is counted and logged. */
export interface Ended {
  readonly method: string;
  /** The raw target; only its path is logged. */
  readonly target: string;
  /** `performance.now()` when the request arrived. */
  readonly started: number;
}

/** Ends requests. */
export interface RequestEnd {
  /** Counts and logs how a request ended. */
  done(request: Ended, status: number, outcome: Outcome, credential?: string, channel?: string): void;
  /**
   * Counts, logs and answers a refusal (after the throttle's delay); `headers` are added to
   * the answer. With `hasBody` the connection closes after it, the body being unread.
   */
  refuse(req: IncomingMessage, res: ServerResponse, request: Ended & { readonly hasBody: boolean }, refusal: Refusal, headers?: Readonly<Record<string, string>>): void;
}

/**
 * Creates the request end for `options`.
 *
 * @example const end = createRequestEnd({ usage, log, throttle }); end.refuse(req, res, { method, target, started, hasBody }, refusal)
 */
export function createRequestEnd(options: RequestEndOptions): RequestEnd {
  const { usage, log, throttle } = options;
  const done: RequestEnd['done'] = (request, status, outcome, credential, channel) => {
    usage?.count(credential ?? '', channel ?? '', outcome);
    log?.({ method: request.method, path: pathOf(request.target), status, outcome, credential, channel, ms: performance.now() - request.started });
  };
  return {
    done,
    refuse(req, res, request, refusal, extra) {
      // Only ids the gateway knows are counted: unauthenticated input must not create rows.
      done(request, refusal.status, refusal.reason, refusal.reason === 'UNKNOWN_CREDENTIAL' ? undefined : refusal.credentialId);
      const body = renderRefusal(refusal, wantsJson(req.headers.accept));
      // An unread body leaves the connection in an unknown state: end it after the answer.
      const headers: Record<string, string | number> = { ...body.headers, ...extra, 'content-length': Buffer.byteLength(body.body) };
      if (request.hasBody) headers['connection'] = 'close';
      const answer = (): void => void res.writeHead(body.status, headers).end(body.body);
      if (throttle === undefined) answer();
      else throttle.refuse(req.socket, answer);
    },
  };
}
