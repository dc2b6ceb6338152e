import type { DeliveryFilters } from './deliveries.api';

export const deliveryKeys = {
  all: ['deliveries'] as const,
  lists: () => [...deliveryKeys.all, 'list'] as const,
  list: (filters: DeliveryFilters) => [...deliveryKeys.lists(), filters] as const,
  count: (filters: DeliveryFilters) => [...deliveryKeys.all, 'count', filters] as const,
  /** All of one event's deliveries, read to count them again for the events list. */
  ofEvent: (eventId: string) => [...deliveryKeys.all, 'of-event', eventId] as const,
  details: () => [...deliveryKeys.all, 'detail'] as const,
  detail: (id: string) => [...deliveryKeys.details(), id] as const,
};
