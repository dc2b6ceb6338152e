import type {
  CreateSourceRequest,
  Page,
  SourceResponse,
  SourceTestResponse,
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

/** Sends a test event through the source's ingest path, signed as its provider would sign it. */
export function sendSourceTest(id: string): Promise<SourceTestResponse> {
  return request<SourceTestResponse>(`/sources/${encodeURIComponent(id)}/test`, {
    method: 'POST',
  });
}
