/** One stream of one call's output, kept up to a byte limit (the harness enforces it too). */
export class OutputBuffer {
  private readonly parts: string[] = [];
  private bytes = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  // Returns the part of `text` that was kept, so events show exactly what the result will hold.
  append(text: string): string {
    if (text.length === 0) return text;
    const size = Buffer.byteLength(text, 'utf8');
    const room = this.limit - this.bytes;
    if (size > room) {
      this.truncated = true;
      if (room <= 0) return '';
      text = Buffer.from(text, 'utf8')
        .subarray(0, room)
        .toString('utf8')
        .replace(/\uFFFD$/, '');
    }
    this.parts.push(text);
    this.bytes += Buffer.byteLength(text, 'utf8');
    return text;
  }

  text(): string {
    return this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join('');
  }
}
