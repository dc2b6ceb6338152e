import type {
  ConnectionResponse,
  CreateConnectionRequest,
  ListConnectionsQuery,
  Page,
} from '@hookyard/contracts';
import { request } from '../../lib/api-client';

export function listConnections(
  filters: ListConnectionsQuery,
  signal?: AbortSignal,
): Promise<Page<ConnectionResponse>> {
  return request<Page<ConnectionResponse>>('/connections', { query: { ...filters }, signal });
}

export function createConnection(input: CreateConnectionRequest): Promise<ConnectionResponse> {
  return request<ConnectionResponse>('/connections', { method: 'POST', body: input });
}

export function deleteConnection(id: string): Promise<void> {
  return request<void>(`/connections/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
