'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { API_BASE } from '../api/client';
import { invalidationsFor, LIVE_EVENTS, type LiveEvent } from '../api/query-keys';

export type LiveState = 'connecting' | 'open' | 'closed';

/**
 * Subscribes to the server's event stream (GET /api/v1/events, Server-Sent Events) and
 * invalidates the queries an event makes stale. EventSource reconnects by itself.
 */
export function useLiveUpdates(enabled: boolean, onEvent?: (event: LiveEvent, data: unknown) => void): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const es = new EventSource(`${API_BASE}/events`, { withCredentials: true });
    es.onopen = () => setState('open');
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    const handlers = LIVE_EVENTS.map((name) => {
      const handler = (ev: MessageEvent) => {
        let data: unknown = null;
        try {
          data = ev.data ? JSON.parse(ev.data) : null;
        } catch {
          data = ev.data;
        }
        for (const key of invalidationsFor(name)) void qc.invalidateQueries({ queryKey: key });
        onEvent?.(name, data);
      };
      es.addEventListener(name, handler);
      return [name, handler] as const;
    });
    return () => {
      for (const [name, h] of handlers) es.removeEventListener(name, h);
      es.close();
    };
  }, [enabled, qc, onEvent]);

  return state;
}
