import { replaySchema, type DestinationResponse, type Replay } from '@hookyard/contracts';
import { Button, Group, SegmentedControl, Select, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../components/page-states';
import { notifySuccess } from '../../../lib/notify';
import { useReplayEvent } from '../use-deliveries';

type Target = 'destination' | 'url';

interface Props {
  eventId: string;
  destinations: DestinationResponse[];
}

/** Sends the stored request again, as it came, to a destination or to any URL (one try). */
export function ReplayForm({ eventId, destinations }: Props) {
  const replay = useReplayEvent(eventId);
  const [target, setTarget] = useState<Target>('destination');
  const [destinationId, setDestinationId] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (target === 'destination' && !destinationId) {
      setError('Choose a destination');
      return;
    }
    const input: Replay =
      target === 'destination' ? { destinationId: destinationId ?? '' } : { url: url.trim() };
    const parsed = replaySchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError(target === 'url' ? `URL ${issue.message}` : issue.message);
      return;
    }
    replay.mutate(parsed.data, {
      onSuccess: ({ deliveryId }) =>
        notifySuccess('Replay sent', `New delivery ${deliveryId.slice(0, 8)} is on its way`),
      onError: (failure) => setError(errorMessage(failure)),
    });
  };

  return (
    <form onSubmit={submit} aria-label="Replay" noValidate>
      <Group align="flex-start" gap="sm" wrap="wrap">
        <SegmentedControl
          aria-label="Replay to"
          value={target}
          onChange={(value) => {
            setTarget(value as Target);
            setError(null);
          }}
          data={[
            { value: 'destination', label: 'Destination' },
            { value: 'url', label: 'URL' },
          ]}
        />
        {target === 'destination' ? (
          <Select
            aria-label="Destination"
            placeholder="Choose a destination"
            data={destinations.map((d) => ({ value: d.id, label: d.name }))}
            value={destinationId}
            onChange={setDestinationId}
            error={error}
            searchable
            w={280}
          />
        ) : (
          <TextInput
            aria-label="URL"
            placeholder="http://localhost:8080/hooks"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={error}
            w={320}
          />
        )}
        <Button type="submit" loading={replay.isPending}>
          Replay
        </Button>
      </Group>
    </form>
  );
}
