/**
 * A raw-socket HTTP/1.1 client for the gateway's security tests: it sends exactly the bytes a
 * test gives (no client library normalises a target, merges headers or fixes framing) and reads
 * the raw responses back, interim `1xx` ones included, each read bounded by a timeout so no
 * test can hang on a gateway that never answers. Not a test file itself.
 */
import { connect, type Socket } from 'node:net';

/** One response as it came on the wire. */
export interface RawResponse {
  readonly statusLine: string;
  readonly status: number;
  /** Header lines in order, names as sent. */
  readonly headerLines: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** The body as UTF-8 text. */
  readonly text: string;
  /** All values of `name` joined with `, ` (case-insensitive), or `undefined`. */
  header(name: string): string | undefined;
}

/** Thrown by {@link RawConnection.read} when no complete response arrived in time (`timeout`) or the connection closed first (`closed`). */
export class NoResponse extends Error {
  constructor(
    readonly why: 'timeout' | 'closed',
    readonly received: string,
  ) {
    super(`no complete response (${why}); received ${JSON.stringify(received.slice(0, 300))}`);
    this.name = 'NoResponse';
  }
}

/** Parses one response at the start of `data`; `undefined` when incomplete. `closed`: the peer has ended the stream. */
function parseResponse(data: Buffer, head: boolean, closed: boolean): { response: RawResponse; length: number } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const statusLine = lines[0]!;
  const status = Number(statusLine.split(' ')[1]);
  const headerLines = lines.slice(1).map((line): readonly [string, string] => {
    const colon = line.indexOf(':');
    return colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const header = (name: string): string | undefined => {
    const values = headerLines.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
    return values.length === 0 ? undefined : values.join(', ');
  };
  const start = end + 4;
  const make = (body: Buffer, length: number): { response: RawResponse; length: number } => ({
    response: { statusLine, status, headerLines, body, text: body.toString('utf8'), header },
    length,
  });
  if ((status >= 100 && status < 200) || status === 204 || status === 304 || head) return make(Buffer.alloc(0), start);
  if (header('transfer-encoding')?.toLowerCase().includes('chunked')) {
    const parts: Buffer[] = [];
    let at = start;
    for (;;) {
      const eol = data.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const size = parseInt(data.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
      if (Number.isNaN(size)) throw new Error(`bad chunk size in response: ${JSON.stringify(data.subarray(at, eol).toString('latin1'))}`);
      if (size === 0) {
        const last = data.indexOf('\r\n\r\n', eol);
        return last < 0 ? undefined : make(Buffer.concat(parts), last + 4);
      }
      if (data.length < eol + 2 + size + 2) return undefined;
      parts.push(data.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  const length = header('content-length');
  if (length !== undefined) {
    const n = Number(length);
    return data.length < start + n ? undefined : make(data.subarray(start, start + n), start + n);
  }
  // No framing: the body runs until the connection closes.
  return closed ? make(data.subarray(start), data.length) : undefined;
}

/**
 * A raw connection to a server: write bytes, read responses one by one, drop it at any moment.
 *
 * @example
 * const connection = await RawConnection.open(gateway.address)
 * connection.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
 * const { response, interim } = await connection.final(3000)
 */
export class RawConnection {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #closed = false;
  #wake: (() => void) | undefined;
  /** Every byte received so far, responses already read included. */
  received = Buffer.alloc(0);

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (data: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, data]);
      this.received = Buffer.concat([this.received, data]);
      this.#wake?.();
    });
    const onClose = (): void => {
      this.#closed = true;
      this.#wake?.();
    };
    socket.on('end', onClose);
    socket.on('close', onClose);
    socket.on('error', () => {});
  }

  /** Connects to `address` (`http://host:port`). */
  static open(address: string): Promise<RawConnection> {
    const { hostname, port } = new URL(address);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''), () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** True once the server ended or closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends bytes as they are. */
  write(data: string | Buffer): void {
    if (!this.#socket.destroyed) this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Whether any byte is waiting unread. */
  get pending(): number {
    return this.#buffer.length;
  }

  /** The next response, interim (1xx) ones included; throws {@link NoResponse} after `timeoutMs` or on close. */
  async read(timeoutMs = 5000, options: { head?: boolean } = {}): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.#buffer, options.head === true, this.#closed);
      if (parsed !== undefined) {
        this.#buffer = this.#buffer.subarray(parsed.length);
        return parsed.response;
      }
      if (this.#closed) throw new NoResponse('closed', this.#buffer.toString('latin1'));
      const left = deadline - Date.now();
      if (left <= 0) throw new NoResponse('timeout', this.#buffer.toString('latin1'));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** The next final response, with the interim ones before it. */
  async final(timeoutMs = 5000, options: { head?: boolean } = {}): Promise<{ response: RawResponse; interim: RawResponse[] }> {
    const interim: RawResponse[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.read(Math.max(1, deadline - Date.now()), options);
      if (response.status >= 200 || response.status < 100) return { response, interim };
      interim.push(response);
    }
  }

  /** Waits until some bytes arrived (or `timeoutMs` passed); returns whether any did. */
  async waitForBytes(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (this.#closed || Date.now() > deadline) return this.received.length >= count;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    return true;
  }

  /** Waits until the server closes the connection; returns whether it did within `timeoutMs`. */
  async waitForClose(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.#closed;
  }

  /** Drops the connection at once (an abort, as a browser tab closing would). */
  destroy(): void {
    this.#socket.destroy();
  }
}

/**
 * Sends `data` on a fresh connection and reads one final response; `'closed'` or `'timeout'`
 * when none came. The connection is destroyed afterwards.
 *
 * @example const answer = await exchange(gateway.address, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
 */
export async function exchange(address: string, data: string | Buffer, options: { timeoutMs?: number; head?: boolean } = {}): Promise<RawResponse | 'closed' | 'timeout'> {
  const connection = await RawConnection.open(address);
  try {
    connection.write(data);
    return (await connection.final(options.timeoutMs ?? 5000, options)).response;
  } catch (error) {
    if (error instanceof NoResponse) return error.why;
    throw error;
  } finally {
    connection.destroy();
  }
}

/**
 * One request's bytes: request line, header lines as given (order, case, duplicates kept), CRLFs, body.
 *
 * @example rawRequest({ method: 'POST', target: '/a#b', headers: [['Host', 'x'], ['Host', 'y'], ['Content-Length', '2']], body: 'hi' })
 */
export function rawRequest(parts: { method?: string; target: string | Buffer; version?: string; headers?: readonly (readonly [string, string])[]; body?: string | Buffer }): Buffer {
  const target = typeof parts.target === 'string' ? Buffer.from(parts.target, 'latin1') : parts.target;
  const head = Buffer.from(`${(parts.headers ?? []).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`, 'latin1');
  const body = parts.body === undefined ? Buffer.alloc(0) : typeof parts.body === 'string' ? Buffer.from(parts.body, 'latin1') : parts.body;
  return Buffer.concat([Buffer.from(`${parts.method ?? 'GET'} `, 'latin1'), target, Buffer.from(` ${parts.version ?? 'HTTP/1.1'}\r\n`, 'latin1'), head, body]);
}
