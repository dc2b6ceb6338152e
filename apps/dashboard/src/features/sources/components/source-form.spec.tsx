import type { CreateSourceRequest, SourceResponse } from '@hookyard/contracts';
import { screen, waitFor } from '@testing-library/react';
import { mockApi, renderWithProviders } from '../../../test/render';
import { createSource, updateSource } from '../sources.api';
import { SourceForm } from './source-form';

const created = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'GitHub',
  slug: 'github',
  ingestUrl: 'http://localhost:3000/in/github',
};

describe('SourceForm', () => {
  it('shows the API refusal of a field next to that field', async () => {
    const api = mockApi({
      'POST /api/v1/sources': () => ({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: 'maxBodyBytes: must be at most 104857600 (HOOKYARD_MAX_BODY_BYTES)',
        },
      }),
    });
    const onCreated = jest.fn();
    const { user } = renderWithProviders(
      <SourceForm onSubmit={createSource} onCreated={onCreated} />,
    );

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Big uploads');
    const limit = screen.getByRole('textbox', { name: 'Body limit (MiB)' });
    await user.clear(limit);
    await user.type(limit, '500');
    await user.click(screen.getByRole('button', { name: 'Create source' }));

    expect(
      await screen.findByText('must be at most 104857600 (HOOKYARD_MAX_BODY_BYTES)'),
    ).toBeInTheDocument();
    expect(limit).toHaveAttribute('aria-invalid', 'true');
    expect(onCreated).not.toHaveBeenCalled();
    const sent = JSON.parse(String(api.mock.calls[0][1]?.body)) as CreateSourceRequest;
    expect(sent).toMatchObject({
      name: 'Big uploads',
      slug: 'big-uploads',
      maxBodyBytes: 524288000,
    });
  });

  it('shows a taken slug at the slug field', async () => {
    mockApi({
      'POST /api/v1/sources': () => ({
        status: 409,
        body: {
          statusCode: 409,
          error: 'Conflict',
          message: 'A source with slug "github" already exists',
        },
      }),
    });
    const { user } = renderWithProviders(<SourceForm onSubmit={createSource} />);

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'GitHub');
    await user.click(screen.getByRole('button', { name: 'Create source' }));

    expect(
      await screen.findByText('A source with slug "github" already exists'),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Slug' })).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows an API message that names no field of the form above it', async () => {
    mockApi({
      'POST /api/v1/sources': () => ({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: 'body: unknown field "extra"' },
      }),
    });
    const { user } = renderWithProviders(<SourceForm onSubmit={createSource} />);

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'GitHub');
    await user.click(screen.getByRole('button', { name: 'Create source' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('body: unknown field "extra"');
  });

  it('checks the input with the API schema before sending it', async () => {
    const api = mockApi({});
    const { user } = renderWithProviders(<SourceForm onSubmit={createSource} />);

    await user.click(screen.getByRole('combobox', { name: 'Verification' }));
    await user.click(screen.getByRole('option', { name: 'GitHub' }));
    await user.click(screen.getByRole('button', { name: 'Create source' }));

    expect(screen.getByText('must not be empty')).toBeInTheDocument();
    expect(screen.getByText('needs at least one secret')).toBeInTheDocument();
    expect(api).not.toHaveBeenCalled();
  });

  it('sends the verification rule of the chosen provider', async () => {
    const api = mockApi({ 'POST /api/v1/sources': () => ({ status: 201, body: created }) });
    const onCreated = jest.fn();
    const { user } = renderWithProviders(
      <SourceForm onSubmit={createSource} onCreated={onCreated} />,
    );

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'GitHub');
    await user.click(screen.getByRole('combobox', { name: 'Verification' }));
    await user.click(screen.getByRole('option', { name: 'GitHub' }));
    await user.type(
      screen.getByRole('textbox', { name: /Secrets/ }),
      'new-secret{Enter}old-secret',
    );
    await user.click(screen.getByRole('button', { name: 'Create source' }));

    expect(await screen.findByRole('textbox', { name: 'Name' })).toHaveValue('');
    expect(onCreated).toHaveBeenCalledWith(created);
    expect(JSON.parse(String(api.mock.calls[0][1]?.body))).toEqual({
      name: 'GitHub',
      slug: 'github',
      verification: { type: 'github', secrets: ['new-secret', 'old-secret'] },
      maxBodyBytes: 26214400,
    });
  });
});

