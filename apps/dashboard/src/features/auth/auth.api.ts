import type { Page, SourceResponse } from '@hookyard/contracts';
import { request } from '../../lib/api-client';

/** Whether the server takes this token: one cheap authenticated call made with it. */
export async function checkToken(token: string): Promise<void> {
  await request<Page<SourceResponse>>('/sources', { token });
}
