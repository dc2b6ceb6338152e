import { SetMetadata } from '@nestjs/common';

export const ALLOW_QUERY_TOKEN = 'hookyard:allow-query-token';

/**
 * Also accepts the admin token as `?access_token=<token>` on this route, for clients that
 * cannot send headers (a browser's `EventSource`). Logs never carry query strings.
 */
export const AllowQueryToken = () => SetMetadata(ALLOW_QUERY_TOKEN, true);
