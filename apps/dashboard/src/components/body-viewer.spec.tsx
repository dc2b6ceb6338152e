import { getDefaultNormalizer, screen, within } from '@testing-library/react';
import { renderWithProviders } from '../test/render';
import { BodyViewer } from './body-viewer';

/** Code blocks keep their line breaks and spaces: match them as they are. */
const exact = { normalizer: getDefaultNormalizer({ trim: false, collapseWhitespace: false }) };

describe('BodyViewer', () => {
  it('shows a JSON body as an expanded tree, and pretty-printed on request', async () => {
    const { user } = renderWithProviders(
      <BodyViewer
        body={'{"action":"opened","pull_request":{"number":7,"draft":false}}'}
        encoding="utf8"
        contentType="application/json"
      />,
    );

    const tree = screen.getByRole('tree', { name: 'body as a tree' });
    expect(within(tree).getByText('action: "opened"')).toBeInTheDocument();
    expect(within(tree).getByText('number: 7')).toBeInTheDocument();
    expect(within(tree).getByText('draft: false')).toBeInTheDocument();

    await user.click(screen.getByText('Pretty'));

    expect(screen.queryByRole('tree')).not.toBeInTheDocument();
    expect(screen.getByText(/"pull_request": \{\n {4}"number": 7,/, exact)).toBeInTheDocument();
  });

  it('warns when a body declared as JSON does not parse, and shows it raw', () => {
    renderWithProviders(
      <BodyViewer body={'{"broken":'} encoding="utf8" contentType="application/json" />,
    );

    expect(screen.getByText('Not valid JSON')).toBeInTheDocument();
    expect(screen.getByText('{"broken":')).toBeInTheDocument();
    expect(screen.queryByRole('tree')).not.toBeInTheDocument();
  });

  it('shows a form body as a table of decoded fields', () => {
    renderWithProviders(
      <BodyViewer
        body="payload=%7B%22a%22%3A1%7D&user_name=Ada+Lovelace"
        encoding="utf8"
        contentType="application/x-www-form-urlencoded"
      />,
    );

    const table = screen.getByRole('table', { name: 'body fields' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual(['payload{"a":1}', 'user_nameAda Lovelace']);
  });

  it('shows a text body as it is', () => {
    renderWithProviders(
      <BodyViewer body={'line one\nline two'} encoding="utf8" contentType="text/plain" />,
    );

    expect(screen.getByText('Text · 17 B')).toBeInTheDocument();
    expect(screen.getByText('line one\nline two', exact)).toBeInTheDocument();
  });

  it('shows a binary body as a hex dump, and its base64 on request', async () => {
    const { user } = renderWithProviders(
      <BodyViewer body="iVBORw0KGgo=" encoding="base64" contentType="image/png" />,
    );

    expect(
      screen.getByText(/^00000000 {2}89 50 4e 47 0d 0a 1a 0a {27}\|\.PNG\.\.\.\.\|$/, exact),
    ).toBeInTheDocument();
    expect(screen.getByText('Binary · 8 B')).toBeInTheDocument();

    await user.click(screen.getByText('Base64'));

    expect(screen.getByText('iVBORw0KGgo=')).toBeInTheDocument();
  });

  it('says so when there is no body', () => {
    renderWithProviders(<BodyViewer body="" encoding="utf8" contentType="application/json" />);

    expect(screen.getByText('No body')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Copy body' })).not.toBeInTheDocument();
  });

  it('copies the body as received, not as displayed', async () => {
    const { user } = renderWithProviders(
      <BodyViewer body={'{"a":1}'} encoding="utf8" contentType="application/json" />,
    );
    const writeText = jest.spyOn(navigator.clipboard, 'writeText');

    await user.click(screen.getByRole('button', { name: 'Copy body' }));

    expect(writeText).toHaveBeenCalledWith('{"a":1}');
  });
});
