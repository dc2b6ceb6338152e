import {
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIMEOUT_MS,
  createDestinationSchema,
  updateDestinationSchema,
  type CreateDestinationRequest,
  type DestinationResponse,
  type UpdateDestinationRequest,
} from '@hookyard/contracts';
import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../components/page-states';
import { ApiError } from '../../../lib/api-client';
import {
  apiMessageToErrors,
  issuesToErrors,
  withoutError,
  type FieldErrors,
} from '../../../lib/form-errors';

interface Values {
  name: string;
  url: string;
  timeoutSeconds: number | '';
  maxAttempts: number | '';
  initialDelaySeconds: number | '';
  maxDelaySeconds: number | '';
  headers: string;
  rateLimitPerSecond: number | '';
  signingSecret: string;
  removeSigningSecret: boolean;
}

const INITIAL: Values = {
  name: '',
  url: '',
  timeoutSeconds: DEFAULT_TIMEOUT_MS / 1000,
  maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
  initialDelaySeconds: DEFAULT_RETRY_POLICY.initialDelayMs / 1000,
  maxDelaySeconds: DEFAULT_RETRY_POLICY.maxDelayMs / 1000,
  headers: '',
  rateLimitPerSecond: '',
  signingSecret: '',
  removeSigningSecret: false,
};

