import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { errorMessage } from '../../components/page-states';
import { ApiError } from '../../lib/api-client';
import { signIn, takeSignOutReason, useSession } from '../../lib/session';
import { useCheckToken } from './use-check-token';

/** Where a signed-out visitor was going, to return there after signing in. */
export interface SignInState {
  from?: string;
}

export function SignInPage() {
  const token = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const check = useCheckToken();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice] = useState(takeSignOutReason);
  const from = (location.state as SignInState | null)?.from ?? '/events';

  if (token) return <Navigate to={from} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const candidate = value.trim();
    if (!candidate) {
      setError('Enter the admin token');
      return;
    }
    setError(null);
    check.mutate(candidate, {
      onSuccess: () => {
        signIn(candidate);
        void navigate(from, { replace: true });
      },
      onError: (failure) =>
        setError(
          failure instanceof ApiError && failure.statusCode === 401
            ? 'The server refused this token'
            : errorMessage(failure),
        ),
    });
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <form onSubmit={submit} noValidate>
          <Stack>
            <div>
              <Title order={1} fz="h2">
                Hookyard
              </Title>
              <Text c="dimmed" size="sm">
                Sign in with the admin token (<code>HOOKYARD_ADMIN_TOKEN</code>). It is kept for
                this tab only.
              </Text>
            </div>
            {notice && (
              <Alert color="yellow" variant="light">
                {notice}
              </Alert>
            )}
            <PasswordInput
              label="Admin token"
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              error={error}
              autoComplete="current-password"
              data-autofocus
              autoFocus
            />
            <Button type="submit" loading={check.isPending}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
