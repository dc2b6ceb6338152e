import {
  createConnectionSchema,
  type ConnectionResponse,
  type CreateConnectionRequest,
  type DestinationResponse,
  type SourceResponse,
} from '@hookyard/contracts';
import { Alert, Button, Group, JsonInput, Select, SimpleGrid, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../components/page-states';
import { ApiError } from '../../../lib/api-client';
import {
  apiMessageToErrors,
  issuesToErrors,
  withoutError,
  type FieldErrors,
} from '../../../lib/form-errors';

interface Props {
  sources: SourceResponse[];
  destinations: DestinationResponse[];
  onSubmit: (input: CreateConnectionRequest) => Promise<ConnectionResponse>;
  onCreated?: (connection: ConnectionResponse) => void;
}

const FILTER_EXAMPLE = `{
  "headers": { "X-GitHub-Event": "push" },
  "body": { "repository.name": "hookyard" }
}`;

const fieldOf = (path: string): string | null =>
  path === 'sourceId' || path === 'destinationId'
    ? path
    : path === 'filter' || path.startsWith('filter.')
      ? 'filter'
      : null;

/** Connects a source to a destination, optionally only for requests matching a filter. */
export function ConnectionForm({ sources, destinations, onSubmit, onCreated }: Props) {
  const [sourceId, setSourceId] = useState<string | null>(null);
  const [destinationId, setDestinationId] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let parsedFilter: unknown = null;
    if (filter.trim()) {
      try {
        parsedFilter = JSON.parse(filter);
      } catch {
        setErrors({ filter: 'must be JSON' });
        return;
      }
    }
    const input = {
      sourceId: sourceId ?? '',
      destinationId: destinationId ?? '',
      filter: parsedFilter,
    };
    const parsed = createConnectionSchema.safeParse(input);
    if (!parsed.success) {
      const found: FieldErrors = {};
      for (const [path, message] of Object.entries(issuesToErrors(parsed.error.issues))) {
        const field = fieldOf(path) ?? 'filter';
        found[field] ??=
          field === 'filter' && path !== 'filter' ? `${path.slice(7)}: ${message}` : message;
      }
      if (!sourceId) found.sourceId = 'Choose a source';
      if (!destinationId) found.destinationId = 'Choose a destination';
      setErrors(found);
      return;
    }
    setErrors({});
    setFormError(null);
    setSubmitting(true);
    try {
      const connection = await onSubmit(input as CreateConnectionRequest);
      setSourceId(null);
      setDestinationId(null);
      setFilter('');
      onCreated?.(connection);
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 400) {
        const { fields, rest } = apiMessageToErrors(error.message, fieldOf);
        setErrors(fields);
        setFormError(rest.length ? rest.join('; ') : null);
      } else {
        setFormError(errorMessage(error));
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="New connection">
      <Stack>
        {formError && (
          <Alert color="red" title="The connection was not created" role="alert">
            {formError}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Source"
            placeholder="Choose a source"
            data={sources.map((s) => ({ value: s.id, label: `${s.name} (${s.slug})` }))}
            value={sourceId}
            onChange={(value) => {
              setSourceId(value);
              setErrors((current) => withoutError(current, 'sourceId'));
            }}
            error={errors.sourceId}
            searchable
            required
          />
          <Select
            label="Destination"
            placeholder="Choose a destination"
            data={destinations.map((d) => ({ value: d.id, label: d.name }))}
            value={destinationId}
            onChange={(value) => {
              setDestinationId(value);
              setErrors((current) => withoutError(current, 'destinationId'));
            }}
            error={errors.destinationId}
            searchable
            required
          />
        </SimpleGrid>
        <JsonInput
          label="Filter (optional)"
          description="Forward only requests whose headers and JSON body paths equal these values; empty forwards all"
          placeholder={FILTER_EXAMPLE}
          autosize
          minRows={3}
          value={filter}
          onChange={(value) => {
            setFilter(value);
            setErrors((current) => withoutError(current, 'filter'));
          }}
          error={errors.filter}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={submitting}>
            Connect
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
