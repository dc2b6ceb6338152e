import { destinationUrlSchema, type DestinationResponse, type Replay } from '@hookyard/contracts';
import { Button, Group, SegmentedControl, Select, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../components/page-states';
import { notifySuccess } from '../../../lib/notify';
import { useReplayEvent } from '../use-deliveries';

/** Where a replay goes, as the fields hold it. */
export interface ReplayTarget {
  kind: 'destination' | 'url';
  destinationId: string | null;
  url: string;
}

export const NO_TARGET: ReplayTarget = { kind: 'destination', destinationId: null, url: '' };

/** The target part of a replay request, or what to fix first. */
export function replayTargetOf(
  target: ReplayTarget,
): { request: Pick<Replay, 'destinationId' | 'url'> } | { error: string } {
  if (target.kind === 'destination') {
    return target.destinationId
      ? { request: { destinationId: target.destinationId } }
      : { error: 'Choose a destination' };
  }
  const url = destinationUrlSchema.safeParse(target.url.trim());
  return url.success
    ? { request: { url: url.data } }
    : { error: `URL ${url.error.issues[0].message}` };
}

interface TargetFieldsProps {
  value: ReplayTarget;
  onChange: (target: ReplayTarget) => void;
  destinations: DestinationResponse[];
  error: string | null;
}

/** A destination, or any URL: "Replay to", then "Destination" or "URL". */
export function ReplayTargetFields({ value, onChange, destinations, error }: TargetFieldsProps) {
  return (
    <Group align="flex-start" gap="sm" wrap="wrap">
      <SegmentedControl
        aria-label="Replay to"
        value={value.kind}
        onChange={(kind) => onChange({ ...value, kind: kind as ReplayTarget['kind'] })}
        data={[
          { value: 'destination', label: 'Destination' },
          { value: 'url', label: 'URL' },
        ]}
      />
      {value.kind === 'destination' ? (
        <Select
          aria-label="Destination"
          placeholder="Choose a destination"
          data={destinations.map((d) => ({ value: d.id, label: d.name }))}
          value={value.destinationId}
          onChange={(destinationId) => onChange({ ...value, destinationId })}
          error={error}
          searchable
          w={280}
        />
      ) : (
        <TextInput
          aria-label="URL"
          placeholder="http://localhost:8080/hooks"
          value={value.url}
          onChange={(e) => onChange({ ...value, url: e.currentTarget.value })}
          error={error}
          w={320}
        />
      )}
    </Group>
  );
}

interface Props {
  eventId: string;
  destinations: DestinationResponse[];
}

/** Sends the stored request again, as it came, to a destination or to any URL (one try). */
export function ReplayForm({ eventId, destinations }: Props) {
  const replay = useReplayEvent(eventId);
  const [target, setTarget] = useState<ReplayTarget>(NO_TARGET);
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = replayTargetOf(target);
    if ('error' in checked) {
      setError(checked.error);
      return;
    }
    setError(null);
    replay.mutate(checked.request, {
      onSuccess: ({ deliveryId }) =>
        notifySuccess('Replay sent', `New delivery ${deliveryId.slice(0, 8)} is on its way`),
      onError: (failure) => setError(errorMessage(failure)),
    });
  };

  return (
    <form onSubmit={submit} aria-label="Replay" noValidate>
      <Group align="flex-start" gap="sm" wrap="wrap">
        <ReplayTargetFields
          value={target}
          onChange={(next) => {
            if (next.kind !== target.kind) setError(null);
            setTarget(next);
          }}
          destinations={destinations}
          error={error}
        />
        <Button type="submit" loading={replay.isPending}>
          Replay
        </Button>
      </Group>
    </form>
  );
}
