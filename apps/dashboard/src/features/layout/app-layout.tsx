import {
  ActionIcon,
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  NavLink,
  Title,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { signOut, useSession } from '../../lib/session';
import { useLiveStream, type LiveStatus } from '../stream/use-live-stream';

const NAV = [
  { to: '/overview', label: 'Overview' },
  { to: '/events', label: 'Events' },
  { to: '/deliveries/failed', label: 'Failed deliveries' },
  { to: '/sources', label: 'Sources' },
  { to: '/destinations', label: 'Destinations' },
  { to: '/connections', label: 'Connections' },
];

const LIVE: Record<LiveStatus, { color: string; label: string; hint: string }> = {
  live: { color: 'teal', label: 'Live', hint: 'New requests appear as they arrive' },
  connecting: { color: 'yellow', label: 'Connecting', hint: 'Connecting to the live stream…' },
  offline: { color: 'red', label: 'Offline', hint: 'The live stream is closed: reload the page' },
};

/** Header, navigation and the page; holds the one live stream of the signed-in app. */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const token = useSession();
  const live = LIVE[useLiveStream(token)];
  const { pathname } = useLocation();

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={1} fz="h3">
              Hookyard
            </Title>
            <Tooltip label={live.hint} withArrow>
              <Badge color={live.color} variant="dot" aria-label={`Live stream: ${live.label}`}>
                {live.label}
              </Badge>
            </Tooltip>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ThemeToggle />
            <Button variant="default" size="xs" onClick={() => signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        {NAV.map((item) => (
          <NavLink
            key={item.to}
            component={RouterNavLink}
            to={item.to}
            label={item.label}
            active={pathname === item.to || pathname.startsWith(`${item.to}/`)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light', { getInitialValueInEffect: true });
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to the ${next} theme`} withArrow>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to the ${next} theme`}
        onClick={() => setColorScheme(next)}
      >
        <span aria-hidden>{scheme === 'dark' ? '☀' : '☾'}</span>
      </ActionIcon>
    </Tooltip>
  );
}
