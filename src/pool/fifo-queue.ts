/** A FIFO with O(1) push/shift and removal of arbitrary items (stopped or aborted calls). */
export class FifoQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    this.items.push(item);
    this.count++;
  }

  shift(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head];
      this.items[this.head++] = undefined;
      if (item !== undefined) {
        this.count--;
        this.compact();
        return item;
      }
    }
    return undefined;
  }

  remove(item: T): boolean {
    const index = this.items.indexOf(item, this.head);
    if (index === -1) return false;
    this.items[index] = undefined;
    this.count--;
    return true;
  }

  drain(): T[] {
    const items = this.items.slice(this.head).filter((item): item is T => item !== undefined);
    this.items = [];
    this.head = 0;
    this.count = 0;
    return items;
  }

  // Drops the consumed prefix once it dominates, so a long-lived queue does not grow forever.
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