/** A destination's settings in the form; its signing secret is write-only, so it starts empty. */
function valuesOf(d: DestinationResponse): Values {
  return {
    ...INITIAL,
    name: d.name,
    url: d.url,
    timeoutSeconds: d.timeoutMs / 1000,
    maxAttempts: d.retry.maxAttempts,
    initialDelaySeconds: d.retry.initialDelayMs / 1000,
    maxDelaySeconds: d.retry.maxDelayMs / 1000,
    headers: Object.entries(d.headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    rateLimitPerSecond: d.rateLimitPerSecond ?? '',
  };
}

/** `Name: value` lines → headers; the lines that are not are reported by number. */
export function parseHeaderLines(text: string): {
  headers: Record<string, string>;
  bad: number[];
} {
  const headers: Record<string, string> = {};
  const bad: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const colon = line.indexOf(':');
    if (colon <= 0) bad.push(i + 1);
    else headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  return { headers, bad };
}

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

const seconds = (value: number | '') => (value === '' ? undefined : Math.round(value * 1000));

function toRequest(v: Values, headers: Record<string, string>): CreateDestinationRequest {
  return {
    name: v.name,
    url: v.url.trim(),
    timeoutMs: seconds(v.timeoutSeconds),
    retry: {
      maxAttempts: v.maxAttempts === '' ? undefined : v.maxAttempts,
      initialDelayMs: seconds(v.initialDelaySeconds),
      maxDelayMs: seconds(v.maxDelaySeconds),
    },
    headers,
    rateLimitPerSecond: v.rateLimitPerSecond === '' ? null : v.rateLimitPerSecond,
    signingSecret: v.signingSecret.trim() || null,
  };
}

const FIELDS: Record<string, keyof Values> = {
  name: 'name',
  url: 'url',
  timeoutMs: 'timeoutSeconds',
  'retry.maxAttempts': 'maxAttempts',
  'retry.initialDelayMs': 'initialDelaySeconds',
  'retry.maxDelayMs': 'maxDelaySeconds',
  rateLimitPerSecond: 'rateLimitPerSecond',
  signingSecret: 'signingSecret',
};

function fieldOf(path: string): string | null {
  if (path === 'headers' || path.startsWith('headers.')) return 'headers';
  return FIELDS[path] ?? null;
}

function split(errors: FieldErrors): { fields: FieldErrors; rest: string[] } {
  const fields: FieldErrors = {};
  const rest: string[] = [];
  for (const [path, message] of Object.entries(errors)) {
    const field = fieldOf(path);
    if (field)
      fields[field] ??= path.startsWith('headers.') ? `${path.slice(8)}: ${message}` : message;
    else rest.push(path ? `${path}: ${message}` : message);
  }
  return { fields, rest };
}

interface CommonProps {
  onCreated?: (destination: DestinationResponse) => void;
  onCancel?: () => void;
}

/** A new destination (POST), or changes to one (PATCH); rejects with the API's error. */
type Props = CommonProps &
  (
    | {
        destination?: undefined;
        onSubmit: (input: CreateDestinationRequest) => Promise<DestinationResponse>;
      }
    | {
        destination: DestinationResponse;
        onSubmit: (patch: UpdateDestinationRequest) => Promise<DestinationResponse>;
      }
  );

/** A destination: URL, timeout, retry policy, extra headers, rate limit, signing secret. */
export function DestinationForm(props: Props) {
  const { destination, onCreated, onCancel } = props;
  const [values, setValues] = useState<Values>(() =>
    destination ? valuesOf(destination) : INITIAL,
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((current) => ({ ...current, [key]: value }));
    setErrors((current) => withoutError(current, key));
  };

  const send = (headers: Record<string, string>): Promise<DestinationResponse> | FieldErrors => {
    const input = toRequest(values, headers);
    if (props.destination) {
      const { signingSecret, ...rest } = input;
      const patch: UpdateDestinationRequest = {
        ...rest,
        ...(values.removeSigningSecret ? { signingSecret: null } : {}),
        ...(signingSecret ? { signingSecret } : {}),
      };
      const parsed = updateDestinationSchema.safeParse(patch);
      return parsed.success ? props.onSubmit(patch) : issuesToErrors(parsed.error.issues);
    }
    const parsed = createDestinationSchema.safeParse(input);
    return parsed.success ? props.onSubmit(input) : issuesToErrors(parsed.error.issues);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { headers, bad } = parseHeaderLines(values.headers);
    const sent = send(headers);
    const found = sent instanceof Promise ? { fields: {}, rest: [] } : split(sent);
    if (bad.length > 0) {
      found.fields = { ...found.fields, headers: `Line ${bad.join(', ')}: write "Name: value"` };
    }
    if (!(sent instanceof Promise) || bad.length > 0) {
      setErrors(found.fields);
      setFormError(found.rest);
      return;
    }
    setErrors({});
    setFormError([]);
    setSubmitting(true);
    try {
      const saved = await sent;
      if (!props.destination) setValues(INITIAL);
      onCreated?.(saved);
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 400) {
        const { fields, rest } = apiMessageToErrors(error.message, fieldOf);
        setErrors(fields);
        setFormError(rest);
      } else {
        setFormError([errorMessage(error)]);
      }
    } finally {
      setSubmitting(false);
    }
  };

  const number = (key: keyof Values) => (value: string | number) =>
    set(key, value === '' ? '' : Number(value));

  return (
    <form
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={destination ? `Edit ${destination.name}` : 'New destination'}
    >
      <Stack>
        {formError.length > 0 && (
          <Alert
            color="red"
            title={
              destination ? 'The destination was not saved' : 'The destination was not created'
            }
            role="alert"
          >
            {formError.join('; ')}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Name"
            required
            value={values.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            error={errors.name}
          />
          <TextInput
            label="URL"
            placeholder="https://api.example.com/webhooks"
            required
            value={values.url}
            onChange={(e) => set('url', e.currentTarget.value)}
            error={errors.url}
          />
        </SimpleGrid>
        <Fieldset legend="Retries">
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
            <NumberInput
              label="Timeout (seconds)"
              min={0.1}
              value={values.timeoutSeconds}
              onChange={number('timeoutSeconds')}
              error={errors.timeoutSeconds}
            />
            <NumberInput
              label="Attempts"
              min={1}
              max={50}
              allowDecimal={false}
              value={values.maxAttempts}
              onChange={number('maxAttempts')}
              error={errors.maxAttempts}
            />
            <NumberInput
              label="First retry after (seconds)"
              min={0.1}
              value={values.initialDelaySeconds}
              onChange={number('initialDelaySeconds')}
              error={errors.initialDelaySeconds}
            />
            <NumberInput
              label="Longest wait (seconds)"
              min={0.1}
              value={values.maxDelaySeconds}
              onChange={number('maxDelaySeconds')}
              error={errors.maxDelaySeconds}
            />
          </SimpleGrid>
        </Fieldset>
        <Textarea
          label="Extra headers"
          description="One per line: Name: value"
          placeholder="Authorization: Bearer …"
          autosize
          minRows={2}
          ff="monospace"
          value={values.headers}
          onChange={(e) => set('headers', e.currentTarget.value)}
          error={errors.headers}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput
            label="Rate limit (requests per second)"
            placeholder="No limit"
            min={1}
            allowDecimal={false}
            value={values.rateLimitPerSecond}
            onChange={number('rateLimitPerSecond')}
            error={errors.rateLimitPerSecond}
          />
          <TextInput
            label="Signing secret"
            description={
              destination?.hasSigningSecret
                ? 'A secret is set; a new one replaces it'
                : 'Signs each request with Standard Webhooks headers'
            }
            placeholder="whsec_…"
            ff="monospace"
            value={values.signingSecret}
            onChange={(e) => set('signingSecret', e.currentTarget.value)}
            error={errors.signingSecret}
            rightSectionWidth={90}
            rightSection={
              <Button
                size="compact-xs"
                variant="light"
                onClick={() => set('signingSecret', generateSigningSecret())}
              >
                Generate
              </Button>
            }
          />
        </SimpleGrid>
        {destination?.hasSigningSecret && (
          <Checkbox
            label="Stop signing (remove the secret)"
            checked={values.removeSigningSecret}
            onChange={(e) => set('removeSigningSecret', e.currentTarget.checked)}
          />
        )}
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={submitting}>
            {destination ? 'Save destination' : 'Create destination'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
