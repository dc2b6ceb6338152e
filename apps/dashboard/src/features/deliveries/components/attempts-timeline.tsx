import type { AttemptErrorKind, AttemptResponse, DeliveryStatus } from '@hookyard/contracts';
import { Accordion, Badge, Group, Stack, Text, Timeline, Tooltip } from '@mantine/core';
import { BodyViewer } from '../../../components/body-viewer';
import { HeadersTable } from '../../../components/headers-table';
import { StatusCodeBadge, statusCodeColor } from '../../../components/status-badges';
import {
  formatBytes,
  formatDuration,
  formatRelative,
  formatTime,
  headerValue,
} from '../../../lib/format';

export const ERROR_KINDS: Record<AttemptErrorKind, string> = {
  timeout: 'Timeout',
  connection_refused: 'Connection refused',
  connection_reset: 'Connection reset',
  dns: 'DNS lookup failed',
  tls: 'TLS error',
  ssrf_blocked: 'Blocked address',
  network: 'Network error',
};

interface Props {
  attempts: AttemptResponse[];
  status: DeliveryStatus;
  nextAttemptAt: string | null;
}

/** Every HTTP try of a delivery, oldest first, and when the next one is due. */
export function AttemptsTimeline({ attempts, status, nextAttemptAt }: Props) {
  const ordered = [...attempts].sort((a, b) => a.n - b.n);
  const waiting = status === 'scheduled' || status === 'failed' || status === 'delivering';

  if (ordered.length === 0 && !waiting) {
    return (
      <Text size="sm" c="dimmed">
        No attempts
      </Text>
    );
  }

  return (
    <Timeline active={ordered.length - 1} bulletSize={24} lineWidth={2} aria-label="Attempts">
      {ordered.map((attempt) => (
        <Timeline.Item
          key={attempt.n}
          bullet={
            <Text size="xs" fw={700}>
              {attempt.n}
            </Text>
          }
          color={attempt.error ? 'red' : statusCodeColor(attempt.statusCode)}
          title={<AttemptTitle attempt={attempt} />}
        >
          <AttemptBody attempt={attempt} />
        </Timeline.Item>
      ))}
      {waiting && (
        <Timeline.Item
          bullet={<Text size="xs">…</Text>}
          color="gray"
          lineVariant="dashed"
          title={status === 'delivering' ? 'Attempt in progress' : 'Next attempt'}
        >
          {status !== 'delivering' && (
            <Text size="sm" c="dimmed">
              {nextAttemptAt ? (
                <>
                  {formatTime(nextAttemptAt)} ({formatRelative(nextAttemptAt)})
                </>
              ) : (
                'Soon'
              )}
            </Text>
          )}
        </Timeline.Item>
      )}
    </Timeline>
  );
}

function AttemptTitle({ attempt }: { attempt: AttemptResponse }) {
  return (
    <Group gap="xs">
      <Text fw={600} size="sm">
        Attempt {attempt.n}
      </Text>
      {attempt.statusCode !== null || !attempt.errorKind ? (
        <StatusCodeBadge code={attempt.statusCode} />
      ) : (
        <Badge color="red" variant="filled" tt="none">
          {ERROR_KINDS[attempt.errorKind]}
        </Badge>
      )}
      <Text size="sm" c="dimmed">
        {formatDuration(attempt.durationMs)}
      </Text>
    </Group>
  );
}

function AttemptBody({ attempt }: { attempt: AttemptResponse }) {
  const contentType = headerValue(attempt.responseHeaders, 'content-type');
  const responseBody = attempt.responseBody ?? '';
  const bodySize =
    attempt.responseBodyEncoding === 'base64'
      ? Math.floor((responseBody.length * 3) / 4)
      : new TextEncoder().encode(responseBody).length;
  return (
    <Stack gap={4} mt={2}>
      <Group gap="xs">
        <Tooltip label={formatRelative(attempt.at)} withArrow>
          <Text size="xs" c="dimmed">
            {formatTime(attempt.at)}
          </Text>
        </Tooltip>
        <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
          {attempt.url}
        </Text>
      </Group>
      {attempt.error && (
        <Text size="sm" c="red">
          {attempt.error}
        </Text>
      )}
      <Accordion multiple variant="contained" chevronPosition="left" radius="sm">
        {attempt.responseHeaders !== null && (
          <Accordion.Item value="response">
            <Accordion.Control>
              <Text size="xs">Response · {formatBytes(bodySize)}</Text>
            </Accordion.Control>
            <Accordion.Panel>
              <Stack gap="xs">
                <HeadersTable
                  headers={attempt.responseHeaders}
                  label={`Response headers of attempt ${attempt.n}`}
                />
                <BodyViewer
                  body={responseBody}
                  encoding={attempt.responseBodyEncoding ?? 'utf8'}
                  contentType={contentType}
                  name="response body"
                />
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        )}
        <Accordion.Item value="request">
          <Accordion.Control>
            <Text size="xs">Request headers</Text>
          </Accordion.Control>
          <Accordion.Panel>
            <HeadersTable
              headers={attempt.requestHeaders}
              label={`Request headers of attempt ${attempt.n}`}
            />
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  );
}
