import { startServer } from './helpers';
it('prints', async () => {
  const s = await startServer();
  console.log(JSON.stringify(s.routes));
  await s.close();
});
