// The page's side of the HTTP API: the bearer token (asked once, when the server wants one),
// JSON requests, and a streamed call's Server-Sent Events read from a fetch (EventSource cannot POST).
// Paths are relative: the page works behind a proxy that serves it under a prefix.

const TOKEN_KEY = 'pyexec-token';

export interface ServiceEvent {
  event: string;
  data: unknown;
}

export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class ServiceClient {
  // sessionStorage: the token lives as long as the tab, never in the page's URL or on disk.
  private token = sessionStorage.getItem(TOKEN_KEY) ?? '';

  constructor(private readonly askToken: (again: boolean) => Promise<string>) {}

  /** A request; a 401 asks for the token and tries again. */
  async request(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<Response> {
    for (let asked = false; ; asked = true) {
      const headers: Record<string, string> = { accept };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      const response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status !== 401) return response;
      this.token = await this.askToken(asked || this.token !== '');
      sessionStorage.setItem(TOKEN_KEY, this.token);
    }
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    const data = (response.status === 204 ? undefined : await response.json()) as T;
    if (!response.ok) throw errorOf(response.status, data);
    return data;
  }

  /** POSTs `body` asking for an event stream; yields each event as it arrives. */
  async *events(path: string, body: unknown): AsyncGenerator<ServiceEvent> {
    const response = await this.request('POST', path, body, 'text/event-stream');
    if (!response.ok || response.body === null) throw errorOf(response.status, await response.json());
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      pending += value;
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const block = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) yield { event, data: JSON.parse(data) as unknown };
      }
    }
  }
}

function errorOf(status: number, body: unknown): ServiceError {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return new ServiceError(status, error?.code ?? `HTTP_${status}`, error?.message ?? `HTTP ${status}`);
}
