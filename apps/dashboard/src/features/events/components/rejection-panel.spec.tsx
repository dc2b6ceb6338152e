import { screen, within } from '@testing-library/react';
import { renderWithProviders } from '../../../test/render';
import { RejectionPanel } from './rejection-panel';

describe('RejectionPanel', () => {
  it('shows what was expected, what arrived, the skew and the likely cause', () => {
    renderWithProviders(
      <RejectionPanel
        rejection={{
          code: 'signature_mismatch',
          message: 'No secret produced the signature in X-Hub-Signature-256',
          scheme: 'github',
          header: 'X-Hub-Signature-256',
          received: 'sha256=0badc0de',
          expectedPrefixes: ['sha256=5e1f', 'sha256=9a0b'],
          skewSeconds: 412,
          toleranceSeconds: 300,
          secretsTried: 2,
          likelyCause: 'the body was re-encoded by a proxy',
        }}
      />,
    );

    expect(
      screen.getByText('Rejected: No secret produced the signature in X-Hub-Signature-256'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Likely cause: the body was re-encoded by a proxy'),
    ).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Signature check' });
    const row = (name: string) => within(table).getByRole('row', { name: new RegExp(`^${name}`) });
    expect(row('Received')).toHaveTextContent('sha256=0badc0de');
    expect(row('Expected')).toHaveTextContent('sha256=5e1f…sha256=9a0b…');
    expect(row('Timestamp skew')).toHaveTextContent('412 s (tolerance 300 s)');
    expect(row('Secrets tried')).toHaveTextContent('2');
  });

  it('leaves out what a non-signature rejection does not have', () => {
    renderWithProviders(
      <RejectionPanel rejection={{ code: 'ip_not_allowed', message: '10.0.0.9 is not allowed' }} />,
    );

    expect(screen.getByText('ip_not_allowed')).toBeInTheDocument();
    expect(screen.queryByText('Timestamp skew')).not.toBeInTheDocument();
    expect(screen.queryByText(/Likely cause/)).not.toBeInTheDocument();
  });
});
