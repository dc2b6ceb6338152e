import { cliEventId, parseCliEventId } from './cli-delivery.mapper';

describe('CLI stream event ids', () => {
  const id = '0b9f4c4e-8a49-4a5e-9d1e-2f7f7a4c1b2d';

  it('round-trips <deliveryId>:<attempt>', () => {
    expect(cliEventId(id, 3)).toBe(`${id}:3`);
    expect(parseCliEventId(`${id}:3`)).toEqual({ deliveryId: id, attempt: 3 });
    expect(parseCliEventId(` ${id.toUpperCase()}:12 `)).toEqual({ deliveryId: id, attempt: 12 });
  });

  it('ignores anything else', () => {
    for (const value of [undefined, '', '17', `${id}`, `${id}:`, `${id}:x`, `not-a-uuid:1`]) {
      expect(parseCliEventId(value)).toBeNull();
    }
  });
});
