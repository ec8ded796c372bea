'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * Animates 0 → target once, on first load (~600 ms), then tracks the target exactly.
 * Returns null when the final value should be displayed as is.
 */
export function useCountUp(target: number | null, duration = 600): number | null {
  const [value, setValue] = useState<number | null>(null);
  const done = useRef(false);
  useEffect(() => {
    if (done.current || target === null || !Number.isFinite(target) || target === 0) return;
    if (typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches) {
      done.current = true;
      return;
    }
    done.current = true;
    const start = performance.now();
    let frame = 0;
    const tick = (now: number) => {
      const t = Math.min(1, (now - start) / duration);
      const eased = 1 - Math.pow(1 - t, 3);
      if (t < 1) {
        setValue(target * eased);
        frame = requestAnimationFrame(tick);
      } else {
        setValue(null);
      }
    };
    frame = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(frame);
      setValue(null);
    };
  }, [target, duration]);
  return value;
}
