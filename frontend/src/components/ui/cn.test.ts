import { describe, expect, it } from 'vitest';
import { cn } from './cn';

describe('cn', () => {
  it('keeps a text colour beside a design font size (white text on primary buttons)', () => {
    expect(cn('bg-accent text-white', 'h-9 px-4 text-body')).toBe('bg-accent text-white h-9 px-4 text-body');
    expect(cn('text-white', 'text-caption')).toBe('text-white text-caption');
  });
  it('still lets a later colour or size win', () => {
    expect(cn('text-fg-2', 'text-fg')).toBe('text-fg');
    expect(cn('text-body', 'text-caption')).toBe('text-caption');
  });
});
