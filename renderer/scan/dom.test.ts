import { describe, expect, it } from 'vitest';
import { removeTypedText } from './dom';

/** An input as far as removeTypedText cares: value, caret, and the input event React listens to. */
class FakeInput {
  private v: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  events: string[] = [];
  constructor(value: string, caret = value.length) {
    this.v = value;
    this.selectionStart = caret;
    this.selectionEnd = caret;
  }
  get value(): string {
    return this.v;
  }
  set value(next: string) {
    this.v = next;
  }
  setSelectionRange(start: number, end: number): void {
    this.selectionStart = start;
    this.selectionEnd = end;
  }
  dispatchEvent(e: Event): boolean {
    this.events.push(e.type);
    return true;
  }
}

describe('removing what a scan typed into a focused input', () => {
  it('removes the leaked keys just before the caret and tells React', () => {
    const input = new FakeInput('AB-69012', 8);
    removeTypedText(input, '69012');
    expect(input.value).toBe('AB-');
    expect(input.selectionStart).toBe(3);
    expect(input.events).toEqual(['input']);
  });

  it('keeps text after the caret', () => {
    const input = new FakeInput('x12345y', 6);
    removeTypedText(input, '12345');
    expect(input.value).toBe('xy');
  });

  it('leaves the field alone when the keys are not what is before the caret', () => {
    const input = new FakeInput('hello', 5);
    removeTypedText(input, '12345');
    expect(input.value).toBe('hello');
    expect(input.events).toEqual([]);
    removeTypedText({ notAnInput: true }, '12345');
  });
});
