import type { StreamMessage } from '@hookyard/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { API_BASE } from '../../lib/api-client';
import { deliveryKeys } from '../deliveries/query-keys';
import { eventKeys } from '../events/query-keys';
import { applyStreamMessage, type KnownStatuses } from './stream-cache';

export type LiveStatus = 'connecting' | 'live' | 'offline';

const TYPES: StreamMessage['type'][] = ['event.created', 'delivery.updated'];

/**
 * Keeps the cache live from `GET /api/v1/stream` while signed in. `EventSource` cannot send
 * headers, so the token goes as `?access_token=`. After a drop, lists are fetched again to
 * catch up with what was missed.
 */
export function useLiveStream(token: string | null): LiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    if (!token) return;
    const source = new EventSource(`${API_BASE}/stream?access_token=${encodeURIComponent(token)}`);
    let dropped = false;
    const known: KnownStatuses = new Map();

    const listeners = TYPES.map((type) => {
      const listener = (event: MessageEvent<string>) => {
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        applyStreamMessage(queryClient, { type, data } as StreamMessage, known);
      };
      source.addEventListener(type, listener);
      return [type, listener] as const;
    });
    source.onopen = () => {
      setStatus('live');
      if (dropped) {
        dropped = false;
        // Messages were missed: what was known of each delivery may be out of date.
        known.clear();
        void queryClient.invalidateQueries({ queryKey: eventKeys.lists() });
        void queryClient.invalidateQueries({ queryKey: deliveryKeys.all });
      }
    };
    source.onerror = () => {
      dropped = true;
      setStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    };

    return () => {
      for (const [type, listener] of listeners) source.removeEventListener(type, listener);
      source.close();
    };
  }, [token, queryClient]);

  return status;
}