describe('SourceForm editing a source', () => {
  const github = {
    ...created,
    verification: { type: 'github', secretCount: 1 },
    maxBodyBytes: 26214400,
    passthrough: null,
  } as SourceResponse;
  const save = (patch: Parameters<typeof updateSource>[1]) => updateSource(github.id, patch);

  it('keeps the secrets when none are typed', async () => {
    const api = mockApi({ [`PATCH /api/v1/sources/${github.id}`]: () => ({ body: github }) });
    const onCreated = jest.fn();
    const { user } = renderWithProviders(
      <SourceForm source={github} onSubmit={save} onCreated={onCreated} />,
    );

    const name = screen.getByRole('textbox', { name: 'Name' });
    await user.clear(name);
    await user.type(name, 'GitHub org');
    await user.click(screen.getByRole('button', { name: 'Save source' }));

    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(JSON.parse(String(api.mock.calls[0][1]?.body))).toEqual({
      name: 'GitHub org',
      slug: 'github',
      maxBodyBytes: 26214400,
    });
  });

  it('rotates the secrets: sends the rule with the new and the old one', async () => {
    const api = mockApi({ [`PATCH /api/v1/sources/${github.id}`]: () => ({ body: github }) });
    const { user } = renderWithProviders(<SourceForm source={github} onSubmit={save} />);

    await user.type(screen.getByRole('textbox', { name: /Secrets/ }), 'new{Enter}old');
    await user.click(screen.getByRole('button', { name: 'Save source' }));

    await waitFor(() => expect(api).toHaveBeenCalled());
    expect(JSON.parse(String(api.mock.calls[0][1]?.body))).toMatchObject({
      verification: { type: 'github', secrets: ['new', 'old'] },
    });
  });

  it("turns on answering with the destination's response, with its wait", async () => {
    const api = mockApi({ [`PATCH /api/v1/sources/${github.id}`]: () => ({ body: github }) });
    const { user } = renderWithProviders(<SourceForm source={github} onSubmit={save} />);

    expect(screen.queryByRole('textbox', { name: /Wait for it/ })).not.toBeInTheDocument();
    await user.click(
      screen.getByRole('switch', { name: "Answer with the destination's response" }),
    );
    const wait = screen.getByRole('textbox', { name: /Wait for it/ });
    expect(wait).toHaveValue('2500');
    await user.clear(wait);
    await user.type(wait, '2800');
    await user.click(screen.getByRole('button', { name: 'Save source' }));
    await waitFor(() => expect(api).toHaveBeenCalled());
    expect(JSON.parse(String(api.mock.calls[0][1]?.body))).toMatchObject({
      passthrough: { timeoutMs: 2800 },
    });
  });

  it('sends passthrough null to turn it off', async () => {
    const slack = { ...github, passthrough: { timeoutMs: 2000 } } as SourceResponse;
    const api = mockApi({ [`PATCH /api/v1/sources/${github.id}`]: () => ({ body: slack }) });
    const { user } = renderWithProviders(
      <SourceForm source={slack} onSubmit={(patch) => updateSource(slack.id, patch)} />,
    );

    expect(screen.getByRole('textbox', { name: /Wait for it/ })).toHaveValue('2000');
    await user.click(
      screen.getByRole('switch', { name: "Answer with the destination's response" }),
    );
    await user.click(screen.getByRole('button', { name: 'Save source' }));
    await waitFor(() => expect(api).toHaveBeenCalled());
    expect(JSON.parse(String(api.mock.calls[0][1]?.body))).toMatchObject({ passthrough: null });
  });

  it('asks for the secrets again when the rule changes', async () => {
    const api = mockApi({});
    const { user } = renderWithProviders(<SourceForm source={github} onSubmit={save} />);

    await user.click(screen.getByRole('combobox', { name: 'Verification' }));
    await user.click(screen.getByRole('option', { name: 'Stripe' }));
    await user.click(screen.getByRole('button', { name: 'Save source' }));

    expect(screen.getByText('needs at least one secret')).toBeInTheDocument();
    expect(api).not.toHaveBeenCalled();
  });
});
