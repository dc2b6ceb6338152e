import type {
  CreateSourceRequest,
  Page,
  SourceResponse,
  UpdateSourceRequest,
} from '@hookyard/contracts';
import { request } from '../../lib/api-client';

export function listSources(signal?: AbortSignal): Promise<Page<SourceResponse>> {
  return request<Page<SourceResponse>>('/sources', { signal });
}

export function createSource(input: CreateSourceRequest): Promise<SourceResponse> {
  return request<SourceResponse>('/sources', { method: 'POST', body: input });
}

export function updateSource(id: string, patch: UpdateSourceRequest): Promise<SourceResponse> {
  return request<SourceResponse>(`/sources/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: patch,
  });
}

export function deleteSource(id: string): Promise<void> {
  return request<void>(`/sources/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
