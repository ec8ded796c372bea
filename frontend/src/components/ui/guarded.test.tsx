// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it, vi } from 'vitest';
import { GuardedButton } from './guarded';

// React's act() needs this flag outside a test renderer.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function mount(reason: string | null, onClick: () => void) {
  const host = document.createElement('div');
  document.body.append(host);
  act(() =>
    createRoot(host).render(
      <form onSubmit={(e) => (e.preventDefault(), onClick())}>
        <GuardedButton reason={reason} type="submit" onClick={onClick} data-testid="b">
          Start
        </GuardedButton>
      </form>,
    ),
  );
  return host.querySelector<HTMLButtonElement>('[data-testid=b]')!;
}

describe('GuardedButton', () => {
  it('with a reason: shown, aria-disabled, described by the reason, and inert', () => {
    const onClick = vi.fn();
    const button = mount('Only admins can start a backfill.', onClick);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    // Focusable (not `disabled`), so keyboard users reach it and hear why.
    expect(button.disabled).toBe(false);
    const tip = document.getElementById(button.getAttribute('aria-describedby')!);
    expect(tip?.textContent).toBe('Only admins can start a backfill.');
    expect(tip?.getAttribute('role')).toBe('tooltip');
    act(() => button.click());
    expect(onClick).not.toHaveBeenCalled(); // neither its handler nor the form's submit
  });

  it('without a reason: an ordinary button', () => {
    const onClick = vi.fn();
    const button = mount(null, onClick);
    expect(button.hasAttribute('aria-disabled')).toBe(false);
    act(() => button.click());
    expect(onClick).toHaveBeenCalled();
  });
});
