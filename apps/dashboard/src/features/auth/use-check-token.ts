import { useMutation } from '@tanstack/react-query';
import { checkToken } from './auth.api';

export function useCheckToken() {
  return useMutation({ mutationFn: (token: string) => checkToken(token) });
}
