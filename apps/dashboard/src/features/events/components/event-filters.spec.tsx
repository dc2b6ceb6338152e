import type { SourceResponse } from '@hookyard/contracts';
import { screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { renderWithProviders } from '../../../test/render';
import { NO_FILTERS, toEventFilters, type EventFilterValues } from '../event-filter-values';
import { EventFilters } from './event-filters';

const source = (id: string, name: string, slug: string) => ({ id, name, slug }) as SourceResponse;
const SOURCES = [
  source('00000000-0000-4000-8000-000000000001', 'GitHub', 'gh'),
  source('00000000-0000-4000-8000-000000000002', 'Stripe', 'stripe'),
];

/** The filter bar with its value held like the page holds it; every change is recorded. */
function Harness({ onChange }: { onChange: (value: EventFilterValues) => void }) {
  const [value, setValue] = useState(NO_FILTERS);
  return (
    <EventFilters
      value={value}
      sources={SOURCES}
      onChange={(next) => {
        setValue(next);
        onChange(next);
      }}
    />
  );
}

describe('EventFilters', () => {
  it('narrows by source, status and time range', async () => {
    const onChange = jest.fn();
    const { user } = renderWithProviders(<Harness onChange={onChange} />);

    await user.click(screen.getByRole('combobox', { name: 'Source' }));
    await user.click(screen.getByRole('option', { name: 'Stripe (stripe)' }));
    await user.click(screen.getByRole('combobox', { name: 'Status' }));
    await user.click(screen.getByRole('option', { name: 'rejected' }));
    await user.click(screen.getByRole('combobox', { name: 'Time' }));
    await user.click(screen.getByRole('option', { name: 'Last hour' }));

    expect(onChange).toHaveBeenLastCalledWith({
      sourceId: '00000000-0000-4000-8000-000000000002',
      status: 'rejected',
      range: '1h',
      q: '',
    });
  });

  it('searches once the typing pauses, not at every key', async () => {
    const onChange = jest.fn();
    const { user } = renderWithProviders(<Harness onChange={onChange} />);

    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'push');

    expect(onChange).not.toHaveBeenCalled();
    await waitFor(() => expect(onChange).toHaveBeenCalledTimes(1));
    expect(onChange).toHaveBeenCalledWith({ ...NO_FILTERS, q: 'push' });
  });

  it('searches at once on Enter', async () => {
    const onChange = jest.fn();
    const { user } = renderWithProviders(<Harness onChange={onChange} />);

    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'ref{Enter}');

    expect(onChange).toHaveBeenCalledWith({ ...NO_FILTERS, q: 'ref' });
  });

  it('offers to clear the filters only when some are set, and clears them all', async () => {
    const onChange = jest.fn();
    const { user } = renderWithProviders(<Harness onChange={onChange} />);
    expect(screen.queryByRole('button', { name: 'Clear filters' })).not.toBeInTheDocument();

    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'x{Enter}');
    await user.click(screen.getByRole('combobox', { name: 'Status' }));
    await user.click(screen.getByRole('option', { name: 'accepted' }));
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));

    expect(onChange).toHaveBeenLastCalledWith(NO_FILTERS);
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue('');
    expect(screen.queryByRole('button', { name: 'Clear filters' })).not.toBeInTheDocument();
  });
});

describe('toEventFilters', () => {
  it('turns a time range into "since", counted back from now, and trims the search', () => {
    const now = Date.parse('2025-06-01T12:00:00.000Z');
    expect(
      toEventFilters({ sourceId: null, status: 'accepted', range: '24h', q: '  push ' }, now),
    ).toEqual({ status: 'accepted', since: '2025-05-31T12:00:00.000Z', q: 'push' });
    expect(toEventFilters(NO_FILTERS, now)).toEqual({});
  });
});
