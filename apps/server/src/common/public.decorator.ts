import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'hookyard:public';

/** Opens a route to callers without the admin token. Every use is a deliberate hole. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
