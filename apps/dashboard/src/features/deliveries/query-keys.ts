import type { DeliveryFilters } from './deliveries.api';

export const deliveryKeys = {
  all: ['deliveries'] as const,
  lists: () => [...deliveryKeys.all, 'list'] as const,
  list: (filters: DeliveryFilters) => [...deliveryKeys.lists(), filters] as const,
  /** The latest deliveries of any event: the delivery status column of the events list. */
  recent: () => [...deliveryKeys.all, 'recent'] as const,
  count: (filters: DeliveryFilters) => [...deliveryKeys.all, 'count', filters] as const,
  details: () => [...deliveryKeys.all, 'detail'] as const,
  detail: (id: string) => [...deliveryKeys.details(), id] as const,
};
