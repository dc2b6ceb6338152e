import { EVENT_STATUSES, type EventStatus, type SourceResponse } from '@hookyard/contracts';
import { Button, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import {
  NO_FILTERS,
  TIME_RANGES,
  hasFilters,
  type EventFilterValues,
  type TimeRange,
} from '../event-filter-values';

/** Typing waits this long before the list is asked for again. */
export const SEARCH_DEBOUNCE_MS = 300;

interface Props {
  value: EventFilterValues;
  onChange: (value: EventFilterValues) => void;
  sources: SourceResponse[];
}

/** Source, status and time range, and a text search over the requests. */
export function EventFilters({ value, onChange, sources }: Props) {
  const [search, setSearch] = useState(value.q);
  const commitSearch = useDebouncedCallback(
    (q: string) => onChange({ ...value, q }),
    SEARCH_DEBOUNCE_MS,
  );

  return (
    <Group align="flex-end" gap="sm" wrap="wrap">
      <TextInput
        label="Search"
        placeholder="Path, headers or body"
        type="search"
        value={search}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          commitSearch(event.currentTarget.value);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            commitSearch.cancel();
            onChange({ ...value, q: search });
          }
        }}
        maxLength={200}
        miw={220}
        style={{ flexGrow: 1 }}
      />
      <Select
        label="Source"
        placeholder="All sources"
        data={sources.map((s) => ({ value: s.id, label: `${s.name} (${s.slug})` }))}
        value={value.sourceId}
        onChange={(sourceId) => onChange({ ...value, sourceId })}
        clearable
        searchable
        nothingFoundMessage="No such source"
        w={220}
      />
      <Select
        label="Status"
        placeholder="Any status"
        data={EVENT_STATUSES.map((s) => ({ value: s, label: s }))}
        value={value.status}
        onChange={(status) => onChange({ ...value, status: status as EventStatus | null })}
        clearable
        w={150}
      />
      <Select
        label="Time"
        data={Object.entries(TIME_RANGES).map(([range, { label }]) => ({ value: range, label }))}
        value={value.range}
        onChange={(range) => onChange({ ...value, range: (range ?? 'any') as TimeRange })}
        allowDeselect={false}
        w={170}
      />
      {hasFilters(value) && (
        <Button
          variant="subtle"
          onClick={() => {
            commitSearch.cancel();
            setSearch('');
            onChange(NO_FILTERS);
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  );
}
