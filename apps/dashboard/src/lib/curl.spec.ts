import { shellQuote, toCurl } from './curl';

describe('toCurl', () => {
  it('sends the method, headers and body, quoted for the shell', () => {
    const command = toCurl({
      method: 'POST',
      url: 'http://localhost:3000/in/gh/ci?x=1',
      headers: {
        'Content-Type': 'application/json',
        'X-GitHub-Event': 'push',
        Host: 'hooks.example.com',
        'Content-Length': '18',
      },
      body: `{"msg":"it's ok"}`,
      bodyEncoding: 'utf8',
    });

    expect(command).toBe(
      [
        `curl -X POST 'http://localhost:3000/in/gh/ci?x=1'`,
        `  -H 'Content-Type: application/json'`,
        `  -H 'X-GitHub-Event: push'`,
        `  --data-binary '{"msg":"it'\\''s ok"}'`,
      ].join(' \\\n'),
    );
  });

  it('pipes a binary body through base64 so the bytes arrive intact', () => {
    const command = toCurl({
      method: 'PUT',
      url: 'http://h/in/x',
      headers: {},
      body: 'iVBORw0KGgo=',
      bodyEncoding: 'base64',
    });

    expect(command).toBe(
      `printf '%s' 'iVBORw0KGgo=' | base64 -d | curl -X PUT 'http://h/in/x' \\\n  --data-binary @-`,
    );
  });

  it('leaves out an empty body', () => {
    expect(
      toCurl({ method: 'GET', url: 'http://h/in/x', headers: {}, body: '', bodyEncoding: 'utf8' }),
    ).toBe(`curl -X GET 'http://h/in/x'`);
  });
});

describe('shellQuote', () => {
  it('escapes single quotes only', () => {
    expect(shellQuote(`a'b $HOME "c"`)).toBe(`'a'\\''b $HOME "c"'`);
  });
});
