import type {
  CreateDestinationRequest,
  DestinationResponse,
  Page,
  UpdateDestinationRequest,
} from '@hookyard/contracts';
import { request } from '../../lib/api-client';

export function listDestinations(signal?: AbortSignal): Promise<Page<DestinationResponse>> {
  return request<Page<DestinationResponse>>('/destinations', { signal });
}

export function createDestination(input: CreateDestinationRequest): Promise<DestinationResponse> {
  return request<DestinationResponse>('/destinations', { method: 'POST', body: input });
}

/** `{ paused }` pauses or resumes; `{ disabled: false }` enables a disabled destination. */
export function updateDestination(
  id: string,
  patch: UpdateDestinationRequest,
): Promise<DestinationResponse> {
  return request<DestinationResponse>(`/destinations/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: patch,
  });
}

export function deleteDestination(id: string): Promise<void> {
  return request<void>(`/destinations/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** A sample event sent to the destination alone. */
export function sendTestEvent(id: string): Promise<{ eventId: string; deliveryId: string }> {
  return request(`/destinations/${encodeURIComponent(id)}/test`, { method: 'POST' });
}
