import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyListState } from '../../components/page-states';

export function NotFoundPage() {
  return (
    <EmptyListState title="Nothing here" description="This page does not exist.">
      <Anchor component={Link} to="/events">
        Go to events
      </Anchor>
    </EmptyListState>
  );
}
