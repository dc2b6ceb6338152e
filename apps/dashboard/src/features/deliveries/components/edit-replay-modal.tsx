import {
  replaySchema,
  type DestinationResponse,
  type EventResponse,
  type Replay,
} from '@hookyard/contracts';
import {
  ActionIcon,
  Alert,
  Box,
  Button,
  Fieldset,
  Group,
  Modal,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../components/page-states';
import { ApiError } from '../../../lib/api-client';
import { apiMessageToErrors, withoutError, type FieldErrors } from '../../../lib/form-errors';
import {
  editedParts,
  headerRow,
  headerRowErrors,
  initialEdit,
  jsonBodyError,
  originalDeliveryOf,
  type RequestEdit,
} from '../replay-edit';
import { useReplayEvent } from '../use-deliveries';
import { ReplayComparison } from './replay-comparison';
import { NO_TARGET, ReplayTargetFields, replayTargetOf, type ReplayTarget } from './replay-form';

interface Props {
  event: EventResponse;
  destinations: DestinationResponse[];
  opened: boolean;
  onClose: () => void;
}

interface Sent {
  replayId: string;
  originalId: string | null;
}

/**
 * "Edit and replay": change the stored request's headers or body, send it to a destination
 * or a URL, then see the replay's answer beside the original one. Closing forgets the edit.
 */
export function EditReplayModal({ event, destinations, opened, onClose }: Props) {
  const [sent, setSent] = useState<Sent | null>(null);
  const close = () => {
    setSent(null);
    onClose();
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={sent ? 'Replay result' : 'Edit and replay'}
      size="xl"
    >
      {/* Hidden, not unmounted, while the result shows: "Edit again" comes back to the edit. */}
      <Box display={sent ? 'none' : undefined}>
        <EditReplayForm
          event={event}
          destinations={destinations}
          onSent={setSent}
          onCancel={close}
        />
      </Box>
      {sent && (
        <Stack>
          <ReplayComparison originalId={sent.originalId} replayId={sent.replayId} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setSent(null)}>
              Edit again
            </Button>
            <Button onClick={close}>Close</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

interface FormProps {
  event: EventResponse;
  destinations: DestinationResponse[];
  onSent: (sent: Sent) => void;
  onCancel: () => void;
}

/** Which field of the form shows a field of the API's 400 message. */
function fieldOf(path: string): string | null {
  if (path === 'url' || path === 'destinationId') return 'target';
  if (path === 'body' || path === 'bodyEncoding') return 'body';
  return null;
}

function EditReplayForm({ event, destinations, onSent, onCancel }: FormProps) {
  const replay = useReplayEvent(event.id);
  const [initial] = useState(() => initialEdit(event));
  const [edit, setEdit] = useState<RequestEdit>(initial);
  const [target, setTarget] = useState<ReplayTarget>(NO_TARGET);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const change = (next: Partial<RequestEdit>, field?: string) => {
    setEdit((current) => ({ ...current, ...next }));
    if (field) setErrors((current) => withoutError(current, field));
  };
  const changeRow = (key: number, part: 'name' | 'value', text: string) =>
    change(
      { headers: edit.headers.map((row) => (row.key === key ? { ...row, [part]: text } : row)) },
      `header.${key}.${part}`,
    );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const checkedTarget = replayTargetOf(target);
    const found: FieldErrors = headerRowErrors(edit.headers);
    const jsonError = jsonBodyError(edit, initial);
    if (jsonError) found.body = jsonError;
    if ('error' in checkedTarget) found.target = checkedTarget.error;
    if ('error' in checkedTarget || Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    const parsed = replaySchema.safeParse({
      ...checkedTarget.request,
      ...editedParts(edit, initial),
    } satisfies Replay);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = fieldOf(String(issue.path[0] ?? ''));
      if (field) setErrors({ [field]: issue.message });
      else setFormError(`${issue.path.join('.') || 'Request'}: ${issue.message}`);
      return;
    }
    setErrors({});
    replay.mutate(parsed.data, {
      onSuccess: ({ deliveryId }) =>
        onSent({
          replayId: deliveryId,
          originalId: originalDeliveryOf(event, parsed.data.destinationId ?? null)?.id ?? null,
        }),
      onError: (failure) => {
        if (failure instanceof ApiError && failure.statusCode < 500) {
          const { fields, rest } = apiMessageToErrors(failure.message, fieldOf);
          setErrors(fields);
          setFormError(rest.length > 0 ? rest.join('; ') : null);
        } else {
          setFormError(errorMessage(failure));
        }
      },
    });
  };

  const base64 = edit.bodyEncoding === 'base64';
  return (
    <form onSubmit={submit} noValidate aria-label="Edit and replay">
      <Stack>
        {formError && (
          <Alert color="red" title="The replay was not sent" role="alert">
            {formError}
          </Alert>
        )}
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Send to
          </Text>
          <ReplayTargetFields
            value={target}
            onChange={(next) => {
              setTarget(next);
              setErrors((current) => withoutError(current, 'target'));
            }}
            destinations={destinations}
            error={errors.target ?? null}
          />
        </Stack>

        <Fieldset legend="Headers" variant="unstyled">
          <Stack gap="xs">
            {edit.headers.map((row, i) => (
              <Group key={row.key} gap="xs" align="flex-start" wrap="nowrap">
                <TextInput
                  aria-label={`Header ${i + 1} name`}
                  placeholder="Name"
                  value={row.name}
                  onChange={(e) => changeRow(row.key, 'name', e.currentTarget.value)}
                  error={errors[`header.${row.key}.name`]}
                  ff="monospace"
                  w="35%"
                />
                <TextInput
                  aria-label={`Header ${i + 1} value`}
                  placeholder="Value"
                  value={row.value}
                  onChange={(e) => changeRow(row.key, 'value', e.currentTarget.value)}
                  error={errors[`header.${row.key}.value`]}
                  ff="monospace"
                  style={{ flex: 1 }}
                />
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="lg"
                  aria-label={`Remove header ${i + 1}`}
                  onClick={() =>
                    change(
                      { headers: edit.headers.filter((r) => r.key !== row.key) },
                      `header.${row.key}.name`,
                    )
                  }
                >
                  ✕
                </ActionIcon>
              </Group>
            ))}
            <Group justify="space-between" wrap="wrap">
              <Button
                variant="light"
                size="xs"
                onClick={() => change({ headers: [...edit.headers, headerRow()] })}
              >
                Add header
              </Button>
              <Text size="xs" c="dimmed">
                Host and Content-Length are set when sending; Hookyard adds its X-Hookyard-*
                headers, and signs again for a destination with a secret.
              </Text>
            </Group>
          </Stack>
        </Fieldset>

        <Textarea
          label="Body"
          description={
            base64
              ? 'The body is not UTF-8 text: edit it as base64.'
              : 'Left unchanged, the body goes byte for byte as it was received.'
          }
          value={edit.body}
          onChange={(e) => change({ body: e.currentTarget.value }, 'body')}
          error={errors.body}
          autosize
          minRows={6}
          maxRows={18}
          spellCheck={false}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />

        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={replay.isPending}>
            Send replay
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
