import {
  DEFAULT_MAX_BODY_BYTES,
  MIB,
  createSourceSchema,
  updateSourceSchema,
  type CreateSourceRequest,
  type SourceResponse,
  type UpdateSourceRequest,
  type VerificationTypeName,
} from '@hookyard/contracts';
import {
  Alert,
  Button,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
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

export const VERIFICATION_LABELS: Record<VerificationTypeName, string> = {
  none: 'None',
  shared_secret: 'Shared secret in a header',
  hmac: 'HMAC of the body (generic)',
  github: 'GitHub',
  stripe: 'Stripe',
  shopify: 'Shopify',
  slack: 'Slack',
  standard_webhooks: 'Standard Webhooks (Svix, Resend, …)',
};

const WITH_HEADER: VerificationTypeName[] = ['shared_secret', 'hmac'];
const WITH_TOLERANCE: VerificationTypeName[] = ['stripe', 'slack', 'standard_webhooks'];

interface Values {
  name: string;
  slug: string;
  type: VerificationTypeName;
  secrets: string;
  header: string;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  encoding: 'hex' | 'base64';
  prefix: string;
  toleranceSeconds: number | '';
  maxBodyMiB: number | '';
  passthrough: boolean;
  passthroughTimeoutMs: number | '';
}

/** Below Slack's 3 s, the tightest common provider deadline. */
const DEFAULT_PASSTHROUGH_MS = 2500;

const INITIAL: Values = {
  name: '',
  slug: '',
  type: 'none',
  secrets: '',
  header: '',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: '',
  toleranceSeconds: '',
  maxBodyMiB: DEFAULT_MAX_BODY_BYTES / MIB,
  passthrough: false,
  passthroughTimeoutMs: DEFAULT_PASSTHROUGH_MS,
};

/** A source's settings in the form; its secrets are write-only, so they start empty. */
function valuesOf(source: SourceResponse): Values {
  const { verification: v } = source;
  return {
    ...INITIAL,
    name: source.name,
    slug: source.slug,
    type: v.type,
    header: v.header ?? '',
    algorithm: (v.algorithm as Values['algorithm'] | undefined) ?? 'sha256',
    encoding: (v.encoding as Values['encoding'] | undefined) ?? 'hex',
    prefix: v.prefix ?? '',
    toleranceSeconds: v.toleranceSeconds ?? '',
    maxBodyMiB: Math.round((source.maxBodyBytes / MIB) * 100) / 100,
    passthrough: Boolean(source.passthrough),
    passthroughTimeoutMs: source.passthrough?.timeoutMs ?? DEFAULT_PASSTHROUGH_MS,
  };
}

/**
 * The changes of an edit. The verification rule goes only when it changed or new secrets
 * were typed (a rotation); changing it needs the secrets again, since none are sent back.
 */
function toPatch(values: Values, source: SourceResponse): UpdateSourceRequest {
  const full = toRequest(values);
  const before = valuesOf(source);
  const ruleChanged = (
    ['type', 'header', 'algorithm', 'encoding', 'prefix', 'toleranceSeconds'] as const
  ).some((key) => values[key] !== before[key]);
  const patch: UpdateSourceRequest = { name: full.name, slug: full.slug };
  if (full.maxBodyBytes !== undefined) patch.maxBodyBytes = full.maxBodyBytes;
  if (ruleChanged || values.secrets.trim()) patch.verification = full.verification;
  const passthroughChanged =
    values.passthrough !== before.passthrough ||
    (values.passthrough && values.passthroughTimeoutMs !== before.passthroughTimeoutMs);
  if (passthroughChanged) patch.passthrough = passthroughOf(values);
  return patch;
}

/** "My GitHub app" → "my-github-app" */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

function toRequest(v: Values): CreateSourceRequest {
  const secrets = v.secrets
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  const tolerance = v.toleranceSeconds === '' ? {} : { toleranceSeconds: v.toleranceSeconds };
  const verification = ((): CreateSourceRequest['verification'] => {
    switch (v.type) {
      case 'none':
        return { type: 'none' };
      case 'shared_secret':
        return { type: 'shared_secret', header: v.header.trim(), secrets };
      case 'hmac':
        return {
          type: 'hmac',
          header: v.header.trim(),
          algorithm: v.algorithm,
          encoding: v.encoding,
          ...(v.prefix ? { prefix: v.prefix } : {}),
          secrets,
        };
      case 'github':
      case 'shopify':
        return { type: v.type, secrets };
      case 'stripe':
      case 'slack':
      case 'standard_webhooks':
        return { type: v.type, secrets, ...tolerance };
    }
  })();
  return {
    name: v.name,
    slug: v.slug,
    verification,
    ...(v.maxBodyMiB === '' ? {} : { maxBodyBytes: Math.round(v.maxBodyMiB * MIB) }),
    ...(v.passthrough && { passthrough: passthroughOf(v) }),
  };
}

function passthroughOf(v: Values): CreateSourceRequest['passthrough'] {
  return v.passthrough ? { timeoutMs: Number(v.passthroughTimeoutMs || 0) } : null;
}

/** Which input shows the error of a request field. */
function fieldOf(path: string): string | null {
  if (path === 'name' || path === 'slug') return path;
  if (path === 'maxBodyBytes') return 'maxBodyMiB';
  if (path.startsWith('passthrough')) return 'passthroughTimeoutMs';
  if (path === 'verification.type' || path === 'verification') return 'type';
  if (path.startsWith('verification.secrets')) return 'secrets';
  const rest = path.replace(/^verification\./, '');
  return ['header', 'algorithm', 'encoding', 'prefix', 'toleranceSeconds'].includes(rest)
    ? rest
    : null;
}

function toFieldErrors(errors: FieldErrors): { fields: FieldErrors; rest: string[] } {
  const fields: FieldErrors = {};
  const rest: string[] = [];
  for (const [path, message] of Object.entries(errors)) {
    const field = fieldOf(path);
    if (field) fields[field] ??= message;
    else rest.push(path ? `${path}: ${message}` : message);
  }
  return { fields, rest };
}

interface CommonProps {
  onCreated?: (source: SourceResponse) => void;
  onCancel?: () => void;
}

/** A new source (POST), or changes to one (PATCH); rejects with the API's error. */
type Props = CommonProps &
  (
    | { source?: undefined; onSubmit: (input: CreateSourceRequest) => Promise<SourceResponse> }
    | { source: SourceResponse; onSubmit: (patch: UpdateSourceRequest) => Promise<SourceResponse> }
  );

/**
 * A source: name, slug, the verification rule of its provider, body limit. Checked with the
 * API's own schema first; the API's refusals show next to the fields they name.
 */
export function SourceForm(props: Props) {
  const { source, onCreated, onCancel } = props;
  const [values, setValues] = useState<Values>(() => (source ? valuesOf(source) : INITIAL));
  const [slugEdited, setSlugEdited] = useState(source !== undefined);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((current) => ({
      ...current,
      [key]: value,
      ...(key === 'name' && !slugEdited ? { slug: slugify(String(value)) } : {}),
    }));
    setErrors((current) => withoutError(current, key));
  };

  const send = (): Promise<SourceResponse> | FieldErrors => {
    if (props.source) {
      const patch = toPatch(values, props.source);
      const parsed = updateSourceSchema.safeParse(patch);
      return parsed.success ? props.onSubmit(patch) : issuesToErrors(parsed.error.issues);
    }
    const input = toRequest(values);
    const parsed = createSourceSchema.safeParse(input);
    return parsed.success ? props.onSubmit(input) : issuesToErrors(parsed.error.issues);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const sent = send();
    if (!(sent instanceof Promise)) {
      const { fields, rest } = toFieldErrors(sent);
      setErrors(fields);
      setFormError(rest);
      return;
    }
    setErrors({});
    setFormError([]);
    setSubmitting(true);
    try {
      const saved = await sent;
      if (!props.source) {
        setValues(INITIAL);
        setSlugEdited(false);
      }
      onCreated?.(saved);
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 400) {
        const { fields, rest } = apiMessageToErrors(error.message, fieldOf);
        setErrors(fields);
        setFormError(rest);
      } else if (error instanceof ApiError && error.statusCode === 409) {
        setErrors({ slug: error.message });
      } else {
        setFormError([errorMessage(error)]);
      }
    } finally {
      setSubmitting(false);
    }
  };

  const { type } = values;
  return (
    <form
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={source ? `Edit ${source.name}` : 'New source'}
    >
      <Stack>
        {formError.length > 0 && (
          <Alert
            color="red"
            title={source ? 'The source was not saved' : 'The source was not created'}
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
            label="Slug"
            description="The ingest URL ends in /in/<slug>"
            required
            value={values.slug}
            onChange={(e) => {
              setSlugEdited(true);
              set('slug', e.currentTarget.value);
            }}
            error={errors.slug}
          />
        </SimpleGrid>
        <Select
          label="Verification"
          data={Object.entries(VERIFICATION_LABELS).map(([value, label]) => ({ value, label }))}
          value={type}
          onChange={(value) => set('type', (value ?? 'none') as VerificationTypeName)}
          allowDeselect={false}
          error={errors.type}
        />
        {WITH_HEADER.includes(type) && (
          <TextInput
            label="Signature header"
            placeholder={type === 'hmac' ? 'X-Signature' : 'X-Webhook-Token'}
            required
            value={values.header}
            onChange={(e) => set('header', e.currentTarget.value)}
            error={errors.header}
          />
        )}
        {type === 'hmac' && (
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              label="Algorithm"
              data={['sha1', 'sha256', 'sha512']}
              value={values.algorithm}
              onChange={(value) => set('algorithm', (value ?? 'sha256') as Values['algorithm'])}
              allowDeselect={false}
              error={errors.algorithm}
            />
            <Select
              label="Encoding"
              data={['hex', 'base64']}
              value={values.encoding}
              onChange={(value) => set('encoding', (value ?? 'hex') as Values['encoding'])}
              allowDeselect={false}
              error={errors.encoding}
            />
            <TextInput
              label="Prefix"
              placeholder="sha256="
              value={values.prefix}
              onChange={(e) => set('prefix', e.currentTarget.value)}
              error={errors.prefix}
            />
          </SimpleGrid>
        )}
        {type !== 'none' && (
          <Textarea
            label="Secrets"
            description={
              source && source.verification.type !== 'none'
                ? `Empty keeps the ${source.verification.secretCount} current one(s). To rotate, enter the new and the old one, one per line`
                : 'One per line; during a rotation, list the new and the old one'
            }
            required={!source}
            autosize
            minRows={2}
            value={values.secrets}
            onChange={(e) => set('secrets', e.currentTarget.value)}
            error={errors.secrets}
            ff="monospace"
          />
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {WITH_TOLERANCE.includes(type) && (
            <NumberInput
              label="Timestamp tolerance (seconds)"
              placeholder="300"
              min={1}
              allowDecimal={false}
              value={values.toleranceSeconds}
              onChange={(value) => set('toleranceSeconds', value === '' ? '' : Number(value))}
              error={errors.toleranceSeconds}
            />
          )}
          <NumberInput
            label="Body limit (MiB)"
            min={0}
            decimalScale={2}
            value={values.maxBodyMiB}
            onChange={(value) => set('maxBodyMiB', value === '' ? '' : Number(value))}
            error={errors.maxBodyMiB}
          />
        </SimpleGrid>
        <Stack gap={4}>
          <Switch
            label="Answer with the destination's response"
            aria-describedby="passthrough-help"
            checked={values.passthrough}
            onChange={(e) => set('passthrough', e.currentTarget.checked)}
          />
          <Text id="passthrough-help" size="xs" c="dimmed">
            The provider gets the first destination's answer (a CLI's too) when it comes within the
            wait; otherwise the usual 202. Handshakes are answered as always.
          </Text>
        </Stack>
        {values.passthrough && (
          <NumberInput
            label="Wait for it at most (ms)"
            description="Keep it under the provider's deadline: Slack waits 3000 ms"
            min={100}
            max={30_000}
            step={100}
            allowDecimal={false}
            value={values.passthroughTimeoutMs}
            onChange={(value) => set('passthroughTimeoutMs', value === '' ? '' : Number(value))}
            error={errors.passthroughTimeoutMs}
          />
        )}
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={submitting}>
            {source ? 'Save source' : 'Create source'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
