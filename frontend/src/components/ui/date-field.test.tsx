// @vitest-environment jsdom
import { act, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { DateField } from './date-field';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const seen: (string | undefined)[] = [];
function Harness({ initial, max }: { initial?: string; max?: string }) {
  const [value, setValue] = useState(initial);
  return (
    <DateField
      label="From date"
      value={value}
      max={max}
      onChange={(v) => {
        seen.push(v);
        setValue(v);
      }}
      data-testid="f"
    />
  );
}

let container: HTMLDivElement;
function mount(el: React.ReactElement) {
  container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  act(() => root.render(el));
  return container.querySelector<HTMLInputElement>('[data-testid=f]')!;
}
function type(input: HTMLInputElement, text: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  act(() => {
    setter.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
const blur = (input: HTMLInputElement) => act(() => input.dispatchEvent(new FocusEvent('focusout', { bubbles: true })));

afterEach(() => {
  seen.length = 0;
  container?.remove();
});

describe('DateField', () => {
  it('shows the value as "04 Dec 2026" and has the accessible name', () => {
    const input = mount(<Harness initial="2026-12-04" />);
    expect(input.value).toBe('04 Dec 2026');
    expect(input.getAttribute('aria-label')).toBe('From date');
    expect(input.getAttribute('data-value')).toBe('2026-12-04');
  });

  it('applies a day-first date as soon as it is whole, and writes it back on leaving', () => {
    const input = mount(<Harness />);
    type(input, '4/12/202');
    expect(seen).toEqual([]);
    type(input, '4/12/2026');
    expect(seen).toEqual(['2026-12-04']);
    expect(input.value).toBe('4/12/2026'); // what was typed stays while typing
    blur(input);
    expect(input.value).toBe('04 Dec 2026');
  });

  it('flags what is no date or out of range and applies nothing', () => {
    const input = mount(<Harness initial="2026-12-04" max="2026-12-31" />);
    type(input, '12/13/2026');
    blur(input);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(container.querySelector('[role=alert]')?.textContent).toBe('Write it as 04 Dec 2026');
    type(input, '01 Jan 2027');
    blur(input);
    expect(container.querySelector('[role=alert]')?.textContent).toBe('On or before 31 Dec 2026');
    expect(seen).toEqual([]);
    act(() => input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(input.value).toBe('04 Dec 2026');
    expect(input.getAttribute('aria-invalid')).toBeNull();
  });

  it('clears an optional date when emptied', () => {
    const input = mount(<Harness initial="2026-12-04" />);
    type(input, '');
    expect(seen).toEqual([undefined]);
  });
});
