import type { DeliveryStatus, EventSummary } from '@hookyard/contracts';
import { Badge, Tooltip, type MantineColor } from '@mantine/core';
import { reasonPhrase } from '../lib/http-status';

const DELIVERY_COLORS: Record<DeliveryStatus, MantineColor> = {
  scheduled: 'blue',
  delivering: 'cyan',
  succeeded: 'teal',
  failed: 'orange',
  dead: 'red',
  cancelled: 'gray',
};

export function deliveryStatusColor(status: DeliveryStatus): MantineColor {
  return DELIVERY_COLORS[status];
}

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <Badge color={DELIVERY_COLORS[status]} variant="light">
      {status}
    </Badge>
  );
}

export function statusCodeColor(code: number | null): MantineColor {
  if (code === null) return 'gray';
  if (code < 300) return 'teal';
  if (code < 400) return 'blue';
  if (code < 500) return 'orange';
  return 'red';
}

/** `503 Service Unavailable`, coloured by class; "no response" when there was none. */
export function StatusCodeBadge({ code }: { code: number | null }) {
  const phrase = code === null ? '' : reasonPhrase(code);
  return (
    <Badge color={statusCodeColor(code)} variant="filled" tt="none">
      {code === null ? 'no response' : `${code}${phrase ? ` ${phrase}` : ''}`}
    </Badge>
  );
}

const METHOD_COLORS: Record<string, MantineColor> = {
  GET: 'blue',
  POST: 'teal',
  PUT: 'orange',
  PATCH: 'yellow',
  DELETE: 'red',
};

export function MethodBadge({ method }: { method: string }) {
  return (
    <Badge color={METHOD_COLORS[method] ?? 'gray'} variant="outline" radius="sm" ff="monospace">
      {method}
    </Badge>
  );
}

type Verification = Pick<EventSummary, 'status' | 'rejectionReason' | 'handshake'>;

/** Accepted (verified where the source verifies), rejected with its reason, or a handshake. */
export function VerificationBadge({ event }: { event: Verification }) {
  if (event.status === 'rejected') {
    return (
      <Tooltip label={event.rejectionReason ?? 'Rejected'} multiline maw={360} withArrow>
        <Badge color="red" variant="light">
          rejected
        </Badge>
      </Tooltip>
    );
  }
  if (event.handshake) {
    return (
      <Tooltip label={`Handshake: ${event.handshake}`} withArrow>
        <Badge color="violet" variant="light">
          handshake
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Badge color="teal" variant="light">
      accepted
    </Badge>
  );
}
