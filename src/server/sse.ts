import type { ServerResponse } from 'node:http';

/**
 * A Server-Sent Events response: `event: <name>` and `data: <JSON>` per event. Each event is
 * one write; the response ends after the last (`result` or `error`).
 */
export class EventStream {
  constructor(private readonly response: ServerResponse) {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no', // a proxy in front (nginx) must not hold events back
    });
    response.flushHeaders();
  }

  send(event: string, data: unknown): void {
    if (this.response.writableEnded || this.response.destroyed) return;
    this.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end(event: string, data: unknown): void {
    this.send(event, data);
    if (!this.response.writableEnded) this.response.end();
  }
}
